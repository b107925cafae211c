// Competitors (#52–#55): the tracked competitors with their latest page figures, snapshot
// count and latest snapshot state; a form to add one and a form to take a snapshot (page
// HTML pasted, or a URL the job runner fetches), where the API's refusals are shown as it
// words them (field errors at once; a fetch refused by robots.txt, the address check, the
// size cap or the timeout shows up as the snapshot's state and error in the list). Share of
// voice per ranking day for each competitor and us, with the position→CTR curve and its
// source as the API states them; keyword, content (by entity) and schema gaps as sortable
// tables with CSV. Every figure comes from the API.
import { useMemo, useState } from 'react';
import { useI18n, enumLabel } from '../lib/i18n.js';
import { api, roleAtLeast } from '../lib/api.js';
import { useApi } from '../lib/useApi.js';
import { num, pct, date, DASH, LOCALE } from '../lib/format.js';
import { Card } from '../components/Card.jsx';
import { Chart } from '../components/Chart.jsx';
import { Async, Empty, Problem } from '../components/States.jsx';
import { DataTable } from '../components/DataTable.jsx';

const LIST = '/api/level5/competitors';
const GAP = '/api/level5/competitors/gap';

/** Date and time in Berlin, to the minute. */
function when(iso, lang) {
  if (!iso) return DASH;
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return String(iso);
  return new Intl.DateTimeFormat(LOCALE[lang] || LOCALE.de, { dateStyle: 'short', timeStyle: 'short', timeZone: 'Europe/Berlin' }).format(d);
}

/** The keywords of a comma-separated field, trimmed, without empty ones. */
const splitList = (s) => s.split(',').map((x) => x.trim()).filter(Boolean);

export function Competitors({ user }) {
  const { t } = useI18n();
  const editor = user && roleAtLeast(user.role, 'editor');
  const [set, setSet] = useState('');
  const list = useApi((signal) => api.get(LIST, undefined, { signal }), []);
  const gap = useApi((signal) => api.get(GAP, { keywords: splitList(set).join(',') || undefined }, { signal }), [set]);
  const reload = () => { list.reload(); gap.reload(); };
  return (
    <>
      <h1>{t('comp.title')}</h1>
      <p className="muted">{t('comp.intro')}</p>
      <h2>{t('comp.list')}</h2>
      <Async res={list}>{(d) => (
        <>
          <CompetitorList data={d} />
          {editor && <Forms items={d.items} onDone={reload} />}
        </>
      )}</Async>
      <h2>{t('comp.sov')}</h2>
      <KeywordSet value={set} onApply={setSet} />
      <Async res={gap}>{(d) => <ShareOfVoice sov={d.share_of_voice} />}</Async>
      <h2>{t('comp.gaps')}</h2>
      <Async res={gap}>{(d) => <Gaps data={d} />}</Async>
    </>
  );
}

/** The last snapshot's state and time (why a fetch was refused: the snapshot table). */
function lastSnapshot(s, t, lang) {
  if (!s) return t('comp.snap.none');
  return `${enumLabel(lang, 'comp.state', s.state)} · ${when(s.done_at || s.created_at, lang)}`;
}

function CompetitorList({ data }) {
  const { t, lang } = useI18n();
  if (data.n === 0) return <Empty>{t('comp.none')}</Empty>;
  const columns = [
    { key: 'name', label: t('comp.col.name'), value: (c) => c.name },
    { key: 'domain', label: t('comp.col.domain'), value: (c) => c.domain, render: (c) => <code>{c.domain}</code> },
    { key: 'region', label: t('comp.col.region'), value: (c) => c.region ?? '', render: (c) => c.region ?? DASH },
    { key: 'keywords', label: t('comp.col.keywords'), value: (c) => c.keywords.join(', '), render: (c) => c.keywords.join(', ') || DASH },
    { key: 'sov', label: t('comp.col.sov'), num: true, value: (c) => c.share_of_voice, render: (c) => pct(c.share_of_voice, lang) },
    { key: 'pos', label: t('comp.col.meanpos'), num: true, value: (c) => c.ranking.mean_position, render: (c) => num(c.ranking.mean_position, lang, 1) },
    { key: 'score', label: t('comp.col.score'), num: true, value: (c) => c.latest?.content_score ?? null, render: (c) => num(c.latest?.content_score, lang) },
    { key: 'snapshots', label: t('comp.col.snapshots'), num: true, value: (c) => c.snapshot_count, render: (c) => num(c.snapshot_count, lang) },
    { key: 'last', label: t('comp.col.last'), value: (c) => c.snapshots[0]?.created_at ?? '', render: (c) => lastSnapshot(c.snapshots[0], t, lang),
      csv: (c) => lastSnapshot(c.snapshots[0], t, lang) },
  ];
  const snaps = data.items.flatMap((c) => c.snapshots.map((s) => ({ ...s, competitor: c.name, __key: s.id })))
    .sort((x, y) => y.id - x.id);                                     // newest first, whoever it belongs to
  return (
    <>
      <p className="muted" data-testid="comp-us" data-value={data.us.share_of_voice}>
        {t('comp.us', { domain: data.us.domain ?? DASH, sov: pct(data.us.share_of_voice, lang), pos: num(data.us.mean_position, lang, 1) })}
      </p>
      <DataTable id="comp-list" testid="comp-list" caption={t('comp.list')} columns={columns} rows={data.items} filename="wettbewerber" />
      <DataTable id="comp-snapshots" testid="comp-snapshots" caption={t('comp.snapshots')} rows={snaps} filename="wettbewerber-snapshots"
        rowAttrs={(s) => ({ 'data-id': s.id, 'data-state': s.state })} columns={[
          { key: 'competitor', label: t('comp.col.name'), value: (s) => s.competitor },
          { key: 'source', label: t('comp.col.source'), value: (s) => enumLabel(lang, 'comp.source', s.source) },
          { key: 'url', label: t('comp.col.url'), value: (s) => s.url ?? '', render: (s) => (s.url ? <code className="url">{s.url}</code> : DASH) },
          { key: 'state', label: t('comp.col.state'), value: (s) => enumLabel(lang, 'comp.state', s.state) },
          { key: 'error', label: t('comp.col.error'), value: (s) => s.error ?? '', render: (s) => (s.error ? <span lang="en">{s.error}</span> : DASH) },
          { key: 'at', label: t('comp.col.at'), value: (s) => s.created_at, render: (s) => when(s.created_at, lang), csv: (s) => s.created_at },
        ]} />
    </>
  );
}

function Forms({ items, onDone }) {
  const { t } = useI18n();
  return (
    <div className="grid cards-2">
      <AddForm onDone={onDone} />
      {items.length ? <SnapshotForm items={items} onDone={onDone} /> : <Card title={t('comp.snap.title')} headingLevel={3}><Empty>{t('comp.none')}</Empty></Card>}
    </div>
  );
}

function AddForm({ onDone }) {
  const { t } = useI18n();
  const [f, setF] = useState({ name: '', domain: '', region: '', keywords: '' });
  const [state, setState] = useState({ busy: false, result: null, error: null });
  const set = (k) => (e) => setF({ ...f, [k]: e.target.value });
  const submit = async (e) => {
    e.preventDefault();
    setState({ busy: true, result: null, error: null });
    try {
      const body = { name: f.name, domain: f.domain, keywords: splitList(f.keywords) };
      if (f.region.trim()) body.region = f.region;
      const r = await api.post(LIST, body);
      setState({ busy: false, result: r, error: null });
      onDone();
    } catch (err) { setState({ busy: false, result: null, error: err }); }
  };
  const r = state.result;
  return (
    <Card title={t('comp.add')} headingLevel={3} testid="comp-add">
      <form className="form comp-form" onSubmit={submit}>
        <label><span className="label">{t('comp.col.name')}</span><input value={f.name} onChange={set('name')} data-testid="comp-add-name" /></label>
        <label><span className="label">{t('comp.col.domain')}</span><input value={f.domain} onChange={set('domain')} placeholder="solar-beispiel.de" data-testid="comp-add-domain" /></label>
        <label><span className="label">{t('comp.col.region')}</span><input value={f.region} onChange={set('region')} data-testid="comp-add-region" /></label>
        <label><span className="label">{t('comp.add.keywords')}</span><input value={f.keywords} onChange={set('keywords')} data-testid="comp-add-keywords" /></label>
        <button type="submit" className="btn-primary" disabled={state.busy} data-testid="comp-add-save">{state.busy ? t('state.loading') : t('comp.add.save')}</button>
      </form>
      <p role="status" data-testid="comp-add-result" data-status={r?.status ?? ''}>
        {r ? t(`comp.saved.${r.status}`, { name: r.name, domain: r.domain }) : ''}
      </p>
      {state.error && <div data-testid="comp-add-error"><Problem error={state.error} /></div>}
    </Card>
  );
}

function SnapshotForm({ items, onDone }) {
  const { t, lang } = useI18n();
  const [f, setF] = useState({ id: String(items[0].id), mode: 'html', url: '', html: '' });
  const [state, setState] = useState({ busy: false, result: null, status: 0, error: null });
  const set = (k) => (e) => setF({ ...f, [k]: e.target.value });
  const submit = async (e) => {
    e.preventDefault();
    setState({ busy: true, result: null, status: 0, error: null });
    try {
      const body = f.mode === 'html' ? { url: f.url, html: f.html } : { url: f.url };
      const r = await api.post(`${LIST}/${f.id}/snapshots`, body);
      setState({ busy: false, result: r, status: r.state === 'queued' ? 202 : 201, error: null });
      onDone();
    } catch (err) { setState({ busy: false, result: null, status: 0, error: err }); }
  };
  const r = state.result;
  return (
    <Card title={t('comp.snap.title')} headingLevel={3} testid="comp-snap">
      <form className="form comp-form" onSubmit={submit}>
        <label><span className="label">{t('comp.col.name')}</span>
          <select value={f.id} onChange={set('id')} data-testid="comp-snap-competitor">
            {items.map((c) => <option key={c.id} value={c.id}>{c.name} ({c.domain})</option>)}
          </select></label>
        <fieldset className="full radio-row">
          <legend className="label">{t('comp.snap.mode')}</legend>
          {['html', 'fetch'].map((m) => (
            <label key={m}><input type="radio" name="comp-snap-mode" value={m} checked={f.mode === m} onChange={set('mode')}
              data-testid={`comp-snap-mode-${m}`} /> {t(`comp.snap.mode.${m}`)}</label>
          ))}
        </fieldset>
        <label className="full"><span className="label">{t('comp.col.url')}</span>
          <input value={f.url} onChange={set('url')} placeholder="https://solar-beispiel.de/speicher" data-testid="comp-snap-url" /></label>
        {f.mode === 'html' && (
          <label className="full"><span className="label">{t('comp.snap.html')}</span>
            <textarea rows={6} value={f.html} onChange={set('html')} translate="no" spellCheck={false} data-testid="comp-snap-html" /></label>
        )}
        <button type="submit" className="btn-primary" disabled={state.busy} data-testid="comp-snap-save">{state.busy ? t('state.loading') : t('comp.snap.save')}</button>
      </form>
      <div role="status" data-testid="comp-snap-result" data-status={state.status || ''} data-id={r?.id ?? ''}>
        {r && r.state === 'queued' && <p>{t('comp.snap.queued', { id: num(r.id, lang), job: num(r.job_id, lang) })}</p>}
        {r && r.state === 'done' && (
          <p>{t('comp.snap.done', { title: r.title ?? DASH, words: num(r.word_count, lang), score: num(r.content_score, lang),
            types: (r.jsonld_types || []).join(', ') || DASH })}</p>
        )}
      </div>
      {state.error && <div data-testid="comp-snap-error"><Problem error={state.error} /></div>}
    </Card>
  );
}

function KeywordSet({ value, onApply }) {
  const { t } = useI18n();
  const [text, setText] = useState(value);
  return (
    <form className="filters comp-set" onSubmit={(e) => { e.preventDefault(); onApply(text); }}>
      <label><span className="label">{t('comp.set')}</span>
        <input type="text" value={text} onChange={(e) => setText(e.target.value)} placeholder={t('comp.set.placeholder')} data-testid="comp-set" /></label>
      <button type="submit" className="btn-secondary" data-testid="comp-set-apply">{t('comp.set.apply')}</button>
    </form>
  );
}

/** The name of a domain of the share-of-voice answer: ours is id 0. */
const who = (d, t) => (d.id === 0 ? t('comp.us.name', { domain: d.domain ?? DASH }) : d.name || d.domain);

/** The domains the series draws: us always, a competitor when it has a share on some day. */
const drawn = (sov) => sov.domains.map((d, i) => ({ d, i }))
  .filter(({ d, i }) => d.id === 0 || sov.series.some((p) => p.shares[i] > 0));

function sovOption(sov, lines, t, lang) {
  return {
    grid: { left: 8, right: 16, top: 36, bottom: 8, containLabel: true },
    tooltip: { trigger: 'axis', valueFormatter: (v) => pct(v, lang) },
    legend: { data: lines.map(({ d }) => who(d, t)), top: 0, type: 'scroll' },
    xAxis: { type: 'category', data: sov.series.map((p) => p.day) },
    yAxis: { type: 'value', min: 0, max: 1, axisLabel: { formatter: (v) => pct(v, lang, 0) } },
    series: lines.map(({ d, i }) => ({
      type: 'line', name: who(d, t), data: sov.series.map((p) => p.shares[i]), symbolSize: 5,
      lineStyle: { width: d.id === 0 ? 3 : 2 },
    })),
  };
}

function ShareOfVoice({ sov }) {
  const { t, lang } = useI18n();
  const lines = useMemo(() => drawn(sov), [sov]);
  const option = useMemo(() => sovOption(sov, lines, t, lang), [sov, lines, t, lang]);
  const curve = sov.curve.ctr_by_position;
  const last = sov.series[sov.series.length - 1];
  // one row per day and drawn domain, newest day first
  const rows = useMemo(() => [...sov.series].reverse().flatMap((p) => lines.map(({ d, i }) => ({
    day: p.day, id: d.id, who: who(d, t), share: p.shares[i], __key: `${p.day}|${d.id}`,
  }))), [sov, lines, t]);
  const left = sov.domains.length - lines.length;
  const byShare = useMemo(() => [...sov.domains].sort((x, y) => y.share - x.share || x.id - y.id), [sov]);   // largest voice first
  return (
    <>
      <Card title={t('comp.sov.chart')} testid="comp-sov">
        <p className="muted" data-testid="comp-sov-meta" data-days={sov.days} data-weighting={sov.weighting}>
          {t('comp.sov.meta', { n: num(sov.keywords.length, lang), days: num(sov.days, lang), asof: date(sov.as_of, lang) })}
          {' '}{t(`comp.weighting.${sov.weighting}`)}
          {left > 0 && <> {t('comp.sov.left', { n: num(left, lang) })}</>}
        </p>
        {sov.series.length === 0 ? <Empty>{t('comp.sov.none')}</Empty> : (
          <Chart option={option} height={300} testid="comp-sov-chart"
            label={t('comp.sov.label', { list: lines.map(({ d, i }) => `${who(d, t)} ${pct(last.shares[i], lang)}`).join(', ') })} />
        )}
        <DataTable id="comp-sov-table" testid="comp-sov-table" caption={t('comp.sov.table')} rows={byShare} filename="share-of-voice"
          rowAttrs={(d) => ({ 'data-id': d.id })} columns={[
            { key: 'who', label: t('comp.col.name'), value: (d) => who(d, t) },
            { key: 'share', label: t('comp.col.sov'), num: true, value: (d) => d.share, render: (d) => pct(d.share, lang) },
            { key: 'visibility', label: t('comp.col.visibility'), num: true, value: (d) => d.visibility, render: (d) => pct(d.visibility, lang) },
            { key: 'clicks', label: t('comp.col.clicks'), num: true, value: (d) => d.clicks_estimate, render: (d) => num(d.clicks_estimate, lang, 2) },
            { key: 'ranked', label: t('comp.col.ranked'), num: true, value: (d) => d.ranked, render: (d) => num(d.ranked, lang) },
            { key: 'pos', label: t('comp.col.meanpos'), num: true, value: (d) => d.mean_position, render: (d) => num(d.mean_position, lang, 1) },
          ]} />
        <DataTable id="comp-sov-series" testid="comp-sov-series" caption={t('comp.sov.series')} rows={rows} filename="share-of-voice-verlauf"
          rowAttrs={(r) => ({ 'data-day': r.day, 'data-id': r.id })} columns={[
            { key: 'day', label: t('comp.col.day'), value: (r) => r.day, render: (r) => date(r.day, lang) },
            { key: 'who', label: t('comp.col.name'), value: (r) => r.who },
            { key: 'share', label: t('comp.col.sov'), num: true, value: (r) => r.share, render: (r) => pct(r.share, lang) },
          ]} />
      </Card>
      <Card title={t('comp.curve')} headingLevel={3} testid="comp-curve">
        <ol className="curve-list" data-testid="comp-curve-values">
          {curve.map((c, i) => <li key={i} data-value={c}>{t('comp.curve.pos', { pos: num(i + 1, lang), ctr: pct(c, lang) })}</li>)}
        </ol>
        <p className="muted">{t('comp.curve.between')}: <span lang="en" data-testid="comp-curve-between">{sov.curve.between}</span></p>
        <p data-testid="comp-curve-source">{t('comp.curve.source')}: <cite lang="en">{sov.curve.source}</cite></p>
      </Card>
    </>
  );
}

/** The competitors of a keyword-gap row: "domain (position)". */
const rankedBy = (k, lang) => k.competitors.map((c) => `${c.domain} (${num(c.position, lang, 1)})`).join(', ');

function Gaps({ data }) {
  const { t, lang } = useI18n();
  const content = data.content_gap.groups.flatMap((g) => g.terms.map((x) => ({
    ...x, entity: g.entity, cluster: g.cluster, __key: `${g.entity ?? ''}|${x.stem}`,
  })));
  const entityName = (r) => r.entity ?? t('comp.entity.none');
  // the weight of a group: its terms' weights added up (as the API rounds each, to 4 places)
  const groups = data.content_gap.groups.map((g) => ({
    ...g, weight: Math.round(g.terms.reduce((n, x) => n + x.weight, 0) * 1e4) / 1e4, __key: g.entity ?? '',
  }));
  return (
    <>
      <details className="muted" data-testid="comp-method">
        <summary>{t('comp.method')}</summary>
        <p lang="en">{data.method}</p>
        <p>{t('comp.gap.schema.from')}: <span lang="en">{data.schema_gap.ours_from}</span></p>
      </details>
      <Card title={t('comp.gap.keywords')} testid="comp-kwgap-card">
        <DataTable id="comp-kwgap" testid="comp-kwgap" label={t('comp.gap.keywords')} rows={data.keyword_gap} filename="keyword-gap"
          empty={t('comp.gap.keywords.none')} columns={[
            { key: 'keyword', label: t('comp.col.keyword'), value: (k) => k.keyword },
            { key: 'volume', label: t('comp.col.volume'), num: true, value: (k) => k.volume, render: (k) => num(k.volume, lang) },
            { key: 'source', label: t('comp.col.volsource'), value: (k) => enumLabel(lang, 'comp.volsource', k.volume_source) },
            { key: 'ours', label: t('comp.col.ourpos'), num: true, value: (k) => k.our_position, render: (k) => num(k.our_position, lang, 1) },
            { key: 'best', label: t('comp.col.bestpos'), num: true, value: (k) => k.best_position, render: (k) => num(k.best_position, lang, 1) },
            { key: 'who', label: t('comp.col.rankedby'), value: (k) => rankedBy(k, lang) },
          ]} />
      </Card>
      <Card title={t('comp.gap.content')} testid="comp-contentgap-card">
        <p className="muted" data-testid="comp-contentgap-meta">
          {t('comp.gap.content.meta', { ours: num(data.content_gap.our_pages, lang), theirs: num(data.content_gap.competitor_pages, lang),
            groups: num(data.content_gap.groups.length, lang) })}
        </p>
        <DataTable id="comp-contentgroups" testid="comp-contentgroups" caption={t('comp.gap.groups')} rows={groups} filename="content-gap-entitaeten"
          empty={t('comp.gap.content.none')} columns={[
            { key: 'entity', label: t('comp.col.entity'), value: entityName },
            { key: 'n', label: t('comp.col.nterms'), num: true, value: (g) => g.terms.length, render: (g) => num(g.terms.length, lang) },
            { key: 'weight', label: t('comp.col.weightsum'), num: true, value: (g) => g.weight, render: (g) => num(g.weight, lang, 4) },
            { key: 'terms', label: t('comp.col.terms'), value: (g) => g.terms.map((x) => x.term).join(', ') },
          ]} />
        <DataTable id="comp-contentgap" testid="comp-contentgap" caption={t('comp.gap.terms')} rows={content} filename="content-gap"
          empty={t('comp.gap.content.none')} rowAttrs={(r) => ({ 'data-stem': r.stem })} columns={[
            { key: 'entity', label: t('comp.col.entity'), value: entityName },
            { key: 'term', label: t('comp.col.term'), value: (r) => r.term },
            { key: 'weight', label: t('comp.col.weight'), num: true, value: (r) => r.weight, render: (r) => num(r.weight, lang, 4) },
            { key: 'who', label: t('comp.col.competitors'), value: (r) => r.competitors.join(', ') },
          ]} />
      </Card>
      <Card title={t('comp.gap.schema')} testid="comp-schemagap-card">
        <DataTable id="comp-schemagap" testid="comp-schemagap" label={t('comp.gap.schema')} rows={data.schema_gap.missing} filename="schema-gap"
          empty={t('comp.gap.schema.none')} columns={[
            { key: 'type', label: t('comp.col.type'), value: (s) => s.type, render: (s) => <code>{s.type}</code> },
            { key: 'pages', label: t('comp.col.pages'), num: true, value: (s) => s.pages, render: (s) => num(s.pages, lang) },
            { key: 'who', label: t('comp.col.competitors'), value: (s) => s.competitors.join(', ') },
          ]} />
        <p className="muted" data-testid="comp-schema-ours">
          {t('comp.gap.schema.ours')}: {data.schema_gap.ours.length ? data.schema_gap.ours.map((x, i) => <span key={x}>{i ? ', ' : ''}<code>{x}</code></span>) : DASH}
        </p>
      </Card>
    </>
  );
}

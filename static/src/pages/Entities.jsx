// Entities: coverage, top entities, topic clusters as a graph, dictionary entities never
// mentioned, pages without a main entity (entity-seo report), and a form that analyses a
// page's text (editor). Shapes are read tolerantly: a missing field shows "—". Entity
// types and topic areas carry German labels, sameAs links show decoded, the graph keeps
// to its box (gravity, no roaming out of view, overlapping labels hidden).
import { useMemo, useState } from 'react';
import { useI18n } from '../lib/i18n.js';
import '../styles-pages.css';
import { api, roleAtLeast } from '../lib/api.js';
import { useApi } from '../lib/useApi.js';
import { num, pct, pick, asArray, cell, DASH } from '../lib/format.js';
import { Card } from '../components/Card.jsx';
import { Async, Empty, Problem } from '../components/States.jsx';
import { DataTable } from '../components/DataTable.jsx';
import { Chart, PALETTE } from '../components/Chart.jsx';
import { PageLink } from '../components/PageLink.jsx';

const entName = (e) => (typeof e === 'string' ? e : pick(e, 'name|entity|label|id', DASH));

/** A label from the dictionary when there is one, else the value itself. */
function label(t, prefix, v) {
  if (v === null || v === undefined || v === '') return DASH;
  const s = t(`${prefix}.${v}`);
  return s === `${prefix}.${v}` ? String(v) : s;
}

/** A link's text: host and path, percent-escapes decoded ("Wärmepumpe", not "W%C3%A4rmepumpe"). */
export function decodedLink(u) {
  let s = String(u).replace(/^https?:\/\//, '');
  try { s = decodeURI(s); } catch { /* malformed escape: keep it */ }
  return s.replace(/_/g, ' ');
}

export function Entities({ user }) {
  const { t } = useI18n();
  const res = useApi((signal) => api.get('/api/level2/entity-seo/report', undefined, { signal }), []);
  return (
    <>
      <h1>{t('entities.title')}</h1>
      <Async res={res}>{(d) => <Report data={d} />}</Async>
      {roleAtLeast(user.role, 'editor') && <AnalyzeForm onDone={res.reload} />}
    </>
  );
}

function Report({ data }) {
  const { t, lang } = useI18n();
  const top = asArray(pick(data, 'top_entities|entities', []));
  const clusterList = asArray(pick(data, 'clusters.items|clusters|topic_clusters', []));
  const never = asArray(pick(data, 'never_mentioned|unmentioned', []));
  const noMain = asArray(pick(data, 'pages_without_main_entity|pages_without_main', []));
  const analysed = pick(data, 'n');
  const mentioned = pick(data, 'entities_mentioned');

  // The graph: one hub per topic cluster, its member entities (sized by mentions) on two
  // rings around it, labels pointing outwards; clusters side by side, or stacked on a
  // narrow screen. Positions are ours (layout "none"), so ECharts fits them to the box.
  const narrow = typeof window !== 'undefined' && window.matchMedia?.('(max-width: 700px)').matches;
  const graph = useMemo(() => {
    const byName = new Map(top.map((e) => [entName(e), e]));
    const nodes = []; const links = [];
    clusterList.forEach((c, i) => {
      const hub = `◆ ${pick(c, 'name|label', `#${i + 1}`)}`;
      const hx = narrow ? 0 : i * 260; const hy = narrow ? i * 260 : 0;   // in px-like units: ECharts aligns
      // straight lines to half units, which must stay small against the scale
      nodes.push({ name: hub, x: hx, y: hy, value: pick(c, 'mentions'), symbol: 'diamond', symbolSize: 18, category: i, label: { fontWeight: 'bold', position: 'inside', offset: [0, -16] } });
      const members = asArray(pick(c, 'entities|members', [])).map(entName).filter((n) => !nodes.some((x) => x.name === n));
      members.forEach((n, k) => {
        const e = byName.get(n);
        const w = pick(e, 'mentions', 1);
        const a = (2 * Math.PI * k) / Math.max(1, members.length) - Math.PI / 2;
        const r = members.length > 10 && k % 2 ? 75 : 105;
        const x = hx + r * Math.cos(a); const y = hy + r * Math.sin(a);
        nodes.push({ name: n, x, y, value: pick(e, 'mentions'), symbolSize: 8 + Math.min(16, Math.sqrt(w) * 1.5), category: i,
          label: { position: Math.cos(a) < -0.2 ? 'left' : Math.cos(a) > 0.2 ? 'right' : (Math.sin(a) < 0 ? 'top' : 'bottom') } });
        links.push({ source: hub, target: n });
      });
    });
    return { nodes, links };
  }, [top, clusterList, narrow]);

  if (!analysed && !top.length) {
    return (
      <>
        <Empty>{t('entities.empty')}</Empty>
        {never.length > 0 && <NeverTable rows={never} />}
      </>
    );
  }

  const graphOption = {
    tooltip: { formatter: (x) => (x.dataType === 'node' ? `${x.name}${typeof x.value === 'number' ? ` · ${num(x.value, lang)} ${t('entities.mentions')}` : ''}` : '') },
    legend: [{ data: clusterList.map((c, i) => pick(c, 'name|label', `#${i + 1}`)), bottom: 0, type: 'scroll', textStyle: { fontSize: 13 } }],
    series: [{
      type: 'graph', layout: 'none', roam: false, top: 40, bottom: 56, left: 110, right: 110,
      categories: clusterList.map((c, i) => ({ name: pick(c, 'name|label', `#${i + 1}`), itemStyle: { color: PALETTE[i % PALETTE.length] } })),
      data: graph.nodes, links: graph.links,
      label: { show: true, position: 'right', color: '#1f2933', fontSize: 13, textBorderColor: '#fff', textBorderWidth: 3 },
      labelLayout: { hideOverlap: true }, emphasis: { focus: 'adjacency', label: { show: true } },
      lineStyle: { color: '#9aa5b1', width: 1, opacity: 0.6 },
    }],
  };

  return (
    <>
      <div className="grid cards-4">
        <Card title={t('entities.coverage')} testid="entities-coverage">
          <p className="kpi">
            <span className="kpi-value">{num(mentioned, lang)}</span>
            <span className="muted">{t('entities.coverage.detail', { pages: num(analysed, lang), never: num(never.length, lang) })}</span>
          </p>
        </Card>
        <Card title={t('entities.clusters')}><p className="kpi"><span className="kpi-value">{num(clusterList.length, lang)}</span>
          <span className="muted">{pick(data, 'clusters.modularity') !== undefined ? `${t('entities.modularity')} ${num(data.clusters.modularity, lang, 2)}` : ''}</span></p></Card>
        <Card title={t('entities.missing')}><p className="kpi"><span className="kpi-value">{num(never.length, lang)}</span></p></Card>
        <Card title={t('entities.nomain')}><p className="kpi"><span className="kpi-value">{num(noMain.length, lang)}</span></p></Card>
      </div>
      {graph.nodes.length > 0 && (
        <Card title={t('entities.graph')}>
          <Chart option={graphOption} label={`${t('entities.graph')}: ${clusterList.map((c) => `${pick(c, 'name', DASH)} (${asArray(pick(c, 'entities', [])).map(entName).join(', ')})`).join('; ')}`} height={narrow ? 360 * Math.max(1, clusterList.length) : 480} />
        </Card>
      )}
      <Card title={t('entities.top')}>
        <DataTable id="entities-top" label={t('entities.top')} rows={top} filename="entities-top" columns={[
          { key: 'name', label: t('entities.entity'), value: entName },
          { key: 'type', label: t('entities.type'), value: (e) => label(t, 'entities.type', pick(e, 'type|kind')) },
          { key: 'cluster', label: t('entities.cluster'), value: (e) => label(t, 'entities.topic', pick(e, 'cluster')) },
          { key: 'pages', label: t('entities.pages'), num: true, value: (e) => pick(e, 'pages|page_count'), render: (e) => cell(pick(e, 'pages|page_count'), lang) },
          { key: 'main', label: t('entities.mainpages'), num: true, value: (e) => pick(e, 'main_pages'), render: (e) => cell(pick(e, 'main_pages'), lang) },
          { key: 'mentions', label: t('entities.mentions'), num: true, value: (e) => pick(e, 'mentions|count'), render: (e) => cell(pick(e, 'mentions|count'), lang) },
          { key: 'salience', label: t('entities.salience'), num: true, value: (e) => pick(e, 'avg_salience|salience'), render: (e) => num(pick(e, 'avg_salience|salience'), lang, 3) },
          { key: 'same_as', label: 'sameAs', value: (e) => pick(e, 'same_as'), render: (e) => (pick(e, 'same_as') ? <a href={e.same_as} rel="noreferrer noopener" target="_blank">{decodedLink(e.same_as)}</a> : DASH) },
        ]} />
      </Card>
      <Card title={t('entities.clusters')}>
        <DataTable id="entities-clusters" label={t('entities.clusters')} rows={clusterList} filename="entities-clusters" columns={[
          { key: 'label', label: t('entities.clusters'), value: (c) => pick(c, 'name|label') },
          { key: 'dict', label: t('entities.cluster'), value: (c) => label(t, 'entities.topic', pick(c, 'dictionary_cluster')) },
          { key: 'size', label: t('entities.size'), num: true, value: (c) => pick(c, 'size') },
          { key: 'mentions', label: t('entities.mentions'), num: true, value: (c) => pick(c, 'mentions'), render: (c) => num(pick(c, 'mentions'), lang) },
          { key: 'entities', label: t('entities.entity'), value: (c) => asArray(pick(c, 'entities|members', [])).map(entName).join(', ') },
        ]} />
      </Card>
      <div className="grid cards-2">
        <NeverTable rows={never} />
        <Card title={t('entities.nomain')}>
          <DataTable id="entities-nomain" label={t('entities.nomain')} rows={noMain} filename="pages-without-main-entity" columns={[
            { key: 'url', label: 'URL', value: (p) => (typeof p === 'string' ? p : pick(p, 'url|path')), render: (p) => <PageLink url={typeof p === 'string' ? p : pick(p, 'url|path')} /> },
            { key: 'n', label: t('entities.count'), num: true, value: (p) => pick(p, 'entities') },
            { key: 'topic', label: t('entities.cluster'), value: (p) => label(t, 'entities.topic', pick(p, 'topic')) },
          ]} />
        </Card>
      </div>
    </>
  );
}

function NeverTable({ rows }) {
  const { t } = useI18n();
  return (
    <Card title={t('entities.missing')}>
      <DataTable id="entities-never" label={t('entities.missing')} rows={rows} filename="entities-never-mentioned" columns={[
        { key: 'name', label: t('entities.entity'), value: entName },
        { key: 'type', label: t('entities.type'), value: (e) => label(t, 'entities.type', pick(e, 'type|kind')) },
        { key: 'cluster', label: t('entities.cluster'), value: (e) => label(t, 'entities.topic', pick(e, 'cluster')) },
      ]} />
    </Card>
  );
}

function AnalyzeForm({ onDone }) {
  const { t, lang } = useI18n();
  const [url, setUrl] = useState('');
  const [text, setText] = useState('');
  const [pageLang, setPageLang] = useState('de');
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState(null);
  const [error, setError] = useState(null);
  const submit = async (e) => {
    e.preventDefault();
    setBusy(true); setError(null); setResult(null);
    try {
      const isHtml = /^\s*</.test(text);
      setResult(await api.post('/api/level2/entity-seo/analyze', { url, [isHtml ? 'html' : 'text']: text, lang: pageLang }));
      onDone?.();
    } catch (err) { setError(err); }
    setBusy(false);
  };
  const found = asArray(pick(result, 'entities', []));
  const missing = asArray(pick(result, 'topic.missing_core|missing_core', []));
  return (
    <Card title={t('entities.analyze')} testid="entities-analyze">
      <form className="form" onSubmit={submit}>
        <label><span className="label">{t('entities.analyze.url')}</span>
          <input type="url" required value={url} onChange={(e) => setUrl(e.target.value)} placeholder="https://zoe-solar.de/…" /></label>
        <label><span className="label">{t('entities.analyze.lang')}</span>
          <select value={pageLang} onChange={(e) => setPageLang(e.target.value)}><option value="de">de</option><option value="en">en</option></select></label>
        <label className="full"><span className="label">{t('entities.analyze.text')}</span>
          <textarea required rows={6} value={text} onChange={(e) => setText(e.target.value)} /></label>
        <button type="submit" className="btn-primary" disabled={busy || !text.trim()}>{busy ? t('state.loading') : t('entities.analyze.submit')}</button>
      </form>
      {error && <Problem error={error} />}
      {result && (
        <>
          <DataTable id="entities-analysis" label={t('entities.analyze.result')} caption={t('entities.analyze.result')} rows={found} filename="entity-analysis" columns={[
            { key: 'name', label: t('entities.entity'), value: entName },
            { key: 'type', label: t('entities.type'), value: (x) => label(t, 'entities.type', pick(x, 'type')) },
            { key: 'count', label: t('entities.count'), num: true, value: (x) => pick(x, 'count|mentions') },
            { key: 'sal', label: t('entities.salience'), num: true, value: (x) => pick(x, 'salience'), render: (x) => num(pick(x, 'salience'), lang, 3) },
            { key: 'main', label: t('entities.main'), value: (x) => pick(x, 'main'), render: (x) => cell(pick(x, 'main')) },
            { key: 'pos', label: t('entities.firstpos'), num: true, value: (x) => pick(x, 'first_position') },
          ]} />
          <h3>{t('entities.analyze.missingcore')}{pick(result, 'topic.cluster') ? ` (${result.topic.cluster})` : ''}</h3>
          <p>{missing.length ? missing.map(entName).join(', ') : DASH}</p>
          {pick(result, 'jsonld|json_ld') && <pre className="code" tabIndex={0}>{JSON.stringify(pick(result, 'jsonld|json_ld'), null, 2)}</pre>}
        </>
      )}
    </Card>
  );
}

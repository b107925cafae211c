// Metadata audit: the audit of the stored page inventory for every role (GET data/optimize,
// read only); editors may run it again and store the findings (POST {"stored": true}).
// The real title and description with a search-result preview cut where Google cuts
// (about 580 px), filters ("Titel zu lang", "Beschreibung fehlt"), search and sort.
import { useState, useMemo } from 'react';
import { useI18n } from '../lib/i18n.js';
import '../styles-pages.css';
import { api, roleAtLeast } from '../lib/api.js';
import { useApi } from '../lib/useApi.js';
import { num, pick, asArray, DASH } from '../lib/format.js';
import { Card } from '../components/Card.jsx';
import { Async, Empty, Problem } from '../components/States.jsx';
import { DataTable } from '../components/DataTable.jsx';
import { PageLink } from '../components/PageLink.jsx';
import { useTableControls } from '../components/TableControls.jsx';
import { SerpPreview, TitleWidth, issueText, SEVERITY_BADGE } from '../components/Serp.jsx';

const SEV_ORDER = { error: 0, warning: 1, info: 2 };
const has = (p, check) => asArray(p.issues).some((i) => i.check === check);

export function Metadata({ user }) {
  const { t } = useI18n();
  const editor = roleAtLeast(user.role, 'editor');
  const [tick, setTick] = useState(0);
  const [run, setRun] = useState({ busy: false, error: null, done: false });
  const res = useApi((signal) => api.get('/api/level2/data/optimize', undefined, { signal }), [tick]);
  const rerun = async () => {
    setRun({ busy: true, error: null, done: false });
    try { await api.post('/api/level2/data/optimize', { stored: true }); setRun({ busy: false, error: null, done: true }); setTick((n) => n + 1); } catch (e) { setRun({ busy: false, error: e, done: false }); }
  };
  return (
    <>
      <h1>{t('meta.title')}</h1>
      <p>{t('meta.intro')}</p>
      <div className="actions">
        {editor
          ? <button type="button" className="btn-primary" onClick={rerun} disabled={run.busy} data-testid="run-audit">{run.busy ? t('meta.running') : t('meta.run')}</button>
          : <p className="muted" data-testid="viewer-note">{t('meta.viewer')}</p>}
        {run.done && <span role="status">{t('meta.ran')}</span>}
      </div>
      {run.error && <Problem error={run.error} compact />}
      <Async res={res}>{(d) => <Audit data={d} />}</Async>
    </>
  );
}

function Summary({ summary, limit }) {
  const { t, lang } = useI18n();
  const sev = summary.by_severity || {};
  return (
    <dl className="facts inline" data-testid="meta-summary">
      <div><dt>{t('meta.sum.pages')}</dt><dd>{num(summary.pages, lang)}</dd></div>
      <div><dt>{t('meta.sum.errors')}</dt><dd>{num(summary.pages_with_errors, lang)}</dd></div>
      {['error', 'warning', 'info'].map((k) => <div key={k}><dt>{t(`meta.sev.${k}`)}</dt><dd>{num(sev[k], lang)}</dd></div>)}
      <div><dt>{t('meta.sum.score')}</dt><dd>{num(summary.mean_score, lang, 1)}</dd></div>
      <div><dt>{t('meta.sum.limit')}</dt><dd>{num(limit, lang)} px</dd></div>
    </dl>
  );
}

function Audit({ data }) {
  const { t, lang } = useI18n();
  const pages = asArray(pick(data, 'pages', []));
  const limit = pick(data, 'thresholds.title_max_px', 580);
  const [open, setOpen] = useState(null);
  const filters = useMemo(() => [
    { key: 'title-long', label: t('meta.f.titlelong'), test: (p) => has(p, 'title_too_long') },
    { key: 'desc-missing', label: t('meta.f.descmissing'), test: (p) => has(p, 'description_missing') },
    { key: 'errors', label: t('meta.f.errors'), test: (p) => asArray(p.issues).some((i) => i.severity === 'error') },
    { key: 'issues', label: t('meta.f.issues'), test: (p) => asArray(p.issues).length > 0 },
  ], [t]);
  const sorts = useMemo(() => [
    { key: 'score', label: t('meta.s.score'), cmp: (a, b) => (a.score - b.score) || a.url.localeCompare(b.url) },
    { key: 'px', label: t('meta.s.px'), cmp: (a, b) => (b.measures?.title_px ?? 0) - (a.measures?.title_px ?? 0) },
    { key: 'url', label: t('meta.s.url'), cmp: (a, b) => a.url.localeCompare(b.url) },
  ], [t]);
  const search = (p) => `${p.url} ${p.title ?? ''} ${p.meta_description ?? ''}`;
  const ctl = useTableControls(pages, { search, filters, sorts, testid: 'meta' });
  if (!pages.length) return <Empty>{t('meta.empty')}</Empty>;
  const issuesOf = (p) => asArray(p.issues).slice().sort((x, y) => (SEV_ORDER[x.severity] ?? 3) - (SEV_ORDER[y.severity] ?? 3));
  return (
    <Card title={t('meta.pages')}>
      {data.summary && <Summary summary={data.summary} limit={limit} />}
      {ctl.controls}
      <DataTable id="meta-pages" label={t('meta.pages')} rows={ctl.rows} filename="metadata-audit" rowAttrs={(p) => ({ 'data-url': p.url })}
        empty={t('controls.nomatch')} columns={[
          { key: 'url', label: t('meta.url'), value: (p) => p.url, render: (p) => <PageLink url={p.url} /> },
          { key: 'score', label: t('meta.score'), num: true, value: (p) => p.score, render: (p) => num(p.score, lang) },
          { key: 'title', label: t('meta.pagetitle'), value: (p) => p.title, render: (p) => (
            <span className="meta-title">
              <span data-testid="meta-title">{p.title || DASH}</span>
              <button type="button" className="btn-link small" aria-expanded={open === p.url} onClick={() => setOpen(open === p.url ? null : p.url)} data-testid="meta-preview-toggle">
                {t('meta.preview')}
              </button>
              {open === p.url && <SerpPreview page={p} limit={limit} />}
            </span>
          ) },
          { key: 'px', label: t('meta.width'), num: true, value: (p) => p.measures?.title_px, render: (p) => <TitleWidth px={p.measures?.title_px} limit={limit} /> },
          { key: 'desc', label: t('meta.desc'), num: true, value: (p) => p.measures?.description_chars, render: (p) => (p.meta_description ? num(p.measures?.description_chars, lang) : <span className="text-poor">{t('meta.desc.none')}</span>) },
          { key: 'issues', label: t('meta.issues'), value: (p) => issuesOf(p).map((i) => issueText(i, lang)).join(' | '), render: (p) => {
            const is = issuesOf(p);
            return is.length ? (
              <ul className="issues">{is.map((x, i) => (
                <li key={i}><span className={`badge badge-${SEVERITY_BADGE[x.severity] || 'none'}`}>{t(`meta.sev1.${x.severity}`)}</span> {issueText(x, lang)}
                  {typeof x.fix?.value === 'string' && <div className="muted small">{t('meta.fix')}: {x.fix.value}</div>}</li>
              ))}</ul>
            ) : <span className="muted">{t('meta.noissues')}</span>;
          } },
        ]} />
    </Card>
  );
}

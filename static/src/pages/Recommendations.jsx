// Recommendations: the prioritised list with evidence, counts by status and progress
// (optimization status); run the engine and dismiss (editor only, hidden below).
// Dismissing is POST optimization/recommend {"dismiss": [ids]} (the engine's own route).
import { useState } from 'react';
import { useI18n } from '../lib/i18n.js';
import { api, roleAtLeast } from '../lib/api.js';
import { useApi } from '../lib/useApi.js';
import { useQuery } from '../lib/router.js';
import { num, pick, asArray, cell, date, DASH } from '../lib/format.js';
import { Card } from '../components/Card.jsx';
import { Async, Empty, Problem } from '../components/States.jsx';
import { DataTable } from '../components/DataTable.jsx';
import { Chart } from '../components/Chart.jsx';

const STATUSES = ['open', 'resolved', 'dismissed'];
const DISMISS = (id) => api.post('/api/level2/optimization/recommend', { dismiss: [id] });

export function Recommendations({ user }) {
  const { t } = useI18n();
  const [q, setQ] = useQuery();
  const status = [...STATUSES, 'all'].includes(q.get('status')) ? q.get('status') : 'open';
  const res = useApi((signal) => api.get('/api/level2/optimization/status', { status, limit: 500 }, { signal }), [status]);
  const editor = roleAtLeast(user.role, 'editor');
  const [run, setRun] = useState({ busy: false, error: null, done: false });
  const runEngine = async () => {
    setRun({ busy: true, error: null, done: false });
    try { await api.post('/api/level2/optimization/recommend', {}); setRun({ busy: false, error: null, done: true }); res.reload(); } catch (e) { setRun({ busy: false, error: e, done: false }); }
  };
  return (
    <>
      <h1>{t('recs.title')}</h1>
      <div className="actions">
        {editor ? (
          <button type="button" className="btn-primary" onClick={runEngine} disabled={run.busy} data-testid="run-engine">{run.busy ? t('recs.running') : t('recs.run')}</button>
        ) : <p className="muted" data-testid="viewer-note">{t('recs.viewer')}</p>}
        {run.done && <span role="status">{t('recs.ran')}</span>}
      </div>
      {run.error && <Problem error={run.error} compact />}
      <div className="filters">
        <label><span className="label">{t('recs.status')}</span>
          <select value={status} onChange={(e) => setQ({ status: e.target.value === 'open' ? null : e.target.value })} data-testid="status-filter">
            {[...STATUSES, 'all'].map((s) => <option key={s} value={s}>{t(`recs.status.${s}`)}</option>)}
          </select>
        </label>
      </div>
      <Async res={res}>{(d) => <List data={d} editor={editor} onChange={res.reload} />}</Async>
    </>
  );
}

function List({ data, editor, onChange }) {
  const { t, lang } = useI18n();
  const [err, setErr] = useState(null);
  const items = asArray(pick(data, 'items|recommendations', [])).slice().sort((a, b) => pick(b, 'priority', 0) - pick(a, 'priority', 0));
  const counts = pick(data, 'counts|by_status', {});
  const progress = asArray(pick(data, 'progress|history', []));
  if (!items.length && !STATUSES.some((s) => counts?.[s])) return <Empty>{t('recs.empty')}</Empty>;
  const formula = pick(data, 'formula');
  const titleKeys = lang === 'de' ? 'title_de|title|rule' : 'title|rule';   // German first
  const dismiss = async (id) => { setErr(null); try { await DISMISS(id); onChange(); } catch (e) { setErr(e); } };
  const progressOption = {
    grid: { left: 8, right: 16, top: 28, bottom: 8, containLabel: true },
    tooltip: { trigger: 'axis' },
    legend: { top: 0, data: STATUSES.map((s) => t(`recs.status.${s}`)) },
    xAxis: { type: 'category', data: progress.map((p) => date(pick(p, 'run_at|date|day'), lang)) },
    yAxis: { type: 'value' },
    series: STATUSES.map((s) => ({ type: 'line', name: t(`recs.status.${s}`), data: progress.map((p) => p[s] ?? null) })),
  };
  return (
    <>
      <div className="grid cards-3">
        {STATUSES.map((s) => (
          <div key={s} className="card"><h2 className="card-title">{t(`recs.status.${s}`)}</h2><p className="kpi"><span className="kpi-value">{num(counts?.[s], lang)}</span></p></div>
        ))}
      </div>
      {progress.length > 0 && <Card title={t('recs.progress')}><Chart option={progressOption} label={t('recs.progress')} height={220} /></Card>}
      {err && <Problem error={err} compact />}
      <Card title={t('recs.title')}>
        {formula && <p className="muted small">{formula}</p>}
        <DataTable id="recs-table" pageSize={25} label={t('recs.title')} rows={items} filename="recommendations" columns={[
          { key: 'prio', label: t('recs.priority'), num: true, value: (r) => pick(r, 'priority'),
            render: (r) => <span title={`${t('recs.impact')} ${cell(r.impact, lang)} · ${t('recs.confidence')} ${cell(r.confidence, lang)} · ${t('recs.effort')} ${cell(r.effort, lang)}`}>{num(pick(r, 'priority'), lang, 2)}</span> },
          { key: 'rule', label: t('recs.rule'), value: (r) => pick(r, titleKeys), render: (r) => <><strong>{pick(r, titleKeys, DASH)}</strong>{pick(r, 'title') && <div className="muted small">{pick(r, 'rule')}</div>}</> },
          { key: 'cat', label: t('recs.category'), value: (r) => pick(r, 'category') },
          { key: 'target', label: t('recs.target'), value: (r) => pick(r, 'target'), render: (r) => <code>{cell(pick(r, 'target'))}</code> },
          { key: 'evidence', label: t('recs.evidence'), value: (r) => pick(r, 'evidence'), render: (r) => <Evidence ev={pick(r, 'evidence')} /> },
          { key: 'status', label: t('recs.status'), value: (r) => pick(r, 'status'), render: (r) => (pick(r, 'status') ? t(`recs.status.${r.status}`) : DASH) },
          ...(editor ? [{ key: 'act', label: t('recs.dismiss'), value: () => '', noCsv: true, render: (r) => ((r.status ?? 'open') === 'open' && r.id !== undefined
            ? <button type="button" className="btn-secondary small" onClick={() => dismiss(r.id)}>{t('recs.dismiss')}</button> : null) }] : []),
        ]} />
      </Card>
    </>
  );
}

function Evidence({ ev }) {
  const { lang } = useI18n();
  if (!ev || typeof ev !== 'object') return <span>{cell(ev, lang)}</span>;
  return <dl className="evidence">{Object.entries(ev).map(([k, v]) => <div key={k}><dt>{k}</dt><dd>{cell(v, lang)}</dd></div>)}</dl>;
}

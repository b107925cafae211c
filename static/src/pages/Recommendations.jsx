// Recommendations as a to-do list: what is wrong, why it matters and how to fix it in
// plain words, the evidence with units, the visitors affected, grouped by root cause or
// by page template; status, "Verwerfen" after a confirmation, and undo (restore).
// Runs and status changes are POST optimization/recommend ({}, {dismiss}, {restore}).
import { useState } from 'react';
import { useI18n } from '../lib/i18n.js';
import '../styles-pages.css';
import { api, roleAtLeast } from '../lib/api.js';
import { useApi } from '../lib/useApi.js';
import { useQuery } from '../lib/router.js';
import { num, pick, asArray, date } from '../lib/format.js';
import { templateOf, pathOf, isPageUrl, groupBy } from '../lib/pages.js';
import { Card } from '../components/Card.jsx';
import { Async, Empty, Problem } from '../components/States.jsx';
import { Chart } from '../components/Chart.jsx';
import { PageLink } from '../components/PageLink.jsx';
import { Evidence, affected } from '../components/Evidence.jsx';

const STATUSES = ['open', 'resolved', 'dismissed'];
const GROUPINGS = ['rule', 'template'];

export function Recommendations({ user }) {
  const { t } = useI18n();
  const [q, setQ] = useQuery();
  const status = [...STATUSES, 'all'].includes(q.get('status')) ? q.get('status') : 'open';
  const grouping = GROUPINGS.includes(q.get('group')) ? q.get('group') : 'rule';
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
        <label><span className="label">{t('recs.group')}</span>
          <select value={grouping} onChange={(e) => setQ({ group: e.target.value === 'rule' ? null : e.target.value }, { replace: true })} data-testid="group-by">
            {GROUPINGS.map((g) => <option key={g} value={g}>{t(`recs.group.${g}`)}</option>)}
          </select>
        </label>
      </div>
      <Async res={res}>{(d) => <List data={d} editor={editor} grouping={grouping} onChange={res.reload} />}</Async>
    </>
  );
}

/** The group of an item: its rule, or its page template (non-page targets by area). */
function groupKey(r, grouping) {
  if (grouping === 'rule') return r.rule;
  return isPageUrl(r.target) ? templateOf(r.target) : `cat:${r.category}`;
}

function List({ data, editor, grouping, onChange }) {
  const { t, lang } = useI18n();
  const [err, setErr] = useState(null);
  const [undo, setUndo] = useState(null);        // the item just dismissed
  const items = asArray(pick(data, 'items', [])).slice().sort((a, b) => (b.priority ?? 0) - (a.priority ?? 0));
  const counts = pick(data, 'counts', {});
  const progress = asArray(pick(data, 'progress', []));
  if (!items.length && !STATUSES.some((s) => counts?.[s])) return <Empty>{t('recs.empty')}</Empty>;
  const change = async (field, r) => {
    setErr(null);
    try {
      await api.post('/api/level2/optimization/recommend', { [field]: [r.id] });
      setUndo(field === 'dismiss' ? r : null);
      onChange();
    } catch (e) { setErr(e); }
  };
  const groups = groupBy(items, (r) => groupKey(r, grouping));
  const progressOption = {
    grid: { left: 8, right: 16, top: 28, bottom: 8, containLabel: true },
    tooltip: { trigger: 'axis', valueFormatter: (v) => num(v, lang) },
    legend: { top: 0, data: STATUSES.map((s) => t(`recs.status.${s}`)) },
    xAxis: { type: 'category', data: progress.map((p) => date(p.run_at, lang)) },
    yAxis: { type: 'value', axisLabel: { formatter: (v) => num(v, lang) } },
    series: STATUSES.map((s) => ({ type: 'line', name: t(`recs.status.${s}`), data: progress.map((p) => (s === 'resolved' ? p.closed : p[s]) ?? null) })),
  };
  return (
    <>
      <div className="grid cards-3">
        {STATUSES.map((s) => (
          <div key={s} className="card"><h2 className="card-title">{t(`recs.status.${s}`)}</h2><p className="kpi"><span className="kpi-value" data-testid={`recs-count-${s}`}>{num(counts?.[s], lang)}</span></p></div>
        ))}
      </div>
      {undo && (
        <p className="notice" role="status" data-testid="recs-undo-note">
          {t('recs.dismissed.note', { what: undo.title_de && lang === 'de' ? undo.title_de : undo.title })}{' '}
          <button type="button" className="btn-secondary small" onClick={() => change('restore', undo)} data-testid="recs-undo">{t('recs.undo')}</button>
        </p>
      )}
      {err && <Problem error={err} compact />}
      <p className="muted small" data-testid="recs-formula">{t('recs.formula')}</p>
      <ol className="todo-groups" data-testid="recs-list">
        {groups.map((g) => <Group key={g.key} group={g} grouping={grouping} editor={editor} onChange={change} />)}
      </ol>
      {progress.length > 0 && <Card title={t('recs.progress')}><Chart option={progressOption} label={t('recs.progress')} height={220} /></Card>}
    </>
  );
}

function ruleTitle(r, lang) { return (lang === 'de' && r.title_de) || r.title || r.rule; }

/** Why and how, per rule, else per area. */
function WhyHow({ r }) {
  const { t } = useI18n();
  const key = (k) => { const s = t(`recs.${k}.${r.rule}`); return s === `recs.${k}.${r.rule}` ? t(`recs.${k}.cat.${r.category}`) : s; };
  return (
    <dl className="whyhow">
      <div><dt>{t('recs.why')}</dt><dd>{key('why')}</dd></div>
      <div><dt>{t('recs.how')}</dt><dd>{key('how')}</dd></div>
    </dl>
  );
}

function Group({ group, grouping, editor, onChange }) {
  const { t, lang } = useI18n();
  const first = group.items[0];
  const title = grouping === 'rule' ? ruleTitle(first, lang)
    : group.key.startsWith('cat:') ? t(`recs.category.${first.category}`) : t('recs.template', { path: group.key });
  const reach = group.items.reduce((s, r) => s + (affected(r) ?? 0), 0);
  return (
    <li className="card todo-group" data-testid="recs-group" data-group={group.key}>
      <h2 className="card-title">
        {title} <span className="muted">· {t('recs.group.n', { n: num(group.items.length, lang) })}</span>
      </h2>
      {grouping === 'rule' && <WhyHow r={first} />}
      {reach > 0 && <p className="impact">{t('recs.impact.views', { n: num(reach, lang) })}</p>}
      <ul className="todo">
        {group.items.map((r) => <Item key={r.id} r={r} grouping={grouping} editor={editor} onChange={onChange} />)}
      </ul>
    </li>
  );
}

function Item({ r, grouping, editor, onChange }) {
  const { t, lang } = useI18n();
  const [confirm, setConfirm] = useState(false);
  const views = affected(r);
  return (
    <li className={`todo-item status-${r.status}`} data-testid="recs-item" data-rule={r.rule} data-target={r.target} data-id={r.id}>
      <div className="todo-head">
        <span className={`badge badge-status-${r.status}`}>{t(`recs.status.${r.status}`)}</span>
        {grouping === 'rule'
          ? (isPageUrl(r.target) ? <PageLink url={r.target} /> : <strong>{r.target}</strong>)
          : <strong>{ruleTitle(r, lang)}</strong>}
        {grouping !== 'rule' && isPageUrl(r.target) && <PageLink url={r.target}>{pathOf(r.target)}</PageLink>}
        <span className="muted small" title={t('recs.formula')}>{t('recs.priority')} {num(r.priority, lang, 1)}</span>
      </div>
      {grouping !== 'rule' && <WhyHow r={r} />}
      <Evidence r={r} />
      {views !== null && <p className="muted small">{t('recs.impact.views', { n: num(views, lang) })}</p>}
      {editor && r.status === 'open' && (confirm ? (
        <p className="confirm" role="group" aria-label={t('recs.dismiss.confirm')}>
          <span>{t('recs.dismiss.confirm')}</span>{' '}
          <button type="button" className="btn-danger small" onClick={() => onChange('dismiss', r)} data-testid="recs-dismiss-yes">{t('recs.dismiss.yes')}</button>{' '}
          <button type="button" className="btn-secondary small" onClick={() => setConfirm(false)}>{t('recs.dismiss.no')}</button>
        </p>
      ) : (
        <button type="button" className="btn-secondary small" onClick={() => setConfirm(true)} data-testid="recs-dismiss">{t('recs.dismiss')}</button>
      ))}
      {editor && r.status === 'dismissed' && (
        <button type="button" className="btn-secondary small" onClick={() => onChange('restore', r)} data-testid="recs-restore">{t('recs.restore')}</button>
      )}
    </li>
  );
}

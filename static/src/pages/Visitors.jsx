// Besucher (visitors), Plausible-like: totals of the selection and the visitors per day
// (#45), then top lists of pages, sources, campaigns, devices, countries and goals (#46).
// Clicking a value adds the filter [is, property, [value]] to every widget; active filters
// show as removable chips and live in the URL (?filters=, Plausible's API v2 form), so a
// filtered view can be shared. Each list downloads all its values as the API's CSV.
import { useMemo, useState } from 'react';
import { useI18n } from '../lib/i18n.js';
import { api } from '../lib/api.js';
import { useApi } from '../lib/useApi.js';
import { useRange } from '../lib/range.js';
import { useQuery } from '../lib/router.js';
import { downloadCsv } from '../lib/csv.js';
import { num, pct, asArray } from '../lib/format.js';
import { Card } from '../components/Card.jsx';
import { Chart } from '../components/Chart.jsx';
import { Async, Empty, Problem } from '../components/States.jsx';

const BREAKDOWN = '/api/level5/analytics/breakdown';
const TOP = 10;

// The lists and the properties each one can show (its tabs).
const LISTS = [
  { id: 'pages', props: ['page', 'entry_page', 'exit_page'] },
  { id: 'sources', props: ['source', 'referrer'] },
  { id: 'campaigns', props: ['utm_campaign', 'utm_source', 'utm_medium'] },
  { id: 'devices', props: ['device', 'browser', 'os'] },
  { id: 'countries', props: ['country', 'region'] },
  { id: 'goals', props: ['goal'] },
];

const KPIS = [
  { key: 'visitors', fmt: (v, l) => num(v, l) },
  { key: 'visits', fmt: (v, l) => num(v, l) },
  { key: 'pageviews', fmt: (v, l) => num(v, l) },
  { key: 'bounce_rate', fmt: (v, l) => pct(v, l, 0) },
  { key: 'visit_duration', fmt: (v, l) => seconds(v, l) },
  { key: 'conversion_rate', fmt: (v, l) => pct(v, l, 1) },
];

function seconds(v, lang) {
  if (typeof v !== 'number') return num(v, lang);
  const s = Math.round(v);
  return s < 60 ? `${s} s` : `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, '0')} s`;
}

function readFilters(q) {
  try {
    const f = JSON.parse(q.get('filters') || '[]');
    return Array.isArray(f) ? f : [];
  } catch {
    return [];
  }
}

export function Visitors() {
  const { t } = useI18n();
  const [range] = useRange();
  const [q, setQ] = useQuery();
  const filters = readFilters(q);
  const ftext = filters.length ? JSON.stringify(filters) : undefined;
  const setFilters = (f) => setQ({ filters: f.length ? JSON.stringify(f) : null });
  const add = (prop, value) => {
    if (!filters.some(([op, p, v]) => op === 'is' && p === prop && v.includes(value))) {
      setFilters([...filters.filter(([, p]) => p !== prop), ['is', prop, [value]]]);
    }
  };
  const base = { from: range.from, to: range.to, tz: range.tz, filters: ftext };
  const totals = useApi((signal) => api.get(BREAKDOWN, { ...base, property: 'page', limit: 1 }, { signal }),
    [range.from, range.to, ftext]);
  return (
    <>
      <h1>{t('visitors.title')}</h1>
      <Chips filters={filters} onRemove={(i) => setFilters(filters.filter((_, j) => j !== i))} />
      <Card title={t('visitors.totals')} testid="visitors-totals">
        <Async res={totals}>{(d) => <Totals totals={d.totals} />}</Async>
      </Card>
      <Card title={t('visitors.chart')} testid="visitors-chart-card">
        <MainChart range={range} filters={filters} />
      </Card>
      <div className="grid cards-2">
        {LISTS.map((l) => <TopList key={l.id} list={l} base={base} onPick={add} />)}
      </div>
    </>
  );
}

function Chips({ filters, onRemove }) {
  const { t } = useI18n();
  if (!filters.length) return <p className="muted" data-testid="visitors-nofilter">{t('visitors.filter.none')}</p>;
  return (
    <ul className="chips" aria-label={t('visitors.filter.label')} data-testid="visitors-chips">
      {filters.map(([op, prop, values], i) => (
        <li key={`${prop}-${i}`} className="chip" data-testid={`chip-${prop}`}>
          <span>{t(`visitors.prop.${prop}`)} {t(`visitors.op.${op}`)} <strong>{values.join(', ')}</strong></span>
          <button type="button" className="chip-x" onClick={() => onRemove(i)}
            aria-label={t('visitors.filter.remove', { what: `${t(`visitors.prop.${prop}`)} ${values.join(', ')}` })}>×</button>
        </li>
      ))}
    </ul>
  );
}

function Totals({ totals }) {
  const { t, lang } = useI18n();
  return (
    <dl className="kpi-row">
      {KPIS.map((k) => (
        <div key={k.key} className="kpi">
          <dt className="muted">{t(`visitors.m.${k.key}`)}</dt>
          <dd className="kpi-value" data-testid={`visitors-${k.key}`} data-value={totals?.[k.key] ?? ''}>{k.fmt(totals?.[k.key], lang)}</dd>
        </div>
      ))}
    </dl>
  );
}

// #45 takes a page, a device and a source as its filters: the chart applies those it can
// and names the others.
function MainChart({ range, filters }) {
  const { t, lang } = useI18n();
  const single = (prop) => filters.find(([op, p, v]) => op === 'is' && p === prop && v.length === 1)?.[2][0];
  const params = { path: single('page'), device: single('device') };
  const unused = filters.filter(([op, p, v]) => !(op === 'is' && v.length === 1 && (p === 'page' || p === 'device')));
  const ts = useApi((signal) => api.get('/api/level5/analytics/timeseries',
    { from: range.from, to: range.to, tz: range.tz, interval: 'day', ...params }, { signal }),
  [range.from, range.to, params.path, params.device]);
  const buckets = asArray(ts.data?.buckets);
  const option = useMemo(() => ({
    // room on the right for the last date label, centred under its point
    grid: { left: 40, right: 36, top: 16, bottom: 28 },
    tooltip: { trigger: 'axis' },
    xAxis: { type: 'category', data: buckets.map((b) => b.bucket) },
    yAxis: { type: 'value', min: 0, minInterval: 1 },
    series: [{ type: 'line', name: t('visitors.m.visitors'), data: buckets.map((b) => b.visitors), areaStyle: { opacity: 0.12 } }],
  }), [buckets, t]);
  if (ts.error) return <Problem error={ts.error} onRetry={ts.reload} />;
  const label = `${t('visitors.chart')}: ${buckets.map((b) => `${b.bucket} ${num(b.visitors, lang)}`).join(', ')}`;
  return (
    <>
      {buckets.length ? <Chart option={option} label={label} testid="visitors-chart" /> : null}
      {unused.length > 0 && (
        <p className="muted" data-testid="visitors-chart-note">
          {t('visitors.chart.unfiltered', { what: unused.map(([, p]) => t(`visitors.prop.${p}`)).join(', ') })}
        </p>
      )}
    </>
  );
}

function TopList({ list, base, onPick }) {
  const { t, lang } = useI18n();
  const [prop, setProp] = useState(list.props[0]);
  const [csvError, setCsvError] = useState(null);
  const res = useApi((signal) => api.get(BREAKDOWN, { ...base, property: prop, limit: TOP }, { signal }),
    [base.from, base.to, base.filters, prop]);
  const onCsv = async () => {
    setCsvError(null);
    try {
      const text = await api.text(BREAKDOWN, { ...base, property: prop, format: 'csv' });
      downloadCsv(`besucher-${prop}.csv`, text);
    } catch (e) {
      setCsvError(e);
    }
  };
  const title = t(`visitors.list.${list.id}`);
  return (
    <Card title={title} testid={`list-${list.id}`}>
      <div className="table-toolbar">
        {list.props.length > 1 && (
          <div className="tabs" role="group" aria-label={title}>
            {list.props.map((p) => (
              <button key={p} type="button" className="btn-link" aria-pressed={p === prop}
                onClick={() => setProp(p)} data-testid={`tab-${p}`}>{t(`visitors.prop.${p}`)}</button>
            ))}
          </div>
        )}
        <button type="button" className="btn-secondary" onClick={onCsv} data-testid={`list-${list.id}-csv`}>{t('csv.download')}</button>
      </div>
      {csvError && <Problem error={csvError} compact />}
      <Async res={res}>{(d) => (asArray(d.items).length === 0 ? <Empty>{t('visitors.empty')}</Empty> : (
        <table data-testid={`table-${list.id}`} data-property={d.property}>
          <thead>
            <tr>
              <th scope="col">{t(`visitors.prop.${d.property}`)}</th>
              <th scope="col" className="num">{t('visitors.m.visitors')}</th>
              <th scope="col" className="num">{d.property === 'goal' ? t('visitors.m.conversions') : t('visitors.m.visits')}</th>
              <th scope="col" className="num">{d.property === 'goal' ? t('visitors.m.conversion_rate') : t('visitors.m.bounce_rate')}</th>
            </tr>
          </thead>
          <tbody>
            {d.items.map((i) => (
              <tr key={i.value} data-value={i.value}>
                <th scope="row">
                  <button type="button" className="btn-link value-pick" onClick={() => onPick(d.property, i.value)}
                    title={t('visitors.filter.add')}>{i.value === 'Direct / None' ? t('visitors.direct') : i.value}</button>
                </th>
                <td className="num" data-testid="visitors" data-value={i.visitors}>{num(i.visitors, lang)}</td>
                <td className="num">{num(d.property === 'goal' ? i.conversions : i.visits, lang)}</td>
                <td className="num">{pct(d.property === 'goal' ? i.conversion_rate : i.bounce_rate, lang, 0)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ))}</Async>
      {list.id === 'countries' && <p className="muted small" data-testid="geo-source">{t('visitors.geo', { source: res.data?.geo_source ?? '—' })}</p>}
    </Card>
  );
}

// Verhalten: GA4 sessions, engaged sessions, bounce rate (GA4 and Plausible), pages per
// session, engaged time, scroll depth and conversion rate overall, by device and by
// source, the cross-device comparison with its z-test p-values (#22), and for editors the
// dynamic-content rules (#21): the stored set listed, edited as JSON and saved as a whole.
import { useEffect, useMemo, useState } from 'react';
import { useI18n } from '../lib/i18n.js';
import { api, roleAtLeast } from '../lib/api.js';
import { useApi } from '../lib/useApi.js';
import { useRange } from '../lib/range.js';
import { num, pct, duration, DASH } from '../lib/format.js';
import { Card } from '../components/Card.jsx';
import { Async, Empty, Problem } from '../components/States.jsx';
import { DataTable } from '../components/DataTable.jsx';
import { Chart } from '../components/Chart.jsx';
import { DeviceFilter, useDevice } from '../components/DeviceFilter.jsx';

const METRICS_PATH = '/api/level3/behavioral/metrics';
const DYNAMIC_PATH = '/api/level3/behavioral/dynamic';

/** The tiles of the overall figures: key in the reply, label key, formatter. */
const TILES = [
  ['sessions', 'behav.sessions', (v, l) => num(v, l)],
  ['engaged_sessions', 'behav.engaged', (v, l) => num(v, l)],
  ['engagement_rate', 'behav.engagement_rate', (v, l) => pct(v, l)],
  ['bounce_rate', 'behav.bounce_rate', (v, l) => pct(v, l)],
  ['plausible_bounce_rate', 'behav.plausible_bounce_rate', (v, l) => pct(v, l)],
  ['pages_per_session', 'behav.pages_per_session', (v, l) => num(v, l, 2)],
  ['avg_engaged_seconds', 'behav.engaged_time', (v, l) => duration(typeof v === 'number' ? v * 1000 : v, l)],
  ['conversion_rate', 'behav.conversion_rate', (v, l) => pct(v, l)],
];

export function Behaviour({ user }) {
  const { t } = useI18n();
  const [range] = useRange();
  const [device, setDevice] = useDevice();
  const res = useApi((signal) => api.get(METRICS_PATH, { from: range.from, to: range.to, tz: range.tz, device }, { signal }),
    [range.from, range.to, device]);
  return (
    <>
      <h1>{t('behav.title')}</h1>
      <div className="filters">
        <DeviceFilter device={device} onChange={setDevice} />
      </div>
      <Async res={res}>{(d) => <MetricsBody data={d} />}</Async>
      {user && roleAtLeast(user.role, 'editor') && <Rules />}
    </>
  );
}

function groupColumns(t, lang, key, label) {
  return [
    { key, label, value: (r) => r[key], render: (r) => (key === 'device' ? t(`ux.device.${r.device}`) : r.source === 'direct' ? t('visitors.direct') : r.source) },
    { key: 'sessions', label: t('behav.sessions'), num: true, value: (r) => r.sessions, render: (r) => num(r.sessions, lang) },
    { key: 'engagement_rate', label: t('behav.engagement_rate'), num: true, value: (r) => r.engagement_rate, render: (r) => pct(r.engagement_rate, lang) },
    { key: 'bounce_rate', label: t('behav.bounce_rate'), num: true, value: (r) => r.bounce_rate, render: (r) => pct(r.bounce_rate, lang) },
    { key: 'pages_per_session', label: t('behav.pages_per_session'), num: true, value: (r) => r.pages_per_session, render: (r) => num(r.pages_per_session, lang, 2) },
    { key: 'avg_engaged_seconds', label: t('behav.engaged_time'), num: true, value: (r) => r.avg_engaged_seconds, render: (r) => duration(r.avg_engaged_seconds * 1000, lang) },
    { key: 'conversion_rate', label: t('behav.conversion_rate'), num: true, value: (r) => r.conversion_rate, render: (r) => pct(r.conversion_rate, lang) },
  ];
}

/** "−4,2 Pp. (p = 0,031)": a rate's difference to the overall and its p-value. */
function compareCell(c, lang) {
  if (!c) return DASH;
  const d = Math.round(c.difference * 1000) / 10;          // percentage points, one decimal
  const diff = `${d > 0 ? '+' : ''}${num(d === 0 ? 0 : d, lang, 1)} Pp.`;
  return `${pct(c.device, lang)} (${diff}, p = ${c.p_value === null ? DASH : num(c.p_value, lang, 3)})`;
}

function MetricsBody({ data }) {
  const { t, lang } = useI18n();
  const o = data?.overall || {};
  const scroll = o.scroll || {};
  const reached = scroll.reached || {};
  const scrollOption = useMemo(() => ({
    grid: { left: 8, right: 16, top: 16, bottom: 8, containLabel: true },
    tooltip: { trigger: 'axis', valueFormatter: (v) => pct(v, lang) },
    xAxis: { type: 'category', data: Object.keys(reached).map((k) => `≥ ${k} %`) },
    yAxis: { type: 'value', max: 1, axisLabel: { formatter: (v) => pct(v, lang, 0) } },
    series: [{ type: 'bar', data: Object.values(reached), itemStyle: { color: '#0072B2' }, label: { show: true, position: 'top', formatter: (x) => pct(x.value, lang), color: '#1f2933' } }],
  }), [reached, lang]);
  if (!o.sessions) return <Empty>{t('behav.empty')}</Empty>;
  const cmpColumns = [
    { key: 'device', label: t('ux.device'), value: (r) => r.device, render: (r) => t(`ux.device.${r.device}`) },
    { key: 'sessions', label: t('behav.sessions'), num: true, value: (r) => r.sessions, render: (r) => num(r.sessions, lang) },
    { key: 'eng', label: t('behav.engagement_rate'), value: (r) => r.engagement_rate.difference, csv: (r) => r.engagement_rate.p_value, render: (r) => compareCell(r.engagement_rate, lang) },
    { key: 'conv', label: t('behav.conversion_rate'), value: (r) => r.conversion_rate.difference, csv: (r) => r.conversion_rate.p_value, render: (r) => compareCell(r.conversion_rate, lang) },
  ];
  return (
    <>
      <Card title={t('behav.overall')} testid="behav-overall">
        <ul className="kpis">
          {TILES.map(([key, label, fmt]) => (
            <li key={key} className="kpi">
              <span className="kpi-label">{t(label)}</span>
              <span className="kpi-value" data-testid={`behav-${key}`} data-value={o[key] ?? ''}>{fmt(o[key], lang)}</span>
            </li>
          ))}
        </ul>
        <p className="muted small">{t('behav.definitions')}</p>
      </Card>
      <div className="grid cards-2">
        <Card title={t('ux.scroll')} testid="behav-scroll">
          {scroll.sessions ? (
            <>
              <Chart option={scrollOption} label={`${t('ux.scroll')}: ${Object.entries(reached).map(([k, v]) => `≥ ${k} %: ${pct(v, lang)}`).join(', ')}`} height={200} />
              <dl className="facts">
                <dt>{t('behav.scroll.median')}</dt><dd data-testid="behav-scroll-p50" data-value={scroll.p50 ?? ''}>{num(scroll.p50, lang)} %</dd>
                <dt>{t('behav.scroll.sessions')}</dt><dd>{num(scroll.sessions, lang)}</dd>
              </dl>
            </>
          ) : <Empty>{DASH}</Empty>}
        </Card>
        <Card title={t('behav.comparison')} testid="behav-comparison">
          <DataTable id="behav-comparison-table" label={t('behav.comparison')} columns={cmpColumns} rows={data.comparison || []}
            filename={`verhalten-vergleich_${data.range?.from}_${data.range?.to}`} rowAttrs={(r) => ({ 'data-device': r.device })} />
          <p className="muted small">{t('behav.comparison.hint')}</p>
        </Card>
      </div>
      <Card title={t('behav.by_device')} testid="behav-devices">
        <DataTable id="behav-device-table" label={t('behav.by_device')} columns={groupColumns(t, lang, 'device', t('ux.device'))}
          rows={data.by_device || []} filename={`verhalten-geraete_${data.range?.from}_${data.range?.to}`} rowAttrs={(r) => ({ 'data-key': r.device })} />
      </Card>
      <Card title={t('behav.by_source')} testid="behav-sources">
        <DataTable id="behav-source-table" label={t('behav.by_source')} columns={groupColumns(t, lang, 'source', t('behav.source'))}
          rows={data.by_source || []} filename={`verhalten-quellen_${data.range?.from}_${data.range?.to}`} rowAttrs={(r) => ({ 'data-key': r.source })} />
      </Card>
    </>
  );
}

/** The dynamic-content rules of the site: listed, and replaced as a whole from JSON. */
function Rules() {
  const { t, lang } = useI18n();
  const res = useApi((signal) => api.post(DYNAMIC_PATH, {}, { signal }), []);
  const [text, setText] = useState('');
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState(null);
  const [saved, setSaved] = useState(false);
  useEffect(() => { if (res.data) setText(JSON.stringify(res.data.rules, null, 2)); }, [res.data]);
  const onSave = async (e) => {
    e.preventDefault();
    setError(null); setSaved(false);
    let rules;
    try { rules = JSON.parse(text); } catch (x) {
      setError({ status: 400, problem: { title: t('behav.rules.json'), detail: x.message } });
      return;
    }
    setSaving(true);
    try { await api.post(DYNAMIC_PATH, { rules }); setSaved(true); res.reload(); } catch (x) { setError(x); }
    setSaving(false);
  };
  const columns = [
    { key: 'name', label: t('behav.rules.name'), value: (r) => r.name },
    { key: 'priority', label: t('behav.rules.priority'), num: true, value: (r) => r.priority, render: (r) => num(r.priority, lang) },
    { key: 'conditions', label: t('behav.rules.conditions'), value: (r) => JSON.stringify(r.conditions), render: (r) => <code>{JSON.stringify(r.conditions)}</code> },
    { key: 'variants', label: t('behav.rules.variants'), num: true, value: (r) => r.variants.length },
  ];
  return (
    <Card title={t('behav.rules')} testid="behav-rules">
      <Async res={res}>{(d) => (
        <>
          <DataTable id="behav-rules-table" label={t('behav.rules')} columns={columns} rows={d.rules} filename="dynamic-content-rules"
            empty={t('behav.rules.empty')} rowAttrs={(r) => ({ 'data-rule': r.name })} />
          <form onSubmit={onSave} className="rules-editor">
            <label htmlFor="behav-rules-json" className="label">{t('behav.rules.edit')}</label>
            <textarea id="behav-rules-json" data-testid="behav-rules-json" translate="no" rows={12} spellCheck={false} value={text} onChange={(e) => setText(e.target.value)} />
            <button type="submit" className="btn-primary" disabled={saving} data-testid="behav-rules-save">{t('behav.rules.save')}</button>
            {saved && <span role="status" data-testid="behav-rules-saved"> {t('behav.rules.saved')}</span>}
          </form>
          {error && <Problem error={error} compact />}
        </>
      )}</Async>
    </Card>
  );
}

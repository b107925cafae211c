// Keywords (predictive search #11–#15): the forecast of a chosen keyword with its 80 and
// 95 % interval bands, the rising and falling lists with p-values, the seasonal calendar
// with each keyword's publishing window, and the events: the upcoming calendar and, for
// editors, a form that registers an event and shows its estimated uplift. Every figure
// comes from GET /api/level3/predictive/report (or the event's own reply).
import { useMemo, useState } from 'react';
import { useI18n } from '../lib/i18n.js';
import { api, roleAtLeast } from '../lib/api.js';
import { useApi } from '../lib/useApi.js';
import { num, pct, DASH } from '../lib/format.js';
import { Card } from '../components/Card.jsx';
import { Async, Empty, Problem } from '../components/States.jsx';
import { DataTable } from '../components/DataTable.jsx';
import { Chart } from '../components/Chart.jsx';

const REPORT = '/api/level3/predictive/report';
const EVENTS = '/api/level3/predictive/events';
const KINDS = ['trade_fair', 'subsidy', 'law', 'campaign', 'other'];

export function Keywords({ user }) {
  const { t } = useI18n();
  const [metric, setMetric] = useState('clicks');
  const res = useApi((signal) => api.get(REPORT, { metric }, { signal }), [metric]);
  return (
    <>
      <h1>{t('kw.title')}</h1>
      <p className="muted">{t('kw.intro')}</p>
      <label className="inline"><span className="label">{t('kw.metric')}</span>
        <select value={metric} onChange={(e) => setMetric(e.target.value)} data-testid="kw-metric">
          <option value="clicks">{t('kw.metric.clicks')}</option>
          <option value="impressions">{t('kw.metric.impressions')}</option>
        </select></label>
      <Async res={res}>{(d) => <Report data={d} />}</Async>
      {user && roleAtLeast(user.role, 'editor') && <EventForm onDone={res.reload} />}
    </>
  );
}

/** Months "YYYY-MM" from `from`, n of them. */
function months(from, n) {
  const [y, m] = from.split('-').map(Number);
  return Array.from({ length: n }, (_, i) => {
    const k = m - 1 + i;
    return `${y + Math.floor(k / 12)}-${String((k % 12) + 1).padStart(2, '0')}`;
  });
}

function forecastOption(line, t) {
  const hist = line.history || [];
  const fc = line.forecast || [];
  const labels = [...months(line.from, hist.length), ...fc.map((p) => p.month)];
  const pad = (arr) => [...hist.map(() => null), ...arr];
  const band = (lo, hi, name, color) => [
    { type: 'line', name, stack: name, data: pad(fc.map((p) => p[lo])), lineStyle: { opacity: 0 }, symbol: 'none', tooltip: { show: false } },
    { type: 'line', name, stack: name, data: pad(fc.map((p) => p[hi] - p[lo])), lineStyle: { opacity: 0 }, symbol: 'none', areaStyle: { color, opacity: 0.35 } },
  ];
  return {
    grid: { left: 8, right: 16, top: 36, bottom: 8, containLabel: true },
    tooltip: { trigger: 'axis' },
    legend: { data: [t('kw.actual'), t('kw.forecast'), t('kw.band80'), t('kw.band95')], top: 0 },
    xAxis: { type: 'category', data: labels },
    yAxis: { type: 'value' },
    series: [
      ...band('lo95', 'hi95', t('kw.band95'), '#56B4E9'),
      ...band('lo80', 'hi80', t('kw.band80'), '#0072B2'),
      { type: 'line', name: t('kw.actual'), data: [...hist, ...fc.map(() => null)], itemStyle: { color: '#000000' }, symbolSize: 5 },
      { type: 'line', name: t('kw.forecast'), data: pad(fc.map((p) => p.point)), itemStyle: { color: '#D55E00' }, lineStyle: { type: 'dashed', width: 2 } },
    ],
  };
}

function Forecast({ keywords }) {
  const { t, lang } = useI18n();
  const [chosen, setChosen] = useState(keywords[0]?.keyword);
  const line = keywords.find((k) => k.keyword === chosen) || keywords[0];
  const option = useMemo(() => (line?.from ? forecastOption(line, t) : null), [line, t]);
  const fc = line?.forecast || [];
  return (
    <Card title={t('kw.chart')} testid="kw-forecast">
      <label className="inline"><span className="label">{t('kw.choose')}</span>
        <select value={line?.keyword} onChange={(e) => setChosen(e.target.value)} data-testid="kw-choose">
          {keywords.map((k) => <option key={k.keyword} value={k.keyword}>{k.keyword}</option>)}
        </select></label>
      <p className="muted" data-testid="kw-method" data-method={line?.method}>{t('kw.method')}: {line?.method ? t(`kw.model.${line.method}`) : DASH} · MAPE {num(line?.accuracy?.mape, lang, 1)} %</p>
      {option ? (
        <Chart option={option} height={300} testid="kw-chart"
          label={`${t('kw.forecast')} ${line.keyword}: ${fc.map((p) => `${p.month} ${num(p.point, lang)} (${num(p.lo95, lang)}–${num(p.hi95, lang)})`).join(', ')}`} />
      ) : <Empty>{DASH}</Empty>}
    </Card>
  );
}

function Movers({ title, rows, id }) {
  const { t, lang } = useI18n();
  return (
    <Card title={title} testid={`${id}-card`}>
      <DataTable id={id} label={title} rows={rows} filename={id} empty={DASH} columns={[
        { key: 'keyword', label: t('kw.keyword'), value: (k) => k.keyword },
        { key: 'p', label: t('kw.p'), num: true, value: (k) => k.p, render: (k) => (k.p < 0.0001 ? '< 0,0001' : num(k.p, lang, 4)) },
        { key: 'slope', label: t('kw.slope'), num: true, value: (k) => k.sen_slope, render: (k) => num(k.sen_slope, lang, 1) },
        { key: 'pct', label: t('kw.slopepct'), num: true, value: (k) => k.slope_pct_of_mean, render: (k) => num(k.slope_pct_of_mean, lang, 2) },
      ]} />
    </Card>
  );
}

function Report({ data }) {
  const { t, lang } = useI18n();
  const keywords = data.keywords || [];
  if (!data.n) return <Empty>{t('kw.empty')}</Empty>;
  const acc = data.accuracy || {};
  const seasonal = keywords.filter((k) => k.window);
  return (
    <>
      <div className="grid cards-4">
        <Card title={t('kw.count')}><p className="kpi"><span className="kpi-value" data-testid="kw-n" data-value={data.n}>{num(data.n, lang)}</span></p></Card>
        <Card title={t('kw.mape')}><p className="kpi"><span className="kpi-value" data-testid="kw-mape" data-value={acc.median_mape ?? ''}>{num(acc.median_mape, lang, 1)} %</span></p></Card>
        <Card title={t('kw.cover80')}><p className="kpi"><span className="kpi-value" data-testid="kw-cover80" data-value={acc.coverage80 ?? ''}>{pct(acc.coverage80, lang)}</span></p></Card>
        <Card title={t('kw.cover95')}><p className="kpi"><span className="kpi-value" data-testid="kw-cover95" data-value={acc.coverage95 ?? ''}>{pct(acc.coverage95, lang)}</span></p></Card>
      </div>
      <Forecast keywords={keywords} />
      <div className="grid cards-2">
        <Movers title={t('kw.rising')} rows={data.rising || []} id="kw-rising" />
        <Movers title={t('kw.falling')} rows={data.falling || []} id="kw-falling" />
      </div>
      <Card title={t('kw.calendar')} testid="kw-calendar-card">
        <DataTable id="kw-calendar" label={t('kw.calendar')} rows={seasonal} filename="keyword-calendar" columns={[
          { key: 'keyword', label: t('kw.keyword'), value: (k) => k.keyword },
          { key: 'peak', label: t('kw.peak'), value: (k) => k.window.peak_name },
          { key: 'next', label: t('kw.nextpeak'), value: (k) => k.window.next_peak },
          { key: 'publish', label: t('kw.publish'), value: (k) => `${k.window.publish_from} – ${k.window.publish_to}` },
          { key: 'strength', label: t('kw.strength'), num: true, value: (k) => k.seasonality_strength, render: (k) => num(k.seasonality_strength, lang, 2) },
        ]} />
      </Card>
      <Card title={t('kw.events')} testid="kw-events-card">
        <DataTable id="kw-events" label={t('kw.events')} rows={data.events || []} filename="keyword-events" empty={DASH} columns={[
          { key: 'name', label: t('kw.event.name'), value: (e) => e.name },
          { key: 'kind', label: t('kw.event.kind'), value: (e) => t(`kw.kind.${e.kind}`) },
          { key: 'start', label: t('kw.event.start'), value: (e) => e.starts_on },
          { key: 'end', label: t('kw.event.end'), value: (e) => e.ends_on },
          { key: 'days', label: t('kw.event.days'), num: true, value: (e) => e.days_until },
          { key: 'kw', label: t('kw.keyword'), value: (e) => (e.keywords || []).join(', ') },
        ]} />
      </Card>
    </>
  );
}

function EventForm({ onDone }) {
  const { t, lang } = useI18n();
  const [f, setF] = useState({ name: '', kind: 'trade_fair', starts_on: '', ends_on: '', keywords: '' });
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState(null);
  const [error, setError] = useState(null);
  const set = (k) => (e) => setF({ ...f, [k]: e.target.value });
  const submit = async (e) => {
    e.preventDefault();
    setBusy(true); setError(null); setResult(null);
    try {
      setResult(await api.post(EVENTS, { ...f, keywords: f.keywords.split(',').map((s) => s.trim()).filter(Boolean) }));
      onDone?.();
    } catch (err) { setError(err); }
    setBusy(false);
  };
  const up = result?.uplift;
  return (
    <Card title={t('kw.uplift')} testid="kw-event-form">
      <form className="form" onSubmit={submit}>
        <label><span className="label">{t('kw.event.name')}</span><input required value={f.name} onChange={set('name')} /></label>
        <label><span className="label">{t('kw.event.kind')}</span>
          <select value={f.kind} onChange={set('kind')}>{KINDS.map((k) => <option key={k} value={k}>{t(`kw.kind.${k}`)}</option>)}</select></label>
        <label><span className="label">{t('kw.event.start')}</span><input type="date" required value={f.starts_on} onChange={set('starts_on')} /></label>
        <label><span className="label">{t('kw.event.end')}</span><input type="date" required value={f.ends_on} onChange={set('ends_on')} /></label>
        <label className="full"><span className="label">{t('kw.event.keywords')}</span><input required value={f.keywords} onChange={set('keywords')} /></label>
        <button type="submit" className="btn-primary" disabled={busy}>{busy ? t('state.loading') : t('kw.event.save')}</button>
      </form>
      {error && <Problem error={error} />}
      {up && up.status === 'upcoming' && <Empty>{t('kw.uplift.upcoming')}</Empty>}
      {up && up.status === 'no_history' && <Empty>{t('kw.uplift.nohistory')}</Empty>}
      {up && up.status === 'estimated' && (
        <DataTable id="kw-uplift" label={t('kw.uplift')} rows={up.keywords} filename="event-uplift" columns={[
          { key: 'keyword', label: t('kw.keyword'), value: (k) => k.keyword },
          { key: 'actual', label: t('kw.uplift.actual'), num: true, value: (k) => k.actual, render: (k) => num(k.actual, lang) },
          { key: 'expected', label: t('kw.uplift.expected'), num: true, value: (k) => k.expected, render: (k) => num(k.expected, lang) },
          { key: 'pct', label: t('kw.uplift.pct'), num: true, value: (k) => k.uplift_pct, render: (k) => num(k.uplift_pct, lang, 1) },
          { key: 'above', label: t('kw.uplift.above'), num: true, value: (k) => k.days_above_95 },
        ]} />
      )}
    </Card>
  );
}

// API performance: per route request count, error rate and p50/p95/p99 latency over
// 1 min / 5 min / 1 h (performance monitor, analyst role), DB round trip, worker restarts.
import { useMemo } from 'react';
import { useI18n } from '../lib/i18n.js';
import { api } from '../lib/api.js';
import { useApi } from '../lib/useApi.js';
import { useQuery } from '../lib/router.js';
import { num, pct, pick, asArray, DASH } from '../lib/format.js';
import { Card } from '../components/Card.jsx';
import { Async, Empty } from '../components/States.jsx';
import { DataTable } from '../components/DataTable.jsx';
import { Chart } from '../components/Chart.jsx';

const WINDOWS = ['1m', '5m', '1h'];

export function Performance({ need }) {
  const { t } = useI18n();
  const [q, setQ] = useQuery();
  const win = WINDOWS.includes(q.get('window')) ? q.get('window') : '5m';
  const res = useApi((signal) => api.get('/api/level2/performance/monitor', undefined, { signal }), []);
  return (
    <>
      <h1>{t('perf.title')}</h1>
      <div className="filters">
        <label><span className="label">{t('perf.window')}</span>
          <select value={win} onChange={(e) => setQ({ window: e.target.value }, { replace: true })} data-testid="window">
            {WINDOWS.map((w) => <option key={w} value={w}>{w}</option>)}
          </select>
        </label>
      </div>
      <Async res={res} need={need}>{(d) => <Body data={d} win={win} />}</Async>
    </>
  );
}

/** One route's figures in a window, whether the API nests them by window or not. */
function figures(r, win) {
  const w = pick(r, [`windows.${win}`, win, `w${win}`], r);
  const lat = pick(w, 'latency_ms|latency', w);
  return {
    count: pick(w, 'count|requests'),
    error_rate: pick(w, 'error_rate|errors_rate'),
    p50: pick(lat, 'p50|p50_ms'), p95: pick(lat, 'p95|p95_ms'), p99: pick(lat, 'p99|p99_ms'),
  };
}

function Body({ data, win }) {
  const { t, lang } = useI18n();
  const routes = useMemo(() => asArray(pick(data, 'routes|items', [])).map((r) => ({ ...r, f: figures(r, win) }))
    .sort((a, b) => (b.f.p95 ?? -1) - (a.f.p95 ?? -1)), [data, win]);
  const label = (r) => `${pick(r, 'method', '')} ${pick(r, 'route|path|pattern', DASH)}`.trim();
  const shown = routes.filter((r) => r.f.count);
  const overall = figures({ windows: pick(data, 'overall', {}) }, win);
  const option = {
    grid: { left: 8, right: 16, top: 28, bottom: 8, containLabel: true },
    tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
    legend: { top: 0, data: ['p50', 'p95', 'p99'] },
    xAxis: { type: 'value', name: 'ms' },
    yAxis: { type: 'category', inverse: true, data: shown.slice(0, 15).map(label) },
    series: ['p50', 'p95', 'p99'].map((k) => ({ type: 'bar', name: k, data: shown.slice(0, 15).map((r) => r.f[k]) })),
  };
  const ms = (v) => (typeof v === 'number' ? `${num(v, lang, v < 10 ? 2 : 0)} ms` : DASH);
  return (
    <>
      <div className="grid cards-4">
        <Card title={`${t('perf.count')} · ${win}`}><p className="kpi"><span className="kpi-value">{num(overall.count, lang)}</span><span className="muted">{t('perf.errors')} {pct(overall.error_rate, lang, 2)}</span></p></Card>
        <Card title={`p95 · ${win}`}><p className="kpi"><span className="kpi-value">{ms(overall.p95)}</span><span className="muted">p50 {ms(overall.p50)} · p99 {ms(overall.p99)}</span></p></Card>
        <Card title={t('perf.db')}><p className="kpi"><span className="kpi-value">{ms(pick(data, 'db.mean_ms|db.round_trip_ms|db.rtt_ms'))}</span><span className="muted">{t('perf.roundtrips', { n: num(pick(data, 'db.roundtrips'), lang) })}</span></p></Card>
        <Card title={t('perf.restarts')}><p className="kpi"><span className="kpi-value">{num(pick(data, 'workers.restarts|worker_restarts'), lang)}</span><span className="muted">{t('perf.alive', { n: num(pick(data, 'workers.alive'), lang) })}</span></p></Card>
      </div>
      {shown.length ? (
        <Card title={t('perf.chart')}><Chart option={option} label={t('perf.chart')} height={Math.max(200, shown.slice(0, 15).length * 36 + 60)} /></Card>
      ) : <Empty>{t('perf.empty')}</Empty>}
      <Card title={`${t('perf.route')} · ${win}`}>
        <DataTable id="perf-routes" label={t('perf.route')} rows={routes} filename={`api-performance_${win}`} columns={[
          { key: 'route', label: t('perf.route'), value: label, render: (r) => <code>{label(r)}</code> },
          { key: 'count', label: t('perf.count'), num: true, value: (r) => r.f.count, render: (r) => num(r.f.count, lang) },
          { key: 'err', label: t('perf.errors'), num: true, value: (r) => r.f.error_rate, render: (r) => pct(r.f.error_rate, lang, 2) },
          { key: 'p50', label: 'p50', num: true, value: (r) => r.f.p50, render: (r) => ms(r.f.p50) },
          { key: 'p95', label: 'p95', num: true, value: (r) => r.f.p95, render: (r) => ms(r.f.p95) },
          { key: 'p99', label: 'p99', num: true, value: (r) => r.f.p99, render: (r) => ms(r.f.p99) },
        ]} />
      </Card>
    </>
  );
}

// @ts-check
// Overview, the morning glance: headline tiles of the analytics timeseries (#45) with the
// change against the comparable period, one large chart of the chosen metric with the
// comparison overlaid and the running bucket dashed, then the Core Web Vitals verdict
// (ux-signals metrics), the realtime counter (#44), the average rating (social-proof report) and the open
// recommendations (optimization status). API health lives on the system page.
//
// The comparison is a second timeseries call for the comparable range (lib/range.js:
// the period before, a single day against the same weekday a week earlier, or the previous
// year), so the chart can overlay its buckets; the change is computed as the API computes
// its own (percent, one decimal, none when the earlier value is 0).
// Typed against the OpenAPI description (lib/endpoints.js): a renamed reply field fails the build.
import { useI18n, enumLabel } from '../lib/i18n.js';
import { endpoints } from '../lib/endpoints.js';
import { useApi } from '../lib/useApi.js';
import { useRange, compareRange, rangeDays } from '../lib/range.js';
import { useQuery } from '../lib/router.js';
import { useMemo } from 'react';
import { num, asArray, metric as fmtMetric, bucketLabel, dateRange, DASH } from '../lib/format.js';
import { Card } from '../components/Card.jsx';
import { Chart, PALETTE } from '../components/Chart.jsx';
import { Async, Empty } from '../components/States.jsx';
import { VITALS, RatingBadge, CwvBadge, VitalValue } from '../components/Vitals.jsx';
import { Realtime } from '../components/Realtime.jsx';

/** @typedef {import('../lib/endpoints.js').Timeseries} Timeseries */
/** @typedef {import('../lib/endpoints.js').UxMetrics} UxMetrics */
/** @typedef {import('../lib/endpoints.js').ReviewsReport} ReviewsReport */
/** @typedef {import('../lib/endpoints.js').Recommendations} Recommendations */
/** @typedef {'visitors'|'visits'|'pageviews'|'bounce_rate'|'visit_duration'|'conversions'} Metric */

/** The tiles and the chart's metric switch, in order; `lower` where less is better. */
const METRICS = /** @type {{key: Metric, lower?: boolean}[]} */ ([
  { key: 'visitors' }, { key: 'visits' }, { key: 'pageviews' },
  { key: 'bounce_rate', lower: true }, { key: 'visit_duration' }, { key: 'conversions' },
]);
const INTERVALS = ['hour', 'day', 'week', 'month'];
const COMPARES = ['previous', 'year', 'none'];
const HOUR_MAX_DAYS = 92;            // the API's limit for hour buckets

/** The interval a range reads best in when none is chosen. */
const defaultInterval = (days) => (days === 1 ? 'hour' : days <= HOUR_MAX_DAYS ? 'day' : days <= 400 ? 'week' : 'month');

/** Change in percent, rounded as the API rounds (half away from zero); null without a base. */
export function change(cur, prev) {
  if (typeof cur !== 'number' || typeof prev !== 'number' || prev === 0) return null;
  const x = (cur - prev) / prev * 1000;
  return Math.sign(x) * Math.round(Math.abs(x)) / 10;
}

/** The chart choices kept in the URL (?metric=&interval=&compare=), with defaults. */
function useChoices(days) {
  const [q, setQ] = useQuery();
  const pick = (name, list, dflt) => (list.includes(q.get(name) ?? '') ? /** @type {string} */ (q.get(name)) : dflt);
  let interval = pick('interval', INTERVALS, defaultInterval(days));
  if (interval === 'hour' && days > HOUR_MAX_DAYS) interval = 'day';
  return {
    metric: /** @type {Metric} */ (pick('metric', METRICS.map((m) => m.key), 'visitors')),
    interval,
    compare: pick('compare', COMPARES, 'previous'),
    set: (/** @type {Record<string, string>} */ c) => setQ(c, { replace: true }),
  };
}

export function Overview() {
  const { t } = useI18n();
  const [range] = useRange();
  const days = rangeDays(range.from, range.to);
  const choice = useChoices(days);
  const cmp = compareRange(range, choice.compare === 'none' ? 'previous' : choice.compare);
  const q = { tz: range.tz, interval: /** @type {any} */ (choice.interval) };
  const ts = useApi((signal) => Promise.all([
    endpoints.timeseries({ ...q, from: range.from, to: range.to }, signal),
    endpoints.timeseries({ ...q, from: cmp.from, to: cmp.to }, signal),
  ]).then(([cur, prev]) => ({ cur, prev })), [range.from, range.to, choice.interval, cmp.from, cmp.to]);
  // the overall figures only: one page of the list is the least the API answers
  const ux = useApi((signal) => endpoints.uxMetrics({ from: range.from, to: range.to, tz: range.tz, device: 'all', limit: 1 }, signal),
    [range.from, range.to]);
  const reviews = useApi((signal) => endpoints.reviewsReport({ from: range.from, to: range.to, tz: range.tz }, signal), [range.from, range.to]);
  const recs = useApi((signal) => endpoints.recommendations({ status: 'open', limit: 5 }, signal), []);

  return (
    <>
      <h1 tabIndex={-1} data-page-heading>{t('overview.title')}</h1>
      <section aria-label={t('overview.tiles')} data-testid="overview-tiles">
        <Async res={ts} skeleton="tiles">{(d) => <Tiles data={d} days={days} mode={choice.compare} choice={choice} />}</Async>
      </section>
      <Card title={t('overview.chart')} testid="card-chart" className="main-chart" actions={<ChartSwitches choice={choice} days={days} />}>
        <Async res={ts} skeleton={CHART_HEIGHT + 28}>{(d) => <MainChart data={d} choice={choice} />}</Async>
      </Card>
      <Card title={t('realtime.title')} testid="card-realtime">
        <Realtime />
      </Card>
      <div className="grid overview-cards">
        <Card title={t('overview.cwv')} testid="card-cwv">
          <Async res={ux} skeleton="cwv">{(d) => <CwvSummary data={d} />}</Async>
        </Card>
        <Card title={t('overview.rating')} testid="card-rating">
          <Async res={reviews} compact skeleton={70}>{(d) => <RatingKpi data={d} />}</Async>
        </Card>
        <Card title={t('overview.recs')} testid="card-recs">
          <Async res={recs} compact skeleton={150}>{(d) => <RecsSummary data={d} />}</Async>
        </Card>
      </div>
    </>
  );
}

const CHART_HEIGHT = 300;

/** @param {{data: {cur: Timeseries, prev: Timeseries}, days: number, mode: string, choice: ReturnType<typeof useChoices>}} props */
function Tiles({ data, days, mode, choice }) {
  const { t, lang } = useI18n();
  const { cur, prev } = data;
  const vs = t(mode === 'year' ? 'compare.vs.year' : days === 1 ? 'compare.vs.week' : 'compare.vs.previous',
    { range: dateRange(prev.range.from, prev.range.to, lang) });
  return (
    <>
      <ul className="tiles" aria-describedby="tiles-vs">
        {METRICS.map(({ key, lower }) => {
          const v = cur.totals[key];
          const p = prev.totals[key];
          const c = change(v, p);
          const good = c === null || c === 0 ? '' : (c > 0) !== !!lower ? 'up' : 'down';
          return (
            <li key={key}>
              <button type="button" className="tile" aria-pressed={choice.metric === key} data-testid={`tile-${key}`}
                onClick={() => choice.set({ metric: key })} title={t('overview.tile.pick', { metric: t(`metric.${key}`) })}>
                <span className="tile-name">{t(`metric.${key}`)}</span>
                <span className="tile-value" data-value={v ?? ''} data-testid={`overview-${key}`}>{fmtMetric(key, v, lang)}</span>
                <span className={`delta ${good}`} data-value={c ?? ''} data-testid={`overview-${key}-change`}>
                  {c === null ? t('compare.none.short') : `${c > 0 ? '▲' : c < 0 ? '▼' : '■'} ${num(Math.abs(c), lang, 1)} %`}
                </span>
                <span className="muted small" data-value={p ?? ''} data-testid={`overview-${key}-previous`}>
                  {t('compare.was', { value: fmtMetric(key, p, lang) })}
                </span>
                {key === 'conversions' && (
                  <span className="muted small" data-value={cur.totals.conversion_rate ?? ''} data-testid="overview-conversion_rate">
                    {t('metric.conversion_rate')} {fmtMetric('conversion_rate', cur.totals.conversion_rate, lang)}
                  </span>
                )}
              </button>
            </li>
          );
        })}
      </ul>
      <p id="tiles-vs" className="muted small tiles-vs" data-testid="overview-vs">
        {vs}{asArray(cur.buckets).some((b) => !b.complete) ? ` · ${t('compare.partial')}` : ''}
      </p>
    </>
  );
}

/** @param {{choice: ReturnType<typeof useChoices>, days: number}} props */
function ChartSwitches({ choice, days }) {
  const { t } = useI18n();
  /** @type {[string, string, string[], (v: string) => boolean][]} */
  const selects = [
    ['metric', 'overview.metric', METRICS.map((m) => m.key), () => false],
    ['interval', 'interval.label', INTERVALS, (v) => v === 'hour' && days > HOUR_MAX_DAYS],
    ['compare', 'compare.label', COMPARES, () => false],
  ];
  const prefix = { metric: 'metric', interval: 'interval', compare: 'compare' };
  return (
    <div className="switches">
      {selects.map(([name, label, values, off]) => (
        <label key={name}>
          <span className="label">{t(label)}</span>
          <select value={choice[name]} onChange={(e) => choice.set({ [name]: e.target.value })} data-testid={`chart-${name}`}>
            {values.map((v) => <option key={v} value={v} disabled={off(v)}>{t(`${prefix[name]}.${v}`)}</option>)}
          </select>
        </label>
      ))}
    </div>
  );
}

/** @param {{data: {cur: Timeseries, prev: Timeseries}, choice: ReturnType<typeof useChoices>}} props */
function MainChart({ data, choice }) {
  const { t, lang } = useI18n();
  const { metric, interval, compare } = choice;
  const cur = asArray(data.cur.buckets);
  const prev = compare === 'none' ? [] : asArray(data.prev.buckets);
  const running = cur.findIndex((b) => !b.complete);
  const sofar = running < 0 ? cur : cur.slice(0, running + 1);       // buckets later today are still to come
  const option = useMemo(() => chartOption(cur, prev, { metric, interval, lang, t, data }),
    [cur, prev, metric, interval, lang, t, data]);
  if (!data.cur.totals.visits && !data.prev.totals.visits) {
    return <Empty>{t('overview.nodata', { range: dateRange(data.cur.range.from, data.cur.range.to, lang) })}</Empty>;
  }
  const points = (/** @type {any[]} */ bs) => bs.map((b) => `${bucketLabel(b.bucket, interval, lang, true)} ${fmtMetric(metric, b[metric], lang)}`).join('; ');
  let label = t('overview.chart.label', { metric: t(`metric.${metric}`), interval: t(`interval.${interval}`),
    range: dateRange(data.cur.range.from, data.cur.range.to, lang), points: points(sofar) });
  if (prev.length) label += `. ${t('overview.chart.compare', { range: dateRange(data.prev.range.from, data.prev.range.to, lang), points: points(prev) })}`;
  return <Chart option={option} label={label} height={CHART_HEIGHT} testid="overview-chart" />;
}

/** The ECharts option: the range solid up to its last complete bucket, the running bucket
 *  dashed from there, buckets still to come (later in today) left out; the comparison grey
 *  underneath; axes and tooltip in the chosen language. */
function chartOption(cur, prev, { metric, interval, lang, t, data }) {
  const val = (b) => b[metric];
  const running = cur.findIndex((b) => !b.complete);          // the bucket now under way; later ones are to come
  const lastDone = running < 0 ? cur.length - 1 : running - 1;
  const solid = cur.map((b, i) => (i <= lastDone ? val(b) : null));
  const dashed = cur.map((b, i) => (running >= 0 && (i === running || i === lastDone) ? val(b) : null));
  const hasRunning = running >= 0;
  const curName = dateRange(data.cur.range.from, data.cur.range.to, lang);
  const prevName = dateRange(data.prev.range.from, data.prev.range.to, lang);
  const series = [];
  if (prev.length) {
    series.push({ type: 'line', name: prevName, data: prev.slice(0, cur.length).map(val), showSymbol: false,
      lineStyle: { width: 1.5, color: '#7b8794' }, itemStyle: { color: '#7b8794' }, z: 1 });
  }
  series.push({ type: 'line', name: curName, data: solid, showSymbol: cur.length < 40, symbolSize: 5,
    lineStyle: { width: 2.5, color: PALETTE[0] }, itemStyle: { color: PALETTE[0] }, areaStyle: { opacity: 0.08 }, z: 3 });
  if (hasRunning) {
    series.push({ type: 'line', name: `${curName} (${t('overview.incomplete')})`, data: dashed, showSymbol: false,
      lineStyle: { width: 2.5, type: 'dashed', color: PALETTE[0] }, itemStyle: { color: PALETTE[0] }, z: 2 });
  }
  const fmt = (v) => fmtMetric(metric, v, lang);
  return {
    grid: { left: 8, right: 16, top: 36, bottom: 8, containLabel: true },
    legend: { top: 0, left: 0, itemWidth: 18, textStyle: { fontSize: 12 }, data: [prev.length ? prevName : null, curName].filter(Boolean) },
    tooltip: {
      trigger: 'axis',
      formatter: (ps) => {
        const i = ps[0]?.dataIndex ?? 0;
        const lines = [];
        if (cur[i] && (running < 0 || i <= running)) lines.push(`${bucketLabel(cur[i].bucket, interval, lang, true)}: <b>${fmt(val(cur[i]))}</b>${cur[i].complete ? '' : ` (${t('overview.incomplete')})`}`);
        if (prev.length && prev[i]) lines.push(`${bucketLabel(prev[i].bucket, interval, lang, true)}: ${fmt(val(prev[i]))}`);
        return lines.join('<br>');
      },
    },
    xAxis: { type: 'category', boundaryGap: false, data: cur.map((b) => bucketLabel(b.bucket, interval, lang)),
      axisLabel: { hideOverlap: true, fontSize: 12 } },
    yAxis: { type: 'value', min: 0, axisLabel: { formatter: fmt, fontSize: 12 }, splitNumber: 4 },
    series,
  };
}

/** @param {{data: ReviewsReport}} props */
function RatingKpi({ data }) {
  const { t, lang } = useI18n();
  const mean = data.overall?.mean;
  const bayes = data.overall?.bayesian_average;
  const count = data.overall?.count;
  if (!count) return <Empty>{t('overview.rating.none', { range: dateRange(data.range?.from, data.range?.to, lang) })}</Empty>;
  return (
    <div className="kpi">
      <span className="kpi-value" data-value={mean ?? ''}>{num(mean, lang, 2)} <span className="unit">/ 5</span></span>
      <span className="muted">{t('reviews.bayes')}: {num(bayes, lang, 2)} · {t('overview.rating.count', { count: num(count, lang) })}</span>
    </div>
  );
}

/** @param {{data: UxMetrics}} props */
function CwvSummary({ data }) {
  const { t, lang } = useI18n();
  const vitals = data?.overall?.vitals || {};
  if (!data?.n || Object.keys(vitals).length === 0) {
    return <Empty>{t('overview.cwv.nodata', { range: dateRange(data?.range?.from, data?.range?.to, lang) })}</Empty>;
  }
  return (
    <>
      <p className="verdict">
        <CwvBadge cwv={data.overall.cwv} testid="overview-cwv" />
        <span className="muted">{t('overview.cwv.hint')} · {t('ux.samples', { n: num(data.n, lang) })}</span>
      </p>
      <ul className="vital-tiles">
        {VITALS.map((k) => (
          <li key={k} className="vital-tile">
            <span className="vital-name">{k}{data.thresholds?.[k]?.core ? <span className="core" aria-hidden="true">*</span> : null}</span>
            <VitalValue v={vitals[k]} name={k} testid={`overview-${k}`} />
            <RatingBadge rating={vitals[k]?.rating} status={vitals[k]?.status} />
          </li>
        ))}
      </ul>
    </>
  );
}

/** @param {{data: Recommendations}} props */
function RecsSummary({ data }) {
  const { t, lang } = useI18n();
  const items = asArray(data.items)
    .filter((r) => (r.status ?? 'open') === 'open')
    .sort((a, b) => (b.priority ?? 0) - (a.priority ?? 0));
  const open = data.counts?.open ?? items.length;
  const byCat = Object.entries(data.open_by_category ?? {});
  if (!open) return <Empty>{t('recs.empty')}</Empty>;
  return (
    <>
      <p className="kpi"><span className="kpi-value" data-value={open} data-testid="overview-open-recs">{num(open, lang)}</span>
        <span className="muted" data-testid="overview-recs-categories">
          {byCat.map(([k, v]) => `${enumLabel(lang, 'category', k)} ${num(v, lang)}`).join(' · ')}
        </span></p>
      <h3 className="subhead">{t('overview.recs.top')}</h3>
      <ol className="rec-list">
        {items.slice(0, 5).map((r, i) => (
          <li key={r.id ?? i}>
            <span>{(lang === 'de' ? r.title_de : r.title) ?? r.title ?? r.rule ?? DASH}</span>
          </li>
        ))}
      </ol>
    </>
  );
}

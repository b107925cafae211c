// @ts-check
// Overview: visitors and conversions with comparison (analytics timeseries), the Core Web
// Vitals verdict and p75 per vital (ux-signals metrics), the realtime counter (#44), average rating (social-proof
// report), open recommendations by priority (optimization status), API health and readiness.
// Typed against the OpenAPI description (lib/endpoints.js): a renamed reply field fails the build.
import { useI18n } from '../lib/i18n.js';
import { ApiError } from '../lib/api.js';
import { endpoints } from '../lib/endpoints.js';
import { useApi } from '../lib/useApi.js';
import { useRange } from '../lib/range.js';
import { useMemo } from 'react';
import { num, pct, pick, asArray, DASH } from '../lib/format.js';
import { Card } from '../components/Card.jsx';
import { Chart } from '../components/Chart.jsx';
import { Async, Empty } from '../components/States.jsx';
import { VITALS, RatingBadge, CwvBadge, VitalValue } from '../components/Vitals.jsx';
import { Realtime } from '../components/Realtime.jsx';

/** @typedef {import('../lib/endpoints.js').Timeseries} Timeseries */
/** @typedef {import('../lib/endpoints.js').UxMetrics} UxMetrics */
/** @typedef {import('../lib/endpoints.js').ReviewsReport} ReviewsReport */
/** @typedef {import('../lib/endpoints.js').Recommendations} Recommendations */
/** @typedef {import('../lib/endpoints.js').Health} Health */
/** @typedef {import('../lib/endpoints.js').Ready} Ready */

export function Overview() {
  const { t } = useI18n();
  const [range] = useRange();
  const ts = useApi((signal) => endpoints.timeseries(
    { from: range.from, to: range.to, tz: range.tz, interval: 'day' }, signal),
  [range.from, range.to]);
  const ux = useApi((signal) => endpoints.uxMetrics({ from: range.from, to: range.to, tz: range.tz, device: 'all' }, signal),
    [range.from, range.to]);
  const reviews = useApi((signal) => endpoints.reviewsReport({ from: range.from, to: range.to, tz: range.tz }, signal), [range.from, range.to]);
  const recs = useApi((signal) => endpoints.recommendations({ status: 'open', limit: 5 }, signal), []);
  const health = useApi(async (signal) => {
    const [live, ready] = await Promise.all([
      endpoints.health(signal).catch((e) => (e instanceof ApiError ? e.problem : Promise.reject(e))),
      endpoints.ready(signal).catch((e) => (e instanceof ApiError ? e.problem : Promise.reject(e))),
    ]);
    return { live, ready };
  }, []);

  return (
    <>
      <h1>{t('overview.title')}</h1>
      <Card title={t('realtime.title')} testid="card-realtime">
        <Realtime />
      </Card>
      <div className="grid cards-4">
        <Card title={t('overview.visitors')} testid="card-visitors">
          <Async res={ts} compact>{(d) => <><Kpi data={d} metric="visitors" /><Sparkline data={d} /></>}</Async>
        </Card>
        <Card title={t('overview.conversions')} testid="card-conversions">
          <Async res={ts} compact>{(d) => <Kpi data={d} metric="conversions" rate="conversion_rate" />}</Async>
        </Card>
        <Card title={t('overview.rating')} testid="card-rating">
          <Async res={reviews} compact>{(d) => <RatingKpi data={d} />}</Async>
        </Card>
        <Card title={t('overview.health')} testid="card-health">
          <Async res={health} compact>{(d) => <Health data={d} />}</Async>
        </Card>
      </div>
      <div className="grid cards-2">
        <Card title={t('overview.cwv')} testid="card-cwv">
          <Async res={ux}>{(d) => <CwvSummary data={d} />}</Async>
        </Card>
        <Card title={t('overview.recs')} testid="card-recs">
          <Async res={recs} compact>{(d) => <RecsSummary data={d} />}</Async>
        </Card>
      </div>
    </>
  );
}

// A total of the range from the timeseries (#45) with the API's own change versus the
// previous period of equal length (percent, null when the previous value was 0).
/** @param {{data: Timeseries, metric: keyof Timeseries['totals'], rate?: keyof Timeseries['totals']}} props */
function Kpi({ data, metric, rate }) {
  const { t, lang } = useI18n();
  const cur = data?.totals?.[metric];
  const prev = data?.previous?.totals?.[metric];
  const change = data?.change?.[metric];
  return (
    <div className="kpi">
      <span className="kpi-value" data-value={cur ?? ''} data-testid={`overview-${metric}`}>{num(cur, lang)}</span>
      {typeof change === 'number' && (
        <span className={`delta ${change >= 0 ? 'up' : 'down'}`} data-value={change} data-testid={`overview-${metric}-change`}>
          {change >= 0 ? '▲' : '▼'} {num(Math.abs(change), lang, 1)} %
        </span>
      )}
      {rate && (
        <span data-value={data?.totals?.[rate] ?? ''} data-testid={`overview-${rate}`}>
          {t('overview.convrate')}: {pct(data?.totals?.[rate], lang, 1)}
        </span>
      )}
      <span className="muted" data-value={prev ?? ''} data-testid={`overview-${metric}-previous`}>{t('overview.previous', { value: num(prev, lang) })}</span>
    </div>
  );
}

// Visitors per day of the range as a small line; the figures are in the aria-label.
/** @param {{data: Timeseries}} props */
function Sparkline({ data }) {
  const { t, lang } = useI18n();
  const buckets = asArray(data?.buckets);
  const option = useMemo(() => ({
    grid: { left: 4, right: 4, top: 6, bottom: 4 },
    tooltip: { trigger: 'axis' },
    xAxis: { type: 'category', show: false, boundaryGap: false, data: buckets.map((b) => b.bucket) },
    yAxis: { type: 'value', show: false, min: 0 },
    series: [{ type: 'line', name: t('overview.visitors'), data: buckets.map((b) => b.visitors), showSymbol: false, areaStyle: { opacity: 0.15 } }],
  }), [buckets, t]);
  if (!buckets.length) return null;
  const label = `${t('overview.visitors.perday')}: ${buckets.map((b) => `${b.bucket} ${num(b.visitors, lang)}`).join(', ')}`;
  return <Chart option={option} label={label} height={60} testid="overview-visitors-chart" />;
}

/** @param {{data: ReviewsReport}} props */
function RatingKpi({ data }) {
  const { t, lang } = useI18n();
  const mean = data.overall?.mean;
  const bayes = data.overall?.bayesian_average;
  const count = data.overall?.count;
  return (
    <div className="kpi">
      <span className="kpi-value" data-value={mean ?? ''}>{num(mean, lang, 2)} <span className="unit">/ 5</span></span>
      <span className="muted">{t('reviews.bayes')}: {num(bayes, lang, 2)} · {t('overview.rating.count', { count: num(count, lang) })}</span>
    </div>
  );
}

/** @param {{data: {live: Health, ready: Ready}}} props */
function Health({ data }) {
  const { t } = useI18n();
  const live = data.live?.status === 'ok';
  const ready = data.ready?.status === 'ready';
  const pending = asArray(data.ready?.pending_migrations);
  return (
    <dl className="facts" data-testid="health">
      <dt>{t('overview.health.live')}</dt>
      <dd><span className={`badge badge-${live ? 'good' : 'poor'}`} data-value={data.live?.status ?? ''}>{data.live?.status ?? DASH}</span></dd>
      <dt>{t('overview.health.ready')}</dt>
      <dd><span className={`badge badge-${ready ? 'good' : 'poor'}`} data-value={data.ready?.status ?? ''}>{data.ready?.status ?? DASH}</span></dd>
      <dt>{t('overview.health.db')}</dt>
      <dd>{data.ready?.database === undefined ? DASH : data.ready.database ? t('yes') : t('no')}</dd>
      <dt>{t('overview.health.migrations')}</dt>
      <dd>{pending.length ? pending.join(', ') : t('overview.health.none')}</dd>
    </dl>
  );
}

/** @param {{data: UxMetrics}} props */
function CwvSummary({ data }) {
  const { t, lang } = useI18n();
  const vitals = data?.overall?.vitals || {};
  if (!data?.n || Object.keys(vitals).length === 0) return <Empty>{t('ux.empty')}</Empty>;
  return (
    <>
      <p className="verdict">
        <CwvBadge cwv={data.overall.cwv} testid="overview-cwv" />
        <span className="muted">{t('overview.cwv.hint')} · {t('ux.samples', { n: num(data.n, lang) })}</span>
      </p>
      <ul className="vital-tiles">
        {VITALS.map((k) => (
          <li key={k} className="vital-tile">
            <span className="vital-name">{k}{data.thresholds?.[k]?.core ? <span className="core" title="Core Web Vital">*</span> : null}</span>
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
        <span className="muted">{byCat.map(([k, v]) => `${k} ${num(v, lang)}`).join(' · ')}</span></p>
      <h3 className="subhead">{t('overview.recs.top')}</h3>
      <ol className="rec-list">
        {items.slice(0, 5).map((r, i) => (
          <li key={r.id ?? i}>
            <span className="prio">{num(r.priority, lang, 2)}</span>
            <span>{(lang === 'de' ? r.title_de : r.title) ?? r.title ?? r.rule ?? DASH}</span>
          </li>
        ))}
      </ol>
    </>
  );
}

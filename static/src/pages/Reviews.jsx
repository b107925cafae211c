// Reviews: the all-time rating as the headline with its change over the range, the latest
// review texts (filter negative / unanswered), rating over time, distribution 1–5,
// sources, sentiment mix, and the JSON-LD to copy (social-proof report; all time is the
// same report without from/to).
import { useState } from 'react';
import { useI18n } from '../lib/i18n.js';
import '../styles-pages.css';
import { api } from '../lib/api.js';
import { useApi } from '../lib/useApi.js';
import { useRange } from '../lib/range.js';
import { num, pct, pick, asArray, date, DASH } from '../lib/format.js';
import { Card } from '../components/Card.jsx';
import { Async, Empty } from '../components/States.jsx';
import { DataTable } from '../components/DataTable.jsx';
import { Chart } from '../components/Chart.jsx';

const STARS = ['1', '2', '3', '4', '5'];
const LATEST = 50;          // review texts to read and filter

export function Reviews() {
  const { t } = useI18n();
  const [range] = useRange();
  const res = useApi((signal) => api.get('/api/level2/social-proof/report', { from: range.from, to: range.to, tz: range.tz }, { signal }), [range.from, range.to]);
  const all = useApi((signal) => api.get('/api/level2/social-proof/report', { tz: range.tz, latest: LATEST }, { signal }), []);
  return (
    <>
      <h1>{t('reviews.title')}</h1>
      <Async res={all} compact>{(a) => <Headline all={a} range={res.data} />}</Async>
      <Async res={all} compact>{(a) => <Latest items={asArray(pick(a, 'latest', []))} />}</Async>
      <Async res={res}>{(d) => <Report data={d} />}</Async>
    </>
  );
}

/** All time now, and the change against all time before the range (exact: sums). */
export function ratingChange(all, range) {
  const a = pick(all, 'overall', {}); const r = pick(range, 'overall', {});
  const n = a.count ?? 0; const m = r.count ?? 0;
  if (!n || typeof a.mean !== 'number') return { mean: null, count: n, change: null, inRange: m };
  const before = n - m;
  const meanBefore = before > 0 && typeof r.mean === 'number' ? (a.mean * n - r.mean * m) / before : null;
  return { mean: a.mean, count: n, change: meanBefore === null || !m ? null : a.mean - meanBefore, inRange: m, rangeMean: r.mean ?? null };
}

function Headline({ all, range }) {
  const { t, lang } = useI18n();
  const h = ratingChange(all, range);
  if (!h.count) return null;
  const sign = h.change > 0 ? '+' : h.change < 0 ? '−' : '±';
  return (
    <Card title={t('reviews.alltime')} testid="reviews-alltime">
      <p className="kpi">
        <span className="kpi-value" data-value={h.mean ?? ''}>{num(h.mean, lang, 2)} ★</span>
        <span className="muted">{t('overview.rating.count', { count: num(h.count, lang) })}</span>
      </p>
      <p data-testid="reviews-change" data-value={h.change ?? ''}>
        {h.change === null ? t('reviews.change.none')
          : t('reviews.change', { d: `${sign}${num(Math.abs(h.change), lang, 2)}`, n: num(h.inRange, lang), mean: num(h.rangeMean, lang, 2) })}
      </p>
    </Card>
  );
}

const sourceName = (s, t) => (t(`reviews.src.${s}`) === `reviews.src.${s}` ? s : t(`reviews.src.${s}`));

const LATEST_FILTERS = [
  { key: 'negative', test: (r) => r.rating <= 2 || r.sentiment?.label === 'negative' },
  { key: 'unanswered', test: (r) => !r.reply },
];

function Latest({ items }) {
  const { t, lang } = useI18n();
  const [filter, setFilter] = useState('all');
  const f = LATEST_FILTERS.find((x) => x.key === filter);
  const shown = f ? items.filter(f.test) : items;
  if (!items.length) return null;
  return (
    <Card title={t('reviews.latest')} testid="reviews-latest">
      <div className="chips" role="group" aria-label={t('controls.filter')}>
        {[{ key: 'all', test: () => true }, ...LATEST_FILTERS].map((x) => (
          <button key={x.key} type="button" className={`chip${filter === x.key ? ' on' : ''}`} aria-pressed={filter === x.key}
            onClick={() => setFilter(x.key)} data-testid={`reviews-filter-${x.key}`}>
            {t(`reviews.filter.${x.key}`)} <span className="chip-n">{num(items.filter(x.test).length, lang)}</span>
          </button>
        ))}
      </div>
      {shown.length === 0 ? <Empty>{t('reviews.filter.none')}</Empty> : (
        <ul className="review-list">
          {shown.map((r) => (
            <li key={`${r.source}-${r.external_id}`} className="review" data-testid="review" data-rating={r.rating}>
              <p className="review-head">
                <span className="stars" aria-label={t('reviews.stars', { n: r.rating })}>{'★'.repeat(r.rating)}{'☆'.repeat(Math.max(0, 5 - r.rating))}</span>
                <strong>{r.author || t('reviews.anonymous')}</strong>
                <span className="muted">{date(r.published_at || r.date, lang)} · {sourceName(r.source, t)}</span>
                {r.sentiment?.label && <span className={`badge badge-senti-${r.sentiment.label}`}>{t(`reviews.${r.sentiment.label}`)}</span>}
              </p>
              <blockquote lang={r.lang || undefined}>{r.text || <span className="muted">{t('reviews.notext')}</span>}</blockquote>
              {r.reply ? <p className="review-reply"><span className="muted">{t('reviews.reply')}:</span> {r.reply}</p>
                : <p className="review-reply muted" data-testid="review-unanswered">{t('reviews.noreply')}</p>}
            </li>
          ))}
        </ul>
      )}
    </Card>
  );
}

function distOf(x) {
  const d = pick(x, 'distribution|histogram', {});
  if (Array.isArray(d)) return Object.fromEntries(STARS.map((s, i) => [s, d[i] ?? null]));
  return d;
}
const SENTI = ['positive', 'neutral', 'negative'];
const trustOf = (x) => { const tr = pick(x, 'trust'); return typeof tr === 'number' ? tr : pick(tr, 'score'); };

/** The markup to embed: AggregateRating and the latest Reviews, each a <script> block. */
function monthLabel(ym, lang) {
  if (typeof ym !== 'string' || !/^\d{4}-\d{2}/.test(ym)) return ym ?? '';
  return new Intl.DateTimeFormat(lang === 'de' ? 'de-DE' : 'en-GB', { month: 'short', year: 'numeric', timeZone: 'UTC' }).format(new Date(`${ym.slice(0, 7)}-15T00:00:00Z`));
}

function embedText(jsonld) {
  const blocks = [pick(jsonld, 'aggregate_rating.markup'), ...asArray(pick(jsonld, 'reviews', [])).map((r) => pick(r, 'markup'))].filter(Boolean);
  const list = blocks.length ? blocks : [jsonld];
  return list.map((b) => `<script type="application/ld+json">\n${JSON.stringify(b, null, 2)}\n</script>`).join('\n');
}

function Report({ data }) {
  const { t, lang } = useI18n();
  const overall = pick(data, 'overall', {});
  const count = pick(overall, 'count|n', pick(data, 'n'));
  const sources = Array.isArray(pick(data, 'sources')) ? data.sources
    : Object.entries(pick(data, 'sources', {})).map(([k, v]) => ({ source: k, ...v }));
  const trend = asArray(pick(overall, 'trend', pick(data, 'trend|monthly', [])));
  const dist = distOf(overall);
  const senti = pick(overall, 'sentiment', {});
  const jsonld = pick(data, 'jsonld|json_ld');
  const validation = pick(jsonld, 'aggregate_rating.validation');
  const [copied, setCopied] = useState(false);

  if (!count) return <Empty>{t('reviews.empty.range')}</Empty>;

  const trendOption = {
    grid: { left: 8, right: 16, top: 32, bottom: 8, containLabel: true },
    tooltip: { trigger: 'axis', valueFormatter: (v) => num(v, lang, Number.isInteger(v) ? 0 : 2) },
    legend: { data: [t('reviews.mean'), t('reviews.count')], top: 0 },
    xAxis: { type: 'category', data: trend.map((m) => monthLabel(pick(m, 'month|period|date'), lang)) },
    yAxis: [{ type: 'value', min: 1, max: 5, name: '★', axisLabel: { formatter: (v) => num(v, lang) } },
      { type: 'value', name: t('reviews.count'), splitLine: { show: false }, axisLabel: { formatter: (v) => num(v, lang) } }],
    series: [
      { type: 'bar', name: t('reviews.count'), yAxisIndex: 1, data: trend.map((m) => pick(m, 'count|n')), itemStyle: { color: '#56B4E9' } },
      { type: 'line', name: t('reviews.mean'), data: trend.map((m) => pick(m, 'mean|average|rating')), symbolSize: 7, lineStyle: { width: 3 }, itemStyle: { color: '#0072B2' } },
    ],
  };
  const distOption = {
    grid: { left: 8, right: 48, top: 8, bottom: 8, containLabel: true },
    tooltip: { valueFormatter: (v) => num(v, lang) },
    xAxis: { type: 'value', axisLabel: { formatter: (v) => num(v, lang) } },
    yAxis: { type: 'category', data: STARS.map((s) => `${s} ★`) },
    series: [{ type: 'bar', data: STARS.map((s) => dist?.[s] ?? 0), itemStyle: { color: '#0072B2' }, label: { show: true, position: 'right', color: '#1f2933' } }],
  };
  const text = jsonld ? embedText(jsonld) : '';
  const copy = async () => {
    try { await navigator.clipboard.writeText(text); setCopied(true); setTimeout(() => setCopied(false), 2000); } catch { /* no clipboard */ }
  };
  return (
    <>
      <div className="grid cards-4">
        <Card title={t('reviews.mean.range')} testid="reviews-mean"><p className="kpi"><span className="kpi-value" data-value={pick(overall, 'mean') ?? ''}>{num(pick(overall, 'mean|average'), lang, 2)}</span><span className="muted">{t('overview.rating.count', { count: num(count, lang) })}</span></p></Card>
        <Card title={t('reviews.bayes')}><p className="kpi"><span className="kpi-value">{num(pick(overall, 'bayesian_average|bayesian'), lang, 2)}</span></p></Card>
        <Card title={t('reviews.trust')}><p className="kpi"><span className="kpi-value">{num(trustOf(overall), lang, 1)}</span></p></Card>
        <Card title={t('reviews.replyrate')}><p className="kpi"><span className="kpi-value">{pct(pick(overall, 'reply_rate'), lang)}</span><span className="muted">{num(pick(overall, 'replied'), lang)} / {num(count, lang)}</span></p></Card>
      </div>
      <div className="grid cards-2">
        <Card title={t('reviews.trend')}>
          {trend.length ? <Chart option={trendOption} label={`${t('reviews.trend')}: ${trend.map((m) => `${monthLabel(m.month, lang)} ${num(m.mean, lang, 2)} (${num(m.count, lang)})`).join(', ')}`} height={260} /> : <Empty>{DASH}</Empty>}
        </Card>
        <Card title={t('reviews.distribution')}>
          <Chart option={distOption} label={`${t('reviews.distribution')}: ${STARS.map((s) => `${s}★ ${dist?.[s] ?? DASH}`).join(', ')}`} height={220} />
          <p className="muted">{t('reviews.sentiment')}: {[...SENTI, 'unscored'].map((k) => `${t(`reviews.${k}`)} ${num(senti?.[k], lang)}`).join(' · ')}</p>
        </Card>
      </div>
      <Card title={t('reviews.sources')}>
        <DataTable id="reviews-sources" label={t('reviews.sources')} rows={sources} filename="reviews-sources" columns={[
          { key: 'source', label: t('reviews.source'), value: (s) => pick(s, 'source|name'), render: (s) => sourceName(pick(s, 'source|name'), t) },
          { key: 'count', label: t('reviews.count'), num: true, value: (s) => pick(s, 'count|n'), render: (s) => num(pick(s, 'count|n'), lang) },
          { key: 'mean', label: t('reviews.mean'), num: true, value: (s) => pick(s, 'mean|average'), render: (s) => num(pick(s, 'mean|average'), lang, 2) },
          { key: 'bayes', label: t('reviews.bayes'), num: true, value: (s) => pick(s, 'bayesian_average|bayesian'), render: (s) => num(pick(s, 'bayesian_average|bayesian'), lang, 2) },
          { key: 'trust', label: t('reviews.trust'), num: true, value: (s) => trustOf(s), render: (s) => num(trustOf(s), lang, 1) },
          { key: 'reply', label: t('reviews.replyrate'), num: true, value: (s) => pick(s, 'reply_rate'), render: (s) => pct(pick(s, 'reply_rate'), lang) },
          ...SENTI.map((k) => ({ key: k, label: t(`reviews.${k}`), num: true, value: (s) => pick(s, `sentiment.${k}`), render: (s) => num(pick(s, `sentiment.${k}`), lang) })),
        ]} />
      </Card>
      <Card title={t('reviews.jsonld')}>
        {jsonld ? (
          <>
            {pick(jsonld, 'policy') && <p className="state state-empty">{lang === 'de' ? t('reviews.policy') : jsonld.policy}</p>}
            {validation && (
              <p className="muted">
                {t('reviews.validation', { errors: asArray(pick(validation, 'errors', [])).length, warnings: asArray(pick(validation, 'warnings', [])).length })}
              </p>
            )}
            <button type="button" className="btn-secondary" onClick={copy}>{copied ? t('reviews.copied') : t('reviews.copy')}</button>
            <pre className="code" tabIndex={0} aria-label={t('reviews.jsonld')}>{text}</pre>
          </>
        ) : <Empty>{DASH}</Empty>}
      </Card>
    </>
  );
}

// Reviews: rating over time, distribution 1–5, sources, sentiment mix, and the JSON-LD to
// copy (social-proof report). Tolerant of field names; missing figures show "—".
import { useState } from 'react';
import { useI18n } from '../lib/i18n.js';
import { api } from '../lib/api.js';
import { useApi } from '../lib/useApi.js';
import { useRange } from '../lib/range.js';
import { num, pct, pick, asArray, DASH } from '../lib/format.js';
import { Card } from '../components/Card.jsx';
import { Async, Empty } from '../components/States.jsx';
import { DataTable } from '../components/DataTable.jsx';
import { Chart } from '../components/Chart.jsx';

const STARS = ['1', '2', '3', '4', '5'];

export function Reviews() {
  const { t } = useI18n();
  const [range] = useRange();
  const res = useApi((signal) => api.get('/api/level2/social-proof/report', { from: range.from, to: range.to, tz: range.tz }, { signal }), [range.from, range.to]);
  return (
    <>
      <h1>{t('reviews.title')}</h1>
      <Async res={res}>{(d) => <Report data={d} />}</Async>
    </>
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

  if (!count) return <Empty>{pick(data, 'jsonld_reason') ? `${t('reviews.empty')} (${data.jsonld_reason})` : t('reviews.empty')}</Empty>;

  const trendOption = {
    grid: { left: 8, right: 16, top: 32, bottom: 8, containLabel: true },
    tooltip: { trigger: 'axis' },
    legend: { data: [t('reviews.mean'), t('reviews.count')], top: 0 },
    xAxis: { type: 'category', data: trend.map((m) => pick(m, 'month|period|date')) },
    yAxis: [{ type: 'value', min: 1, max: 5, name: '★' }, { type: 'value', name: t('reviews.count'), splitLine: { show: false } }],
    series: [
      { type: 'bar', name: t('reviews.count'), yAxisIndex: 1, data: trend.map((m) => pick(m, 'count|n')), itemStyle: { color: '#56B4E9' } },
      { type: 'line', name: t('reviews.mean'), data: trend.map((m) => pick(m, 'mean|average|rating')), symbolSize: 7, lineStyle: { width: 3 }, itemStyle: { color: '#0072B2' } },
    ],
  };
  const distOption = {
    grid: { left: 8, right: 48, top: 8, bottom: 8, containLabel: true },
    tooltip: {},
    xAxis: { type: 'value' },
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
        <Card title={t('reviews.mean')} testid="reviews-mean"><p className="kpi"><span className="kpi-value" data-value={pick(overall, 'mean') ?? ''}>{num(pick(overall, 'mean|average'), lang, 2)}</span><span className="muted">{t('overview.rating.count', { count: num(count, lang) })}</span></p></Card>
        <Card title={t('reviews.bayes')}><p className="kpi"><span className="kpi-value">{num(pick(overall, 'bayesian_average|bayesian'), lang, 2)}</span></p></Card>
        <Card title={t('reviews.trust')}><p className="kpi"><span className="kpi-value">{num(trustOf(overall), lang, 1)}</span></p></Card>
        <Card title={t('reviews.replyrate')}><p className="kpi"><span className="kpi-value">{pct(pick(overall, 'reply_rate'), lang)}</span><span className="muted">{num(pick(overall, 'replied'), lang)} / {num(count, lang)}</span></p></Card>
      </div>
      <div className="grid cards-2">
        <Card title={t('reviews.trend')}>
          {trend.length ? <Chart option={trendOption} label={`${t('reviews.trend')}: ${trend.map((m) => `${m.month} ${num(m.mean, lang, 2)} (${m.count})`).join(', ')}`} height={260} /> : <Empty>{DASH}</Empty>}
        </Card>
        <Card title={t('reviews.distribution')}>
          <Chart option={distOption} label={`${t('reviews.distribution')}: ${STARS.map((s) => `${s}★ ${dist?.[s] ?? DASH}`).join(', ')}`} height={220} />
          <p className="muted">{t('reviews.sentiment')}: {[...SENTI, 'unscored'].map((k) => `${t(`reviews.${k}`)} ${num(senti?.[k], lang)}`).join(' · ')}</p>
        </Card>
      </div>
      <Card title={t('reviews.sources')}>
        <DataTable id="reviews-sources" label={t('reviews.sources')} rows={sources} filename="reviews-sources" columns={[
          { key: 'source', label: t('reviews.source'), value: (s) => pick(s, 'source|name') },
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
            {pick(jsonld, 'policy') && <p className="state state-empty">{jsonld.policy}</p>}
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

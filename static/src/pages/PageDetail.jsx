// One page of the site, everything together: traffic (#45 with ?path=), Core Web Vitals
// on mobile and desktop (#4 with ?path=), its metadata with the search-result preview
// (the stored audit), its recommendations and the entities it mentions. Reached from
// every URL in the dashboard: /seite?url=<absolute URL or path>.
import { useMemo } from 'react';
import { useI18n } from '../lib/i18n.js';
import '../styles-pages.css';
import { api } from '../lib/api.js';
import { useApi } from '../lib/useApi.js';
import { useRange } from '../lib/range.js';
import { useQuery, hrefWithQuery } from '../lib/router.js';
import { num, pct, duration, asArray, DASH } from '../lib/format.js';
import { pathOf } from '../lib/pages.js';
import { Card } from '../components/Card.jsx';
import { Async, Empty } from '../components/States.jsx';
import { Chart } from '../components/Chart.jsx';
import { Evidence } from '../components/Evidence.jsx';
import { SerpPreview, TitleWidth, issueText, SEVERITY_BADGE } from '../components/Serp.jsx';
import { DeviceVitals } from '../components/DeviceVitals.jsx';

const samePage = (a, b) => pathOf(a) === pathOf(b);

export function PageDetail() {
  const { t } = useI18n();
  const [q] = useQuery();
  const url = q.get('url') || '';
  const path = pathOf(url);
  if (!path) {
    return (<><h1>{t('page.title')}</h1><Empty>{t('page.nourl')} <a href={hrefWithQuery('/ux-signals')}>{t('nav.ux')}</a></Empty></>);
  }
  return (
    <>
      <h1>{t('page.title')}: <code data-testid="page-path">{path}</code></h1>
      {/^https?:/.test(url) && <p className="muted"><a href={url} rel="noreferrer noopener" target="_blank">{url}</a></p>}
      <div className="grid cards-2">
        <Traffic path={path} />
        <Vitals path={path} />
      </div>
      <Meta url={url} />
      <Recs url={url} />
      <Entities url={url} />
    </>
  );
}

const METRICS = [
  ['visitors', (v, l) => num(v, l)], ['pageviews', (v, l) => num(v, l)], ['bounce_rate', (v, l) => pct(v, l)],
  ['visit_duration', (v, l) => duration(v * 1000, l)], ['conversions', (v, l) => num(v, l)],
];

function Traffic({ path }) {
  const { t, lang } = useI18n();
  const [range] = useRange();
  const res = useApi((signal) => api.get('/api/level5/analytics/timeseries', { from: range.from, to: range.to, tz: range.tz, path }, { signal }), [range.from, range.to, path]);
  return (
    <Card title={t('page.traffic')} testid="page-traffic">
      <Async res={res} compact>{(d) => {
        const buckets = asArray(d?.buckets);
        if (!d?.totals?.pageviews) return <Empty>{t('page.traffic.none')}</Empty>;
        const option = {
          grid: { left: 8, right: 8, top: 8, bottom: 8, containLabel: true },
          tooltip: { trigger: 'axis', valueFormatter: (v) => num(v, lang) },
          xAxis: { type: 'category', data: buckets.map((b) => b.bucket), axisLabel: { formatter: (v) => v.slice(8, 10) + '.' + v.slice(5, 7) + '.' } },
          yAxis: { type: 'value', axisLabel: { formatter: (v) => num(v, lang) } },
          series: [{ type: 'line', name: t('page.visitors'), data: buckets.map((b) => b.visitors), showSymbol: false, areaStyle: { opacity: 0.1 } }],
        };
        return (
          <>
            <dl className="facts">
              {METRICS.map(([k, f]) => (
                <div key={k}><dt>{t(`page.m.${k}`)}</dt>
                  <dd data-testid={`page-${k}`} data-value={d.totals[k] ?? ''}>{f(d.totals[k], lang)}
                    {typeof d.change?.[k] === 'number' && <span className={`delta ${d.change[k] >= 0 ? 'up' : 'down'}`}> {d.change[k] >= 0 ? '▲' : '▼'} {num(Math.abs(d.change[k]), lang, 1)} %</span>}
                  </dd></div>
              ))}
            </dl>
            <Chart option={option} label={`${t('page.visitors')}: ${buckets.map((b) => `${b.bucket} ${b.visitors}`).join(', ')}`} height={160} />
          </>
        );
      }}</Async>
    </Card>
  );
}

function Vitals({ path }) {
  const { t } = useI18n();
  return (
    <Card title={t('page.vitals')} testid="page-vitals">
      <DeviceVitals path={path} />
    </Card>
  );
}

function Meta({ url }) {
  const { t, lang } = useI18n();
  const res = useApi((signal) => api.get('/api/level2/data/optimize', undefined, { signal }), []);
  return (
    <Card title={t('page.meta')} testid="page-meta">
      <Async res={res} compact>{(d) => {
        const p = asArray(d?.pages).find((x) => samePage(x.url, url));
        if (!p) return <Empty>{t('page.meta.none')}</Empty>;
        const limit = d.thresholds?.title_max_px ?? 580;
        return (
          <>
            <SerpPreview page={p} limit={limit} />
            <dl className="facts">
              <div><dt>{t('meta.pagetitle')}</dt><dd>{p.title || DASH}</dd></div>
              <div><dt>{t('meta.width')}</dt><dd><TitleWidth px={p.measures?.title_px} limit={limit} /></dd></div>
              <div><dt>{t('meta.desc')}</dt><dd>{p.meta_description ? num(p.measures?.description_chars, lang) : t('meta.desc.none')}</dd></div>
              <div><dt>{t('meta.score')}</dt><dd>{num(p.score, lang)}</dd></div>
            </dl>
            {asArray(p.issues).length ? (
              <ul className="issues">{p.issues.map((x, i) => (
                <li key={i}><span className={`badge badge-${SEVERITY_BADGE[x.severity] || 'none'}`}>{t(`meta.sev1.${x.severity}`)}</span> {issueText(x, lang)}</li>
              ))}</ul>
            ) : <p className="muted">{t('meta.noissues')}</p>}
          </>
        );
      }}</Async>
    </Card>
  );
}

function Recs({ url }) {
  const { t, lang } = useI18n();
  const res = useApi((signal) => api.get('/api/level2/optimization/status', { status: 'open', limit: 500 }, { signal }), []);
  return (
    <Card title={t('page.recs')} testid="page-recs">
      <Async res={res} compact>{(d) => {
        const mine = asArray(d?.items).filter((r) => samePage(r.target, url));
        if (!mine.length) return <Empty>{t('page.recs.none')}</Empty>;
        return (
          <ul className="todo">
            {mine.map((r) => (
              <li key={r.id} className="todo-item" data-testid="page-rec" data-rule={r.rule}>
                <div className="todo-head"><strong>{(lang === 'de' && r.title_de) || r.title}</strong>
                  <span className="muted small">{t('recs.priority')} {num(r.priority, lang, 1)}</span></div>
                <Evidence r={r} />
              </li>
            ))}
          </ul>
        );
      }}</Async>
    </Card>
  );
}

function Entities({ url }) {
  const { t } = useI18n();
  const res = useApi((signal) => api.get('/api/level2/entity-seo/report', undefined, { signal }), []);
  return (
    <Card title={t('page.entities')} testid="page-entities">
      <Async res={res} compact>{(d) => <EntityList top={asArray(d?.top_entities)} url={url} />}</Async>
    </Card>
  );
}

function EntityList({ top, url }) {
  const { t } = useI18n();
  const mine = useMemo(() => top.filter((e) => asArray(e.urls).some((u) => samePage(u, url))), [top, url]);
  if (!mine.length) return <Empty>{t('page.entities.none')}</Empty>;
  return (
    <ul className="tags" data-testid="page-entity-list">
      {mine.map((e) => <li key={e.id ?? e.name} className="tag">{e.name} <span className="muted small">{t(`entities.type.${e.type}`)}</span></li>)}
    </ul>
  );
}

// UX signals: first the slow pages at one glance (grouped by URL template as Search Console
// groups similar URLs, worst first by how far the worst core vital misses its good
// threshold, mobile and desktop side by side); then p75 of LCP, INP, CLS, FCP, TTFB overall
// and per page with the good / needs improvement / poor shares, device filter (kept in the
// URL), engagement (engaged time, scroll depth). All figures from the metrics API, which
// answers the pages most viewed first, PAGE_SIZE at a time: further pages load on request,
// and the CSV fetches them all.
import { useEffect, useMemo, useState } from 'react';
import { useI18n } from '../lib/i18n.js';
import '../styles-pages.css';
import { api } from '../lib/api.js';
import { useApi } from '../lib/useApi.js';
import { useRange } from '../lib/range.js';
import { useQuery } from '../lib/router.js';
import { num, pct, vital, duration, DASH } from '../lib/format.js';
import { Card } from '../components/Card.jsx';
import { Async, Empty } from '../components/States.jsx';
import { DataTable } from '../components/DataTable.jsx';
import { Chart } from '../components/Chart.jsx';
import { DeviceFilter, useDevice } from '../components/DeviceFilter.jsx';
import { VITALS, RatingBadge, CwvBadge, VitalValue, ShareBar } from '../components/Vitals.jsx';
import { PageLink } from '../components/PageLink.jsx';
import { useDeviceMetrics, worstCore, MissBadge, DEVICES2 } from '../components/DeviceVitals.jsx';
import { templateOf, groupBy } from '../lib/pages.js';

const RATING_COLOR = { good: '#0a7d3e', 'needs-improvement': '#b45309', poor: '#c62828' };
const METRICS = '/api/level2/ux-signals/metrics';
const PAGE_SIZE = 100;         // pages per request shown
const CSV_PAGE_SIZE = 1000;    // pages per request for the CSV (the API's maximum)

/** Every page of the report `q`, following the cursors. */
export async function allPages(q) {
  const pages = [];
  let cursor;
  do {
    const r = await api.get(METRICS, { ...q, limit: CSV_PAGE_SIZE, cursor });
    pages.push(...(Array.isArray(r.pages) ? r.pages : []));
    cursor = r.next_cursor;
  } while (cursor);
  return pages;
}

/** Worst first by the vital's p75; pages without enough samples for it go last. */
export function sortWorst(pages, key) {
  return [...pages].sort((a, b) => {
    const x = a.vitals?.[key]?.p75; const y = b.vitals?.[key]?.p75;
    const hx = typeof x === 'number'; const hy = typeof y === 'number';
    if (hx !== hy) return hx ? -1 : 1;
    if (hx && y !== x) return y - x;
    return (b.pageviews ?? 0) - (a.pageviews ?? 0);
  });
}

export function UxSignals() {
  const { t } = useI18n();
  const [range] = useRange();
  const [q, setQ] = useQuery();
  const [device, setDevice] = useDevice();
  const sortKey = VITALS.includes(q.get('sort')) ? q.get('sort') : 'LCP';
  const query = useMemo(() => ({ from: range.from, to: range.to, tz: range.tz, device }), [range.from, range.to, range.tz, device]);
  const res = useApi((signal) => api.get(METRICS, { ...query, limit: PAGE_SIZE }, { signal }), [query]);
  return (
    <>
      <h1>{t('ux.title')}</h1>
      <div className="filters">
        <DeviceFilter device={device} onChange={setDevice} />
        <label>
          <span className="label">{t('ux.sort')}</span>
          <select value={sortKey} onChange={(e) => setQ({ sort: e.target.value === 'LCP' ? null : e.target.value }, { replace: true })} data-testid="sort">
            {VITALS.map((k) => <option key={k} value={k}>{k} – {t('ux.sort.worst')}</option>)}
          </select>
        </label>
      </div>
      <SlowPages />
      <Async res={res}>{(d) => <UxBody data={d} query={query} sortKey={sortKey} device={device} />}</Async>
    </>
  );
}

/** Pages of both devices missing a good threshold, by template, worst first:
 *  [{key, miss, pages: [{path, mobile, desktop, miss}]}]. */
export function slowGroups(byDevice) {
  const pages = new Map();
  for (const dv of DEVICES2) {
    const rep = byDevice[dv];
    for (const p of Array.isArray(rep?.pages) ? rep.pages : []) {
      const row = pages.get(p.path) || { path: p.path, pageviews: 0 };
      row[dv] = { page: p, worst: worstCore(p, rep.thresholds) };
      row.pageviews += p.pageviews ?? 0;
      pages.set(p.path, row);
    }
  }
  const rows = [...pages.values()].map((r) => ({ ...r, miss: Math.max(r.mobile?.worst?.miss ?? 0, r.desktop?.worst?.miss ?? 0) }))
    .filter((r) => r.miss > 1).sort((a, b) => b.miss - a.miss);
  return groupBy(rows, (r) => templateOf(r.path)).map((g) => ({ key: g.key, pages: g.items, miss: g.items[0].miss }))
    .sort((a, b) => b.miss - a.miss);
}

function Worst({ w, page }) {
  const { lang } = useI18n();
  if (!w) return <span className="muted">{DASH}</span>;
  return (
    <span className="worst">
      <span className="vital-name">{w.name}</span> <span data-vital={w.name}>{vital(page.vitals[w.name].p75, page.vitals[w.name].unit, lang)}</span> <MissBadge m={w.miss} />
    </span>
  );
}

function SlowPages() {
  const { t, lang } = useI18n();
  const res = useDeviceMetrics();
  return (
    <Card title={t('ux.slow')} testid="ux-slow">
      <p className="muted small">{t('ux.slow.hint')}</p>
      <Async res={res} compact>{(d) => {
        const groups = slowGroups(d);
        if (!groups.length) return <Empty>{t('ux.slow.none')}</Empty>;
        return (
          <div className="table-scroll" tabIndex={0} role="region" aria-label={t('ux.slow')}>
            <table className="slow-table" data-testid="ux-slow-table">
              <thead><tr>
                <th scope="col">{t('ux.slow.group')}</th>
                {DEVICES2.map((dv) => <th key={dv} scope="col">{t(`ux.device.${dv}`)}</th>)}
              </tr></thead>
              {groups.map((g) => (
                <tbody key={g.key} data-testid="ux-slow-group" data-group={g.key} data-miss={g.miss}>
                  {g.pages.length > 1 && (
                    <tr className="group-row"><th scope="rowgroup" colSpan={3}>
                      <code>{g.key}</code> <span className="muted">· {t('ux.slow.pages', { n: num(g.pages.length, lang) })}</span> <MissBadge m={g.miss} />
                    </th></tr>
                  )}
                  {g.pages.map((r) => (
                    <tr key={r.path} data-path={r.path} data-miss={r.miss}>
                      <th scope="row"><PageLink url={r.path} /></th>
                      {DEVICES2.map((dv) => <td key={dv} data-label={t(`ux.device.${dv}`)}>{r[dv] ? <Worst w={r[dv].worst} page={r[dv].page} /> : <span className="muted">{DASH}</span>}</td>)}
                    </tr>
                  ))}
                </tbody>
              ))}
            </table>
          </div>
        );
      }}</Async>
    </Card>
  );
}

function UxBody({ data, query, sortKey, device }) {
  const { t, lang } = useI18n();
  const overall = data?.overall || {};
  const vitals = overall.vitals || {};
  const [more, setMore] = useState([]);      // further replies of the page list (cursor)
  useEffect(() => { setMore([]); }, [data]);
  const next = more.length ? more[more.length - 1].next_cursor : data?.next_cursor;
  const loadMore = async () => {
    const r = await api.get(METRICS, { ...query, limit: PAGE_SIZE, cursor: next });
    setMore((ms) => [...ms, r]);
  };
  const pages = useMemo(() => sortWorst([data, ...more].flatMap((r) => (Array.isArray(r?.pages) ? r.pages : [])), sortKey),
    [data, more, sortKey]);
  const total = data?.pages_total ?? pages.length;
  const hasVitals = Object.keys(vitals).length > 0;

  const columns = [
    { key: 'path', label: t('ux.page'), value: (p) => p.path, render: (p) => <PageLink url={p.path} /> },
    { key: 'pv', label: t('ux.pageviews'), num: true, value: (p) => p.pageviews, render: (p) => num(p.pageviews, lang) },
    { key: 'cwv', label: t('ux.verdict'), value: (p) => p.cwv, render: (p) => <CwvBadge cwv={p.cwv} /> },
    ...VITALS.map((k) => ({
      key: k, label: `${k} p75`, num: true,
      value: (p) => p.vitals?.[k]?.p75,
      render: (p) => (
        <span className="vital-cell">
          <VitalValue v={p.vitals?.[k]} name={k} />
          <ShareBar v={p.vitals?.[k]} label={`${p.path} ${k}`} />
        </span>
      ),
    })),
    { key: 'eng', label: t('ux.engaged.median'), num: true, value: (p) => p.engagement?.engaged_ms_median, render: (p) => duration(p.engagement?.engaged_ms_median, lang) },
  ];

  const chartPages = pages.filter((p) => typeof p.vitals?.[sortKey]?.p75 === 'number').slice(0, 12);
  const unit = data?.thresholds?.[sortKey]?.unit;
  const chartOption = useMemo(() => ({
    grid: { left: 16, right: 64, top: 16, bottom: 24, containLabel: true },
    tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' }, valueFormatter: (v) => vital(v, unit, lang) },
    xAxis: { type: 'value', name: unit || '', axisLabel: { color: '#3e4c59', formatter: (v) => num(v, lang) } },
    yAxis: { type: 'category', inverse: true, data: chartPages.map((p) => p.path), axisLabel: { color: '#1f2933', width: 260, overflow: 'truncate' } },
    series: [{
      type: 'bar', name: `${sortKey} p75`,
      data: chartPages.map((p) => ({ value: p.vitals[sortKey].p75, itemStyle: { color: RATING_COLOR[p.vitals[sortKey].rating] || '#52606d' } })),
      label: { show: true, position: 'right', color: '#1f2933', formatter: (x) => vital(x.value, unit, lang) },
      markLine: data?.thresholds?.[sortKey] ? {
        symbol: 'none', silent: true, label: { position: 'insideEndTop', formatter: (x) => (x.value === data.thresholds[sortKey].good ? t('ux.legend.good') : t('ux.legend.poor')), color: '#1f2933' },
        data: [{ xAxis: data.thresholds[sortKey].good, lineStyle: { color: '#0a7d3e', type: 'dashed' } },
          { xAxis: data.thresholds[sortKey].poor, lineStyle: { color: '#c62828', type: 'dashed' } }],
      } : undefined,
    }],
  }), [chartPages, sortKey, unit, lang, data, t]);

  const eng = overall.engagement || {};
  const scroll = eng.scroll_depth || {};
  const scrollOption = useMemo(() => ({
    grid: { left: 8, right: 16, top: 16, bottom: 8, containLabel: true },
    tooltip: { trigger: 'axis', valueFormatter: (v) => pct(v, lang) },
    xAxis: { type: 'category', data: Object.keys(scroll).map((k) => `${k} %`) },
    yAxis: { type: 'value', axisLabel: { formatter: (v) => pct(v, lang, 0) } },
    series: [{ type: 'bar', data: Object.values(scroll), itemStyle: { color: '#0072B2' }, label: { show: true, position: 'top', formatter: (x) => pct(x.value, lang), color: '#1f2933' } }],
  }), [scroll, lang]);

  if (!data?.n && !pages.length) {
    return <Empty>{device === 'all' ? t('ux.empty') : t('ux.empty.range')}</Empty>;
  }
  return (
    <>
      <Card title={t('ux.overall')} testid="ux-overall">
        {hasVitals ? (
          <>
            <p className="verdict">
              <CwvBadge cwv={overall.cwv} testid="ux-cwv" />
              <span className="muted">{t('ux.samples', { n: num(data.n, lang) })} · {t('ux.minsamples', { n: data.min_samples ?? DASH })}</span>
            </p>
            <ul className="vital-tiles wide">
              {VITALS.map((k) => (
                <li key={k} className="vital-tile">
                  <span className="vital-name">{k}</span>
                  <VitalValue v={vitals[k]} name={k} testid={`ux-overall-${k}`} />
                  <RatingBadge rating={vitals[k]?.rating} status={vitals[k]?.status} />
                  <ShareBar v={vitals[k]} label={k} />
                  <span className="muted small">{t('ux.samples', { n: num(vitals[k]?.samples, lang) })}</span>
                </li>
              ))}
            </ul>
            <p className="legend" aria-hidden="true">
              <span className="sw seg-good" /> {t('ux.legend.good')} <span className="sw seg-ni" /> {t('ux.legend.ni')} <span className="sw seg-poor" /> {t('ux.legend.poor')}
            </p>
          </>
        ) : <Empty>{device === 'all' ? t('ux.empty') : t('ux.empty.range')}</Empty>}
      </Card>
      {chartPages.length > 0 && (
        <Card title={`${sortKey} p75 – ${t('ux.sort.worst')}`} testid="ux-chart">
          <Chart option={chartOption} label={`${sortKey} p75 ${t('ux.pages')}`} height={Math.max(180, chartPages.length * 30 + 40)} />
        </Card>
      )}
      <Card title={t('ux.pages')} testid="ux-pages">
        <DataTable id="ux-pages-table" label={t('ux.pages')} columns={columns} rows={pages} filename={`ux-signals_${data?.range?.from}_${data?.range?.to}_${device}`}
          rowAttrs={(p) => ({ 'data-path': p.path })} empty={t('ux.empty.range')}
          csvRows={next ? () => allPages(query).then((all) => sortWorst(all, sortKey)) : undefined} />
        {next && (
          <p className="table-more">
            <span className="muted" data-testid="ux-pages-loaded">{t('ux.pages.loaded', { shown: num(pages.length, lang), total: num(total, lang) })}</span>{' '}
            <button type="button" className="btn-secondary small" onClick={loadMore} data-testid="ux-pages-more">{t('ux.pages.more')}</button>
          </p>
        )}
      </Card>
      <div className="grid cards-2">
        <Card title={t('ux.engagement')} testid="ux-engagement">
          <dl className="facts">
            <dt>{t('ux.engaged.median')}</dt><dd data-value={eng.engaged_ms_median ?? ''}>{eng.samples ? duration(eng.engaged_ms_median, lang) : DASH}</dd>
            <dt>{t('ux.engaged.p75')}</dt><dd data-value={eng.engaged_ms_p75 ?? ''}>{eng.samples ? duration(eng.engaged_ms_p75, lang) : DASH}</dd>
            <dt>{t('ux.samples.label')}</dt><dd>{num(eng.samples, lang)}</dd>
          </dl>
        </Card>
        <Card title={t('ux.scroll')} testid="ux-scroll">
          {eng.samples ? <Chart option={scrollOption} label={`${t('ux.scroll')}: ${Object.entries(scroll).map(([k, v]) => `${k} %: ${pct(v, lang)}`).join(', ')}`} height={200} /> : <Empty>{DASH}</Empty>}
        </Card>
      </div>
    </>
  );
}

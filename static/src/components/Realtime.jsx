// The realtime counter (#44): visitors of the last 5 minutes, pageviews per minute over
// the last 30 minutes as a small line, the top pages and sources right now. Refreshes
// every 30 s while the tab is visible; the API never caches this report.
import { useEffect, useMemo } from 'react';
import { useI18n } from '../lib/i18n.js';
import { api } from '../lib/api.js';
import { useApi } from '../lib/useApi.js';
import { num, asArray } from '../lib/format.js';
import { Chart } from './Chart.jsx';
import { Async } from './States.jsx';

export const REALTIME_REFRESH_MS = 30_000;

export function Realtime() {
  const res = useApi((signal) => api.get('/api/level5/analytics/realtime', undefined, { signal }), []);
  const { reload } = res;
  useEffect(() => {
    const id = setInterval(() => { if (!document.hidden) reload(); }, REALTIME_REFRESH_MS);
    return () => clearInterval(id);
  }, [reload]);
  return <Async res={res} compact>{(d) => <RealtimeBody data={d} />}</Async>;
}

const hhmm = (iso) => new Intl.DateTimeFormat('de-DE', { hour: '2-digit', minute: '2-digit', timeZone: 'Europe/Berlin' }).format(new Date(iso));

function RealtimeBody({ data }) {
  const { t, lang } = useI18n();
  const minutes = asArray(data?.per_minute);
  const option = useMemo(() => ({
    grid: { left: 4, right: 4, top: 6, bottom: 4 },
    tooltip: { trigger: 'axis' },
    xAxis: { type: 'category', show: false, boundaryGap: false, data: minutes.map((m) => hhmm(m.minute)) },
    yAxis: { type: 'value', show: false, min: 0, minInterval: 1 },
    series: [{ type: 'line', name: t('realtime.pageviews'), data: minutes.map((m) => m.pageviews), showSymbol: false, areaStyle: { opacity: 0.15 } }],
  }), [minutes, t]);
  const label = `${t('realtime.perminute')}: ${minutes.map((m) => `${hhmm(m.minute)} ${num(m.pageviews, lang)}`).join(', ')}`;
  const top = (items, key, testid) => (
    <ol className="rt-top" data-testid={testid}>
      {asArray(items).slice(0, 5).map((x) => (
        <li key={x[key]}><code>{x[key]}</code> <span className="muted" data-value={x.visitors}>{num(x.visitors, lang)}</span></li>
      ))}
    </ol>
  );
  return (
    <div className="realtime">
      <div className="kpi">
        <span className="kpi-value" aria-live="polite" data-value={data.visitors} data-testid="realtime-visitors">
          <span className="live-dot" aria-hidden="true" /> {num(data.visitors, lang)}
        </span>
        <span className="muted">{t('realtime.visitors')}</span>
        <span className="muted" data-value={data.pageviews_30_minutes} data-testid="realtime-pageviews">
          {t('realtime.pageviews30', { n: num(data.pageviews_30_minutes, lang) })}
        </span>
      </div>
      {minutes.length > 0 && <Chart option={option} label={label} height={60} testid="realtime-chart" />}
      <div className="rt-lists">
        <div><h3 className="subhead">{t('realtime.pages')}</h3>
          {asArray(data.top_pages).length ? top(data.top_pages, 'path', 'realtime-pages') : <p className="muted">{t('realtime.none')}</p>}</div>
        <div><h3 className="subhead">{t('realtime.sources')}</h3>
          {asArray(data.top_sources).length ? top(data.top_sources, 'source', 'realtime-sources') : <p className="muted">{t('realtime.none')}</p>}</div>
      </div>
    </div>
  );
}

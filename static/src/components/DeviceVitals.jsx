// Core Web Vitals on mobile and desktop side by side, and how far a page misses:
// miss(v, t) = p75 / good threshold (1 = on the line, 2 = twice as slow as good).
import { useI18n } from '../lib/i18n.js';
import { api } from '../lib/api.js';
import { useApi } from '../lib/useApi.js';
import { useRange } from '../lib/range.js';
import { num } from '../lib/format.js';
import { Async } from './States.jsx';
import { VITALS, CORE, RatingBadge, VitalValue } from './Vitals.jsx';

export const DEVICES2 = ['mobile', 'desktop'];

/** How many times the good threshold the p75 is; null without a rated p75. */
export function miss(v, thresholds, name) {
  const good = thresholds?.[name]?.good;
  return typeof v?.p75 === 'number' && v.rating && good ? v.p75 / good : null;
}

/** The worst core vital of a page: {name, miss} or null. */
export function worstCore(page, thresholds) {
  let w = null;
  for (const k of CORE) {
    const m = miss(page?.vitals?.[k], thresholds, k);
    if (m !== null && (!w || m > w.miss)) w = { name: k, miss: m };
  }
  return w;
}

/** The metrics report for both devices: {mobile, desktop} or loading/error of useApi. */
export function useDeviceMetrics(extra = {}) {
  const [range] = useRange();
  const key = JSON.stringify(extra);
  return useApi((signal) => Promise.all(DEVICES2.map((device) => api.get('/api/level2/ux-signals/metrics',
    { from: range.from, to: range.to, tz: range.tz, device, ...extra }, { signal })))
    .then(([mobile, desktop]) => ({ mobile, desktop })), [range.from, range.to, key]);
}

export function MissBadge({ m }) {
  const { t, lang } = useI18n();
  if (m === null || m === undefined) return <span className="muted">—</span>;
  const cls = m <= 1 ? 'good' : m < 1.6 ? 'needs-improvement' : 'poor';
  return <span className={`badge badge-${cls}`} title={t('ux.miss.title')}>{m <= 1 ? t('ux.miss.ok') : t('ux.miss.x', { x: num(m, lang, m < 1.1 ? 2 : 1) })}</span>;
}

/** One page's vitals on mobile and desktop. */
export function DeviceVitals({ path }) {
  const { t } = useI18n();
  const res = useDeviceMetrics({ path });
  return (
    <Async res={res} compact>{(d) => (
      <table className="device-vitals" data-testid="device-vitals">
        <thead><tr><th scope="col">{t('ux.vital')}</th>{DEVICES2.map((dv) => <th key={dv} scope="col">{t(`ux.device.${dv}`)}</th>)}</tr></thead>
        <tbody>
          {VITALS.map((k) => (
            <tr key={k}>
              <th scope="row">{k}</th>
              {DEVICES2.map((dv) => {
                const p = d[dv]?.pages?.find((x) => x.path === path);
                const v = p?.vitals?.[k];
                return <td key={dv}><VitalValue v={v} name={k} testid={`pv-${dv}-${k}`} /> <RatingBadge rating={v?.rating} status={v?.status} /></td>;
              })}
            </tr>
          ))}
        </tbody>
      </table>
    )}</Async>
  );
}

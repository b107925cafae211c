// Web-vital figures: a rating badge and a stacked good / needs improvement / poor bar,
// both straight from the API's fields (p75, rating, status, shares).
import { useI18n } from '../lib/i18n.js';
import { vital, pct } from '../lib/format.js';

export const VITALS = ['LCP', 'INP', 'CLS', 'FCP', 'TTFB'];
export const CORE = ['LCP', 'INP', 'CLS'];

export function RatingBadge({ rating, status }) {
  const { t } = useI18n();
  const key = rating || 'none';
  const text = rating ? t(`rating.${rating}`) : (status && status !== 'ok' ? t('rating.none') : '—');
  return <span className={`badge badge-${key}`}>{text}</span>;
}

export function CwvBadge({ cwv, testid }) {
  const { t } = useI18n();
  const cls = cwv === 'pass' ? 'good' : cwv === 'fail' ? 'poor' : 'none';
  return <span className={`badge badge-${cls}`} data-testid={testid} data-value={cwv ?? ''}>{cwv ? t(`cwv.${cwv}`) : '—'}</span>;
}

export function VitalValue({ v, name, testid }) {
  const { lang } = useI18n();
  return <span className="vital-value" data-testid={testid} data-vital={name} data-value={v?.p75 ?? ''}>{vital(v?.p75, v?.unit, lang)}</span>;
}

export function ShareBar({ v, label }) {
  const { t, lang } = useI18n();
  if (!v || typeof v.good !== 'number') return <span className="muted">—</span>;
  const parts = [['good', v.good, t('ux.legend.good')], ['ni', v.needs_improvement, t('ux.legend.ni')], ['poor', v.poor, t('ux.legend.poor')]];
  const title = parts.map(([, f, l]) => `${l} ${pct(f, lang)}`).join(', ');
  return (
    <span className="sharebar" role="img" aria-label={`${label ? label + ': ' : ''}${title}`} title={title}>
      {parts.map(([k, f]) => (f > 0 ? <span key={k} className={`seg seg-${k}`} style={{ width: `${(f * 100).toFixed(2)}%` }} /> : null))}
    </span>
  );
}

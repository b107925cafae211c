// The evidence of a recommendation in words and units: a table of the keys the rules
// write (label key, how to format), never a raw key. Vital figures take their unit from
// the rule (LCP in s, CLS without unit).
import { useI18n } from '../lib/i18n.js';
import { num, pct, vital, duration, date, DASH } from '../lib/format.js';
import { pathOf } from '../lib/pages.js';

const VITAL_UNIT = { 'cwv-lcp': 'ms', 'cwv-inp': 'ms', 'ttfb-slow': 'ms', 'cwv-cls': '' };

/** key -> (value, rule, lang, t) => text */
const FORMAT = {
  p75: (v, r, l) => vital(v, VITAL_UNIT[r.rule], l),
  good: (v, r, l) => vital(v, VITAL_UNIT[r.rule], l),
  poor: (v, r, l) => vital(v, VITAL_UNIT[r.rule], l),
  samples: (v, r, l) => num(v, l),
  pageviews_28d: (v, r, l) => num(v, l),
  title: (v) => (v ? `„${v}“` : DASH),
  length: (v, r, l, t) => t('unit.chars', { n: num(v, l) }),
  green: (v, r, l, t) => (r.rule === 'content-thin' ? t('unit.words.min', { n: num(v, l) }) : t('unit.chars', { n: String(v).replace('-', '–') })),
  h1s: (v, r, l) => num(v, l),
  texts: (v) => (Array.isArray(v) ? v.map((x) => `„${x}“`).join(', ') : DASH),
  shared_with: (v) => (Array.isArray(v) ? v.map(pathOf).join(', ') : DASH),
  canonical: (v) => pathOf(v) || DASH,
  url: (v) => pathOf(v) || DASH,
  words: (v, r, l, t) => t('unit.words', { n: num(v, l) }),
  median_engaged_ms: (v, r, l) => duration(v, l),
  exit_rate: (v, r, l) => pct(v, l),
  exits: (v, r, l) => num(v, l),
  unanswered: (v, r, l) => num(v, l),
  reviews: (v, r, l) => num(v, l),
  reply_rate: (v, r, l) => pct(v, l),
  latest: (v, r, l) => date(v, l),
  bayesian_average: (v, r, l) => `${num(v, l, 2)} ★`,
  mean: (v, r, l) => `${num(v, l, 2)} ★`,
  p95_ms: (v, r, l) => vital(v, 'ms', l),
  requests: (v, r, l) => num(v, l),
  error_rate: (v, r, l) => pct(v, l, 2),
  errors: (v, r, l) => num(v, l),
};

/** Page views the finding concerns in 28 days, or null. */
export function affected(r) {
  const v = r?.evidence?.pageviews_28d;
  return typeof v === 'number' ? v : null;
}

export function Evidence({ r }) {
  const { t, lang } = useI18n();
  const ev = r?.evidence;
  if (!ev || typeof ev !== 'object') return null;
  const keys = Object.keys(ev).filter((k) => FORMAT[k] && k !== 'pageviews_28d');
  if (!keys.length) return null;
  return (
    <dl className="evidence" data-testid="recs-evidence">
      {keys.map((k) => (
        <div key={k}><dt>{t(`ev.${k}`)}</dt><dd>{FORMAT[k](ev[k], r, lang, t)}</dd></div>
      ))}
    </dl>
  );
}

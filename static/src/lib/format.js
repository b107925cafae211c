// Formatting of API figures for display. Nothing is computed here beyond unit conversion;
// a missing value is shown as "—". The browser tests use the same rules (tests/browser/format.js).
export const DASH = '—';
export const LOCALE = { de: 'de-DE', en: 'en-GB' };

const isNum = (v) => typeof v === 'number' && Number.isFinite(v);

// Intl formatters are costly to make and cheap to use: one per language and options.
const made = new Map();
function formatter(Kind, lang, opts) {
  const key = `${Kind.name}|${lang}|${JSON.stringify(opts)}`;
  let f = made.get(key);
  if (!f) { f = new Kind(LOCALE[lang] || LOCALE.de, opts); made.set(key, f); }
  return f;
}

export function num(v, lang = 'de', digits = 0) {
  if (!isNum(v)) return DASH;
  return formatter(Intl.NumberFormat, lang, { minimumFractionDigits: digits, maximumFractionDigits: digits }).format(v);
}

/** A byte count in B, kB or MB (decimal units, 1 kB = 1000 B, as browsers' network panels
 *  and Lighthouse count): "950 B", "151,4 kB", "5,3 MB". */
export function bytes(v, lang = 'de') {
  if (!isNum(v)) return DASH;
  const a = Math.abs(v);
  if (a < 1000) return `${num(v, lang)} B`;
  if (a < 1e6) return `${num(v / 1000, lang, 1)} kB`;
  return `${num(v / 1e6, lang, 1)} MB`;
}

/** A fraction 0..1 as a percentage. */
export function pct(v, lang = 'de', digits = 1) {
  if (!isNum(v)) return DASH;
  return formatter(Intl.NumberFormat, lang, { style: 'percent', minimumFractionDigits: digits, maximumFractionDigits: digits }).format(v);
}

/** A web vital value in its unit: ms below 1 s, seconds with two decimals above; CLS unitless. */
export function vital(v, unit, lang = 'de') {
  if (!isNum(v)) return DASH;
  if (unit === 'ms') {
    if (v >= 1000) return `${num(v / 1000, lang, 2)} s`;
    return `${num(v, lang, 0)} ms`;
  }
  return num(v, lang, 3);
}

/** Milliseconds as a duration: "1 min 05 s" or "42 s". */
export function duration(ms, lang = 'de') {
  if (!isNum(ms)) return DASH;
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s} s`;
  return `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, '0')} s`;
}

export function date(iso, lang = 'de') {
  if (!iso) return DASH;
  const d = new Date(iso.length === 10 ? `${iso}T12:00:00Z` : iso);
  if (Number.isNaN(d.getTime())) return String(iso);
  return formatter(Intl.DateTimeFormat, lang, { dateStyle: 'medium', timeZone: 'Europe/Berlin' }).format(d);
}

const dtf = (lang, opts) => formatter(Intl.DateTimeFormat, lang, { timeZone: 'UTC', ...opts });
const utcNoon = (iso) => new Date(`${iso.slice(0, 10)}T12:00:00Z`);

/** A calendar date (YYYY-MM-DD) as the date fields show it: 29.11.2026 / 29/11/2026. */
export function dateField(iso, lang = 'de') {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(iso || '')) return '';
  return dtf(lang, { day: '2-digit', month: '2-digit', year: 'numeric' }).format(utcNoon(iso));
}

/** The inverse of dateField: day, month, year in the language's order -> YYYY-MM-DD or null. */
export function parseDateField(text, lang = 'de') {
  const m = String(text || '').trim().match(/^(\d{1,2})[./-](\d{1,2})[./-](\d{4})$/);
  if (!m) return null;
  const [d, mo, y] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const t = new Date(Date.UTC(y, mo - 1, d, 12));
  if (t.getUTCFullYear() !== y || t.getUTCMonth() !== mo - 1 || t.getUTCDate() !== d) return null;
  return t.toISOString().slice(0, 10);
}

/** A time-series bucket ("2026-11-29" or "2026-11-29T14:00:00+01:00") as an axis label. */
export function bucketLabel(bucket, interval, lang = 'de', long = false) {
  if (!bucket) return DASH;
  if (interval === 'hour') {
    const time = bucket.slice(11, 16);
    return long ? `${date(bucket.slice(0, 10), lang)}, ${time}` : time;
  }
  if (interval === 'month') return dtf(lang, { month: long ? 'long' : 'short', year: 'numeric' }).format(utcNoon(bucket));
  if (long) return dtf(lang, { weekday: 'short', day: 'numeric', month: 'short', year: 'numeric' }).format(utcNoon(bucket));
  return dtf(lang, { day: 'numeric', month: 'short' }).format(utcNoon(bucket));
}

/** A range of calendar days, e.g. "4. Nov. – 1. Dez. 2026"; one day alone for from = to. */
export function dateRange(from, to, lang = 'de') {
  if (!from || !to) return DASH;
  const f = dtf(lang, { day: 'numeric', month: 'short', year: 'numeric' });
  return from === to ? f.format(utcNoon(from)) : f.formatRange(utcNoon(from), utcNoon(to));
}

/** Seconds as a duration: "3 min 49 s" or "42 s". */
export const seconds = (s, lang = 'de') => duration(isNum(s) ? s * 1000 : s, lang);

/** An analytics metric of #45 in its unit: counts, rates (fractions) as percent, seconds. */
export function metric(name, v, lang = 'de') {
  if (name.endsWith('_rate')) return pct(v, lang, 1);
  if (name === 'visit_duration') return seconds(v, lang);
  return num(v, lang);
}

/** Any scalar for a table cell. */
export function cell(v, lang = 'de') {
  if (v === null || v === undefined || v === '') return DASH;
  if (isNum(v)) return num(v, lang, Number.isInteger(v) ? 0 : 2);
  if (typeof v === 'boolean') return v ? '✓' : '✗';
  if (Array.isArray(v)) return v.length ? v.map((x) => (typeof x === 'object' ? JSON.stringify(x) : String(x))).join(', ') : DASH;
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}

/** The first defined field of obj among names ("a|b|c" or array); tolerant reading of reports. */
export function pick(obj, names, fallback = undefined) {
  if (!obj || typeof obj !== 'object') return fallback;
  for (const n of Array.isArray(names) ? names : names.split('|')) {
    const v = n.split('.').reduce((o, k) => (o && typeof o === 'object' ? o[k] : undefined), obj);
    if (v !== undefined && v !== null) return v;
  }
  return fallback;
}

export const asArray = (v) => (Array.isArray(v) ? v : v && typeof v === 'object' ? Object.values(v) : []);

// Formatting of API figures for display. Nothing is computed here beyond unit conversion;
// a missing value is shown as "—". The browser tests use the same rules (tests/browser/format.js).
export const DASH = '—';
const LOCALE = { de: 'de-DE', en: 'en-GB' };

const isNum = (v) => typeof v === 'number' && Number.isFinite(v);

export function num(v, lang = 'de', digits = 0) {
  if (!isNum(v)) return DASH;
  return new Intl.NumberFormat(LOCALE[lang], { minimumFractionDigits: digits, maximumFractionDigits: digits }).format(v);
}

/** A fraction 0..1 as a percentage. */
export function pct(v, lang = 'de', digits = 1) {
  if (!isNum(v)) return DASH;
  return new Intl.NumberFormat(LOCALE[lang], { style: 'percent', minimumFractionDigits: digits, maximumFractionDigits: digits }).format(v);
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
  return new Intl.DateTimeFormat(LOCALE[lang], { dateStyle: 'medium', timeZone: 'Europe/Berlin' }).format(d);
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

// The date range shared by all pages, kept in the URL as ?from=YYYY-MM-DD&to=YYYY-MM-DD.
// Without one, the default is the API's: the last 28 days ending today in Europe/Berlin.
// The presets are a table: each names its key and how it derives from today's date.
import { useQuery } from './router.js';

export const TZ = 'Europe/Berlin';
const DATE_RE = /^\d{4}-\d{2}-\d{2}$/;

export function todayBerlin(now = new Date()) {
  // en-CA formats as YYYY-MM-DD
  return new Intl.DateTimeFormat('en-CA', { timeZone: TZ, year: 'numeric', month: '2-digit', day: '2-digit' }).format(now);
}

export function addDays(iso, n) {
  const d = new Date(`${iso}T12:00:00Z`);
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
}

/** The same calendar day n months later (clamped to the month's last day). */
export function addMonths(iso, n) {
  const [y, m, d] = iso.split('-').map(Number);
  const first = new Date(Date.UTC(y, m - 1 + n, 1, 12));
  const last = new Date(Date.UTC(first.getUTCFullYear(), first.getUTCMonth() + 1, 0, 12)).getUTCDate();
  first.setUTCDate(Math.min(d, last));
  return first.toISOString().slice(0, 10);
}

const monthStart = (iso) => `${iso.slice(0, 8)}01`;

/** Days from `from` to `to`, both included. */
export function rangeDays(from, to) {
  return Math.round((Date.parse(`${to}T12:00:00Z`) - Date.parse(`${from}T12:00:00Z`)) / 86_400_000) + 1;
}

// key -> (today) -> {from, to}; the order is the picker's.
export const PRESETS = [
  ['today', (d) => ({ from: d, to: d })],
  ['yesterday', (d) => ({ from: addDays(d, -1), to: addDays(d, -1) })],
  ['7d', (d) => ({ from: addDays(d, -6), to: d })],
  ['28d', (d) => ({ from: addDays(d, -27), to: d })],
  ['90d', (d) => ({ from: addDays(d, -89), to: d })],
  ['month', (d) => ({ from: monthStart(d), to: d })],
  ['lastmonth', (d) => ({ from: addMonths(monthStart(d), -1), to: addDays(monthStart(d), -1) })],
  ['12m', (d) => ({ from: addDays(addMonths(d, -12), 1), to: d })],
];

export function presetRange(key, today = todayBerlin()) {
  const p = PRESETS.find(([k]) => k === key);
  return p ? p[1](today) : null;
}

/** The preset key a range equals today, or null for a range of one's own. */
export function presetOf(range, today = todayBerlin()) {
  const p = PRESETS.find(([, f]) => { const r = f(today); return r.from === range.from && r.to === range.to; });
  return p ? p[0] : null;
}

/**
 * The range to compare with: 'previous' is the period of equal length just before, except
 * that a single day compares with the same weekday a week earlier; 'year' is the same dates
 * a year earlier. null for 'none'.
 */
export function compareRange(range, mode) {
  if (mode === 'year') return { from: addMonths(range.from, -12), to: addMonths(range.to, -12) };
  if (mode !== 'previous') return null;
  const days = rangeDays(range.from, range.to);
  const shift = days === 1 ? 7 : days;
  return { from: addDays(range.from, -shift), to: addDays(range.to, -shift) };
}

export function validRange(from, to) {
  return DATE_RE.test(from || '') && DATE_RE.test(to || '') && from <= to;
}

/** The range in the URL (?from=&to=) and its setter.
 *  @returns {[{from: string, to: string, tz: string}, (r: {from: string, to: string}) => void]} */
export function useRange() {
  const [q, setQ] = useQuery();
  const from = q.get('from');
  const to = q.get('to');
  const range = validRange(from, to) ? { from, to } : presetRange('28d');
  return [{ ...range, tz: TZ }, (r) => setQ({ from: r.from, to: r.to })];
}

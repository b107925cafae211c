// The date range shared by all pages, kept in the URL as ?from=YYYY-MM-DD&to=YYYY-MM-DD.
// Without one, the default is the API's: the last 28 days ending today in Europe/Berlin.
import { useQuery } from './router.js';

export const TZ = 'Europe/Berlin';
const DATE_RE = /^\d{4}-\d{2}-\d{2}$/;

export function todayBerlin() {
  // en-CA formats as YYYY-MM-DD
  return new Intl.DateTimeFormat('en-CA', { timeZone: TZ, year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date());
}

export function addDays(iso, n) {
  const d = new Date(`${iso}T12:00:00Z`);
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
}

export function presetRange(days) {
  const to = todayBerlin();
  return { from: addDays(to, -(days - 1)), to };
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
  const range = validRange(from, to) ? { from, to } : presetRange(28);
  return [{ ...range, tz: TZ }, (r) => setQ({ from: r.from, to: r.to })];
}

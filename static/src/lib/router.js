// A small history router: the path picks the page, the query keeps the shared state
// (from, to, device) so a link can be shared. navigate() pushes, setQuery() replaces.
import { useEffect, useState, useCallback } from 'react';

const EVENT = 'zoe:navigate';

export function navigate(to, { replace = false } = {}) {
  if (to === window.location.pathname + window.location.search) return;
  window.history[replace ? 'replaceState' : 'pushState'](null, '', to);
  window.dispatchEvent(new Event(EVENT));
}

export function useLocation() {
  const read = () => ({ path: window.location.pathname, search: window.location.search });
  const [loc, setLoc] = useState(read);
  useEffect(() => {
    const on = () => setLoc(read());
    window.addEventListener('popstate', on);
    window.addEventListener(EVENT, on);
    return () => { window.removeEventListener('popstate', on); window.removeEventListener(EVENT, on); };
  }, []);
  return loc;
}

export function useQuery() {
  const { search } = useLocation();
  const params = new URLSearchParams(search);
  const set = useCallback((changes, opts = {}) => {
    const p = new URLSearchParams(window.location.search);
    for (const [k, v] of Object.entries(changes)) (v === null || v === undefined || v === '') ? p.delete(k) : p.set(k, v);
    const s = p.toString();
    navigate(window.location.pathname + (s ? `?${s}` : ''), { replace: opts.replace ?? false });
  }, []);
  return [params, set];
}

/** A link that keeps the shared query (range, device) when moving between pages. */
export function hrefWithQuery(path, keep = ['from', 'to', 'device']) {
  const cur = new URLSearchParams(window.location.search);
  const p = new URLSearchParams();
  for (const k of keep) if (cur.get(k)) p.set(k, cur.get(k));
  const s = p.toString();
  return path + (s ? `?${s}` : '');
}

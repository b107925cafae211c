// Pages of the site as the dashboard shows them: the path of a URL, its template (similar
// URLs grouped the way Search Console groups them: /blog/a and /blog/b are /blog/*), and
// the link to the page view (/seite?url=…) that keeps the shared range.
import { hrefWithQuery } from './router.js';

/** The path of an absolute or relative URL ("https://x.de/a?b" -> "/a"). */
export function pathOf(url) {
  if (typeof url !== 'string' || !url) return '';
  const m = url.match(/^[a-z][a-z0-9+.-]*:\/\/[^/?#]*(\/[^?#]*)?/i);
  const path = m ? (m[1] || '/') : url.split(/[?#]/)[0];
  return path.startsWith('/') ? path : `/${path}`;
}

export const isPageUrl = (s) => typeof s === 'string' && (/^https?:\/\//i.test(s) || s.startsWith('/'));

/** The template of a path: its first segment with /* when deeper, else the path itself. */
export function templateOf(path) {
  const segs = pathOf(path).split('/').filter(Boolean);
  return segs.length > 1 ? `/${segs[0]}/*` : `/${segs.join('/')}`;
}

/** The page view of a URL, keeping from/to. */
export function pageHref(url) {
  const base = hrefWithQuery('/seite');
  return `${base}${base.includes('?') ? '&' : '?'}url=${encodeURIComponent(url)}`;
}

/** Groups items by key(item) into [{key, items}] in first-seen order. */
export function groupBy(items, key) {
  const map = new Map();
  for (const it of items) {
    const k = key(it);
    if (!map.has(k)) map.set(k, []);
    map.get(k).push(it);
  }
  return [...map].map(([k, list]) => ({ key: k, items: list }));
}

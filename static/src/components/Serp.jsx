// How a page shows in Google's results: title and description cut where Google cuts them
// (the title near 580 px of 20 px Arial, the description near 920 px of 14 px Arial),
// measured in the browser with a canvas; and the title's width against the limit.
import { useI18n } from '../lib/i18n.js';
import { num, DASH } from '../lib/format.js';
import { pathOf } from '../lib/pages.js';

export const SEVERITY_BADGE = { error: 'poor', warning: 'needs-improvement', info: 'none' };
const FONT = 'Arial, "Liberation Sans", Helvetica, sans-serif';
const DESC_PX = 920;

let ctx = null;
function widthOf(text, px) {
  ctx ||= document.createElement('canvas').getContext('2d');
  if (!ctx) return text.length * px * 0.5;
  ctx.font = `${px}px ${FONT}`;
  return ctx.measureText(text).width;
}

/** text cut at whole words to fit limit px with "…", and whether it was cut. */
export function fitText(text, limit, px) {
  if (!text) return { text: '', cut: false };
  if (widthOf(text, px) <= limit) return { text, cut: false };
  const words = text.split(/\s+/);
  let out = '';
  for (const w of words) {
    const next = out ? `${out} ${w}` : w;
    if (widthOf(`${next} …`, px) > limit) break;
    out = next;
  }
  return { text: `${out || text.slice(0, 10)} …`, cut: true };
}

/** The German or English message of an audit issue. */
export const issueText = (i, lang) => (lang === 'de' ? i.de || i.message : i.message || i.de) || i.check;

export function SerpPreview({ page, limit }) {
  const { t } = useI18n();
  const title = fitText(page.title || '', limit, 20);
  const desc = fitText(page.meta_description || '', DESC_PX, 14);
  let host = '';
  try { host = new URL(page.url).host; } catch { /* relative */ }
  return (
    <span className="serp" role="group" aria-label={t('meta.preview')} data-testid="serp-preview" data-cut={title.cut ? 'yes' : 'no'}>
      <span className="serp-url">{host}{pathOf(page.url).replace(/\//g, ' › ').replace(/^ › $/, '')}</span>
      <span className="serp-title" data-testid="serp-title">{title.text || DASH}</span>
      <span className="serp-desc">{desc.text || <em className="muted">{t('meta.desc.none.serp')}</em>}</span>
      {title.cut && <span className="muted small">{t('meta.preview.cut')}</span>}
    </span>
  );
}

export function TitleWidth({ px, limit = 580 }) {
  const { lang } = useI18n();
  if (typeof px !== 'number') return <span>{DASH}</span>;
  const over = px > limit;
  return (
    <span className="widthbar-wrap">
      <span className="widthbar" role="img" aria-label={`${num(px, lang)} px / ${num(limit, lang)} px`}>
        <span className={`fill ${over ? 'over' : 'ok'}`} style={{ width: `${Math.min(100, (px / (limit * 1.2)) * 100)}%` }} />
        <span className="limit" style={{ left: `${(100 / 1.2).toFixed(2)}%` }} />
      </span>
      <span className={over ? 'text-poor' : undefined}>{num(px, lang)} px</span>
    </span>
  );
}

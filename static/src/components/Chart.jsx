// ECharts, loaded on first use (its own chunk), SVG renderer. The container is one image
// with our own aria-label; the figures themselves are also in a table next to each chart.
// option is a plain ECharts option object; value axes and tooltips it does not format
// itself get the chosen language's number format (never "1,000" in German).
import { useEffect, useRef, useState } from 'react';
import { useI18n } from '../lib/i18n.js';
import { num, date, bucketLabel } from '../lib/format.js';

let echartsPromise = null;
const loadECharts = () => (echartsPromise ||= import('../lib/echarts.js'));

/** Starts loading the chart code early (the shell calls it), so no chart waits for it. */
export const preloadCharts = () => { loadECharts().catch(() => { echartsPromise = null; }); };

// ECharts measures label widths on a canvas, which does not know 'inherit': name the fonts.
const FONT = 'system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", "DejaVu Sans", sans-serif';

export const PALETTE = ['#0072B2', '#D55E00', '#009E73', '#CC79A7', '#E69F00', '#56B4E9', '#000000'];

const ISO_DAY = /^\d{4}-\d{2}-\d{2}$/;
const ISO_MONTH = /^\d{4}-\d{2}$/;

/** Category labels that are ISO days or months, as dates of the chosen language. */
function dateCategories(data, lang) {
  if (!Array.isArray(data) || data.length === 0) return data;
  if (data.every((d) => ISO_DAY.test(d))) return data.map((d) => date(d, lang));
  if (data.every((d) => ISO_MONTH.test(d))) return data.map((d) => bucketLabel(`${d}-01`, 'month', lang));
  return data;
}

/** Value axes, ISO-date categories and tooltips in the chosen language unless the option
 *  formats them itself. */
function localised(option, lang) {
  const fmt = (v) => num(v, lang, Number.isInteger(v) ? 0 : 2);
  const axis = (x) => {
    if (x?.type === 'value' && !x.axisLabel?.formatter) return { ...x, axisLabel: { ...x.axisLabel, formatter: fmt } };
    if (x?.type === 'category' && x.data) return { ...x, data: dateCategories(x.data, lang) };
    return x;
  };
  const axes = (a) => (a === undefined ? a : Array.isArray(a) ? a.map(axis) : axis(a));
  const out = { ...option, xAxis: axes(option.xAxis), yAxis: axes(option.yAxis) };
  if (option.tooltip && !option.tooltip.formatter && !option.tooltip.valueFormatter) {
    out.tooltip = { ...option.tooltip, valueFormatter: (v) => (typeof v === 'number' ? fmt(v) : v) };
  }
  if (out.xAxis === undefined) delete out.xAxis;
  if (out.yAxis === undefined) delete out.yAxis;
  return out;
}

export function Chart({ option, label, height = 280, testid }) {
  const { lang } = useI18n();
  const el = useRef(null);
  const inst = useRef(null);
  const [ready, setReady] = useState(false);
  useEffect(() => {
    let disposed = false;
    let ro;
    loadECharts().then((ec) => {
      if (disposed || !el.current) return;
      inst.current = ec.init(el.current, null, { renderer: 'svg' });
      ro = new ResizeObserver(() => inst.current?.resize());
      ro.observe(el.current);
      setReady(true);
    });
    return () => { disposed = true; ro?.disconnect(); inst.current?.dispose(); inst.current = null; };
  }, []);
  useEffect(() => {
    if (ready && inst.current) {
      inst.current.setOption({
        color: PALETTE,
        textStyle: { fontFamily: FONT, color: '#1f2933' },
        aria: { enabled: false },   // our own aria-label on the container; tables carry the figures
        animationDuration: 300,
        ...localised(option, lang),
      }, true);
    }
  }, [ready, option, lang]);
  return <div className="chart" ref={el} role="img" aria-label={label} style={{ height }} data-testid={testid} />;
}

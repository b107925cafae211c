// ECharts, loaded on first use (its own chunk), SVG renderer. The container is one image
// with our own aria-label; the figures themselves are also in a table next to each chart.
// option is a plain ECharts option object.
import { useEffect, useRef, useState } from 'react';

let echartsPromise = null;
const loadECharts = () => (echartsPromise ||= import('../lib/echarts.js'));

// ECharts measures label widths on a canvas, which does not know 'inherit': name the fonts.
const FONT = 'system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", "DejaVu Sans", sans-serif';

export const PALETTE = ['#0072B2', '#D55E00', '#009E73', '#CC79A7', '#E69F00', '#56B4E9', '#000000'];

export function Chart({ option, label, height = 280, testid }) {
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
        ...option,
      }, true);
    }
  }, [ready, option]);
  return <div className="chart" ref={el} role="img" aria-label={label} style={{ height }} data-testid={testid} />;
}

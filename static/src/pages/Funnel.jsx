// Trichter (#47): a funnel builder of 2 to 16 steps, each a page path pattern (* within a
// segment, ** across segments) or goal:<name>, kept in the URL (?steps=) so a funnel can be
// shared; the chart and table show the API's figures per step: visitors, conversion from
// the previous and the first step, drop-off, median time from the previous step.
import { useEffect, useMemo, useState } from 'react';
import { useI18n } from '../lib/i18n.js';
import { api } from '../lib/api.js';
import { useApi } from '../lib/useApi.js';
import { useRange } from '../lib/range.js';
import { useQuery } from '../lib/router.js';
import { num, pct, duration, asArray, DASH } from '../lib/format.js';
import { Card } from '../components/Card.jsx';
import { Chart } from '../components/Chart.jsx';
import { Async, Empty } from '../components/States.jsx';
import { DataTable } from '../components/DataTable.jsx';

export const MAX_STEPS = 16;
const MIN_STEPS = 2;

const splitSteps = (s) => (s ? s.split(',') : []);

export function Funnel() {
  const { t } = useI18n();
  const [range] = useRange();
  const [q, setQ] = useQuery();
  const spec = q.get('steps') || '';
  const [steps, setSteps] = useState(() => {
    const s = splitSteps(spec);
    return s.length >= MIN_STEPS ? s : ['', ''];
  });
  useEffect(() => { const s = splitSteps(spec); if (s.length >= MIN_STEPS) setSteps(s); }, [spec]);
  const res = useApi((signal) => (spec
    ? api.get('/api/level5/analytics/funnel', { from: range.from, to: range.to, tz: range.tz, steps: spec }, { signal })
    : Promise.resolve(null)), [range.from, range.to, spec]);
  const set = (i, v) => setSteps((s) => s.map((x, j) => (j === i ? v : x)));
  const submit = (e) => {
    e.preventDefault();
    setQ({ steps: steps.map((s) => s.trim()).join(',') });
  };
  return (
    <>
      <h1>{t('funnel.title')}</h1>
      <p>{t('funnel.intro')}</p>
      <form className="funnel-form" onSubmit={submit} data-testid="funnel-form" aria-label={t('funnel.builder')}>
        <ol className="funnel-steps">
          {steps.map((s, i) => (
            <li key={i}>
              <label>
                <span className="label">{t('funnel.step', { n: i + 1 })}</span>
                <input value={s} onChange={(e) => set(i, e.target.value)} placeholder={t('funnel.placeholder')}
                  required data-testid={`funnel-input-${i + 1}`} />
              </label>
              <button type="button" className="btn-secondary small" disabled={steps.length <= MIN_STEPS}
                onClick={() => setSteps((x) => x.filter((_, j) => j !== i))} aria-label={t('funnel.remove', { n: i + 1 })}
                data-testid={`funnel-remove-${i + 1}`}>✕</button>
            </li>
          ))}
        </ol>
        <div className="actions">
          <button type="button" className="btn-secondary" disabled={steps.length >= MAX_STEPS}
            onClick={() => setSteps((x) => [...x, ''])} data-testid="funnel-add">{t('funnel.add')}</button>
          <button type="submit" className="btn-primary" data-testid="funnel-run">{t('funnel.run')}</button>
          <span className="muted small">{t('funnel.max', { n: MAX_STEPS })}</span>
        </div>
      </form>
      <Async res={res}>{(d) => (d ? <FunnelResult data={d} /> : <Empty>{t('funnel.notrun')}</Empty>)}</Async>
    </>
  );
}

function FunnelResult({ data }) {
  const { t, lang } = useI18n();
  const steps = asArray(data.steps);
  const option = useMemo(() => ({
    grid: { left: 48, right: 16, top: 24, bottom: 64, containLabel: false },
    tooltip: { trigger: 'axis' },
    legend: { top: 0 },
    xAxis: { type: 'category', data: steps.map((s) => `${s.step}. ${s.step_spec}`), axisLabel: { interval: 0, rotate: steps.length > 6 ? 30 : 0 } },
    yAxis: { type: 'value', min: 0, minInterval: 1 },
    series: [
      { type: 'bar', name: t('funnel.visitors'), stack: 'f', data: steps.map((s) => s.visitors) },
      { type: 'bar', name: t('funnel.dropoff'), stack: 'f', data: steps.map((s) => s.dropoff), itemStyle: { opacity: 0.35 } },
    ],
  }), [steps, t]);
  if (!data.entered) return <Empty>{t('funnel.empty')}</Empty>;
  const label = `${t('funnel.chart')}: ${steps.map((s) => `${s.step}. ${s.step_spec} ${num(s.visitors, lang)}`).join(', ')}`;
  const cellOf = (key, fmt) => (s) => <span data-testid={`funnel-${key}-${s.step}`} data-value={s[key] ?? ''}>{fmt(s[key])}</span>;
  return (
    <Card title={t('funnel.result')} testid="funnel-result">
      <p className="kpi">
        <span className="kpi-value" data-testid="funnel-conversion" data-value={data.conversion_rate}>{pct(data.conversion_rate, lang, 1)}</span>
        <span className="muted">{t('funnel.overall', { entered: num(data.entered, lang), completed: num(data.completed, lang) })}</span>
      </p>
      <Chart option={option} label={label} testid="funnel-chart" />
      <DataTable id="funnel-steps" label={t('funnel.result')} rows={steps} filename="trichter" pageSize={MAX_STEPS}
        rowAttrs={(s) => ({ 'data-testid': `funnel-row-${s.step}` })}
        columns={[
          { key: 'step', label: t('funnel.col.step'), num: true, value: (s) => s.step },
          { key: 'spec', label: t('funnel.col.spec'), value: (s) => s.step_spec, render: (s) => <code>{s.step_spec}</code> },
          { key: 'visitors', label: t('funnel.visitors'), num: true, value: (s) => s.visitors, render: cellOf('visitors', (v) => num(v, lang)) },
          { key: 'prev', label: t('funnel.col.prev'), num: true, value: (s) => s.conversion_from_previous, render: cellOf('conversion_from_previous', (v) => pct(v, lang, 1)) },
          { key: 'first', label: t('funnel.col.first'), num: true, value: (s) => s.conversion_from_first, render: cellOf('conversion_from_first', (v) => pct(v, lang, 1)) },
          { key: 'dropoff', label: t('funnel.dropoff'), num: true, value: (s) => s.dropoff, render: cellOf('dropoff', (v) => num(v, lang)) },
          { key: 'rate', label: t('funnel.col.droprate'), num: true, value: (s) => s.dropoff_rate, render: cellOf('dropoff_rate', (v) => pct(v, lang, 1)) },
          { key: 'median', label: t('funnel.col.median'), num: true, value: (s) => s.median_seconds_from_previous,
            render: cellOf('median_seconds_from_previous', (v) => (typeof v === 'number' ? duration(v * 1000, lang) : DASH)) },
        ]} />
      <p className="muted small">{t('funnel.counted')}</p>
    </Card>
  );
}

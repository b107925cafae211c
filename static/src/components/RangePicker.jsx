// The shared date range: presets or two dates, written to the URL (?from=&to=).
import { useEffect, useState } from 'react';
import { useI18n } from '../lib/i18n.js';
import { useRange, presetRange, validRange } from '../lib/range.js';

const PRESETS = [7, 28, 90];

export function RangePicker() {
  const { t } = useI18n();
  const [range, setRange] = useRange();
  const [from, setFrom] = useState(range.from);
  const [to, setTo] = useState(range.to);
  useEffect(() => { setFrom(range.from); setTo(range.to); }, [range.from, range.to]);
  const preset = PRESETS.find((d) => { const p = presetRange(d); return p.from === range.from && p.to === range.to; });
  const bad = !validRange(from, to);
  const apply = (e) => { e.preventDefault(); if (!bad) setRange({ from, to }); };
  return (
    <form className="range-picker" onSubmit={apply} aria-label={t('range.label')} data-testid="range-picker">
      <label>
        <span className="label">{t('range.preset')}</span>
        <select value={preset ?? 'custom'} onChange={(e) => { if (e.target.value !== 'custom') setRange(presetRange(Number(e.target.value))); }}>
          {PRESETS.map((d) => <option key={d} value={d}>{t(`range.${d}`)}</option>)}
          <option value="custom">{t('range.custom')}</option>
        </select>
      </label>
      <label>
        <span className="label">{t('range.from')}</span>
        <input type="date" value={from} max={to} onChange={(e) => setFrom(e.target.value)} name="from" />
      </label>
      <label>
        <span className="label">{t('range.to')}</span>
        <input type="date" value={to} min={from} onChange={(e) => setTo(e.target.value)} name="to" />
      </label>
      <button type="submit" className="btn-secondary" disabled={bad || (from === range.from && to === range.to)}>{t('range.apply')}</button>
      {bad && <span className="error-inline" role="alert">{t('range.invalid')}</span>}
    </form>
  );
}

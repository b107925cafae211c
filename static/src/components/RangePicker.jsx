// The shared date range: the presets of lib/range.js or two dates of one's own, written to
// the URL (?from=&to=). On a phone the date fields show only for a range of one's own.
import { useEffect, useState } from 'react';
import { useI18n } from '../lib/i18n.js';
import { useRange, presetRange, presetOf, validRange, PRESETS } from '../lib/range.js';
import { DateField } from './DateField.jsx';

export function RangePicker() {
  const { t } = useI18n();
  const [range, setRange] = useRange();
  const [from, setFrom] = useState(range.from);
  const [to, setTo] = useState(range.to);
  const [custom, setCustom] = useState(false);
  useEffect(() => { setFrom(range.from); setTo(range.to); }, [range.from, range.to]);
  const preset = custom ? null : presetOf(range);
  const bad = !validRange(from, to);
  const apply = (e) => { e.preventDefault(); if (!bad) { setRange({ from, to }); setCustom(false); } };
  const choose = (key) => {
    if (key === 'custom') { setCustom(true); return; }
    setCustom(false);
    setRange(presetRange(key));
  };
  return (
    <form className="range-picker" onSubmit={apply} aria-label={t('range.label')} data-testid="range-picker"
      data-custom={preset ? undefined : 'true'}>
      <label className="range-preset">
        <span className="label">{t('range.label')}</span>
        <select value={preset ?? 'custom'} onChange={(e) => choose(e.target.value)} data-testid="range-preset">
          {PRESETS.map(([k]) => <option key={k} value={k}>{t(`range.${k}`)}</option>)}
          <option value="custom">{t('range.custom')}</option>
        </select>
      </label>
      <div className="range-dates">
        <DateField label={t('range.from')} name="from" value={from} max={to} onChange={setFrom} />
        <DateField label={t('range.to')} name="to" value={to} min={from} onChange={setTo} />
        <button type="submit" className="btn-secondary" disabled={bad || (from === range.from && to === range.to)}>{t('range.apply')}</button>
      </div>
      {bad && from && to && <span className="error-inline" role="alert">{t('range.invalid')}</span>}
    </form>
  );
}

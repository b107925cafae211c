// A date field that speaks the chosen language, not the browser's: the text reads
// 29.11.2026 in German and 29/11/2026 in English, and a calendar button opens the
// browser's own picker (a hidden native date input) for those who prefer to click.
// value and onChange carry ISO dates (YYYY-MM-DD); '' while the text is not a date.
import { useEffect, useId, useRef, useState } from 'react';
import { useI18n } from '../lib/i18n.js';
import { dateField, parseDateField } from '../lib/format.js';

export function DateField({ label, name, value, min, max, onChange }) {
  const { t, lang } = useI18n();
  const id = useId();
  const [text, setText] = useState(dateField(value, lang));
  const native = useRef(null);
  useEffect(() => { setText(dateField(value, lang)); }, [value, lang]);
  const bad = text !== '' && parseDateField(text, lang) === null;
  const edit = (s) => { setText(s); onChange(parseDateField(s, lang) ?? ''); };
  const openPicker = () => {
    const el = native.current;
    if (!el) return;
    try { el.showPicker(); } catch { el.focus(); }
  };
  return (
    <div className="date-field">
      <label htmlFor={id} className="label">{label}</label>
      <div className="date-input">
        <input id={id} name={name} type="text" inputMode="numeric" autoComplete="off" value={text}
          placeholder={t('range.format')} aria-invalid={bad || undefined} aria-describedby={bad ? `${id}-err` : undefined}
          onChange={(e) => edit(e.target.value)} size={10} />
        <button type="button" className="calendar-btn" onClick={openPicker} aria-label={t('range.calendar', { field: label })}
          data-testid={`${name}-calendar`}>
          <svg viewBox="0 0 16 16" width="16" height="16" aria-hidden="true" focusable="false">
            <path fill="currentColor" d="M4 0h2v2h4V0h2v2h3v14H1V2h3zM3 6v8h10V6z" />
          </svg>
        </button>
        <input ref={native} type="date" className="native-picker" tabIndex={-1} aria-hidden="true" value={value || ''}
          min={min} max={max} onChange={(e) => { setText(dateField(e.target.value, lang)); onChange(e.target.value); }} />
      </div>
      {bad && <span id={`${id}-err`} className="error-inline">{t('range.baddate')}</span>}
    </div>
  );
}

// A table of API rows with a CSV download of exactly the rows and columns shown. On a phone
// each row becomes a card of label: value lines (styles.css, .data-table), so no column is
// lost to a sideways scroll; the labels come from data-label.
import { useState } from 'react';
import { useI18n } from '../lib/i18n.js';
import { toCsv, downloadCsv } from '../lib/csv.js';

/** columns: [{key, label, value(row) -> raw, render?(row) -> node, csv?(row), num?}]; rowAttrs(row) -> tr attributes */
export function DataTable({ id, caption, label, columns, rows, filename, empty, testid, rowAttrs, pageSize = 50 }) {
  const { t, lang } = useI18n();
  const [limit, setLimit] = useState(pageSize);
  const shown = rows.length > limit ? rows.slice(0, limit) : rows;
  const onCsv = () => downloadCsv(`${filename || id || 'table'}.csv`, toCsv(columns, rows, lang));
  return (
    <div className="table-block">
      <div className="table-toolbar">
        {caption && <h3 id={`${id}-caption`}>{caption}</h3>}
        <button type="button" className="btn-secondary" onClick={onCsv} disabled={!rows.length} data-testid={`${testid || id}-csv`}>
          {t('csv.download')}
        </button>
      </div>
      {rows.length === 0 ? <p className="state state-empty">{empty || t('table.empty')}</p> : (
        <div className="table-scroll" tabIndex={0} role="group" aria-label={caption || label || id}>
          <table className="data-table" aria-labelledby={caption ? `${id}-caption` : undefined} data-testid={testid || id}>
            <thead>
              <tr>{columns.map((c) => <th key={c.key} scope="col" className={c.num ? 'num' : undefined}>{c.label}</th>)}</tr>
            </thead>
            <tbody>
              {shown.map((r, i) => (
                <tr key={r.__key ?? i} {...(rowAttrs ? rowAttrs(r) : {})}>
                  {columns.map((c, j) => {
                    const content = c.render ? c.render(r) : String(c.value(r) ?? '—');
                    const lab = typeof c.label === 'string' ? c.label : undefined;
                    return j === 0
                      ? <th key={c.key} scope="row" className={c.num ? 'num' : undefined} data-label={lab}>{content}</th>
                      : <td key={c.key} className={c.num ? 'num' : undefined} data-label={lab}>{content}</td>;
                  })}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {rows.length > shown.length && (
        <p className="table-more">
          <span className="muted">{t('table.shown', { shown: shown.length, total: rows.length })}</span>{' '}
          <button type="button" className="btn-secondary small" onClick={() => setLimit(rows.length)}>{t('table.all')}</button>
        </p>
      )}
    </div>
  );
}

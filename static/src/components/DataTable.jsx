// A table of API rows with a CSV download of exactly the rows and columns shown. On a phone
// each row becomes a card of label: value lines (styles.css, .data-table), so no column is
// lost to a sideways scroll; the labels come from data-label.
// `sortable` (on unless false: every column with a value() sorts by it, a click on its header turns
// descending / ascending / as sent; aria-sort says which) and `search` (a field keeping the
// rows where any column's text contains the words; opt-in). The CSV follows what is shown;
// `csvRows` (async, resolving to every row) is for a table the server pages: the CSV then
// holds every row, fetched at the click, searched and sorted as shown.
import { useMemo, useState } from 'react';
import { useI18n } from '../lib/i18n.js';
import { toCsv, downloadCsv } from '../lib/csv.js';

const compare = (a, b) => {
  if (a === b) return 0;
  if (a === null || a === undefined || a === '') return 1;               // missing values last
  if (b === null || b === undefined || b === '') return -1;
  return typeof a === 'number' && typeof b === 'number' ? a - b : String(a).localeCompare(String(b), 'de', { numeric: true });
};

/** Rows containing every word of `query` in some column's value; sorted by `sort` when set. */
function arrange(rows, columns, query, sort) {
  const words = query.toLocaleLowerCase('de').split(/\s+/).filter(Boolean);
  let out = words.length === 0 ? rows : rows.filter((r) => {
    const text = columns.map((c) => String(c.value(r) ?? '')).join(' ').toLocaleLowerCase('de');
    return words.every((w) => text.includes(w));
  });
  const col = sort && columns.find((c) => c.key === sort.key);
  if (col) out = [...out].sort((a, b) => (sort.dir === 'asc' ? 1 : -1) * compare(col.value(a), col.value(b)));
  return out;
}

const NEXT = { none: 'descending', descending: 'ascending', ascending: 'none' };

/** columns: [{key, label, value(row) -> raw, render?(row) -> node, csv?(row), num?}]; rowAttrs(row) -> tr attributes */
export function DataTable({ id, caption, label, columns, rows: all, filename, empty, testid, rowAttrs, pageSize = 50, sortable = true, search = false, csvRows }) {
  const { t, lang } = useI18n();
  const [limit, setLimit] = useState(pageSize);
  const [query, setQuery] = useState('');
  const [sort, setSort] = useState(null);
  const rows = useMemo(() => arrange(all, columns, query, sort), [all, columns, query, sort]);
  const shown = rows.length > limit ? rows.slice(0, limit) : rows;
  const ariaSort = (c) => (sort?.key === c.key ? (sort.dir === 'asc' ? 'ascending' : 'descending') : 'none');
  const turn = (c) => {
    const next = NEXT[ariaSort(c)];
    setSort(next === 'none' ? null : { key: c.key, dir: next === 'ascending' ? 'asc' : 'desc' });
  };
  const [busy, setBusy] = useState(false);
  const onCsv = async () => {
    let out = rows;
    if (csvRows) {
      setBusy(true);
      try { out = arrange(await csvRows(), columns, query, sort); } finally { setBusy(false); }
    }
    downloadCsv(`${filename || id || 'table'}.csv`, toCsv(columns, out, lang));
  };
  return (
    <div className="table-block">
      <div className="table-toolbar">
        {caption && <h3 id={`${id}-caption`}>{caption}</h3>}
        {search && (
          <label className="table-search">
            <span className="visually-hidden">{t('table.search', { table: caption || label || '' })}</span>
            <input type="search" value={query} onChange={(e) => setQuery(e.target.value)} placeholder={t('table.search.placeholder')}
              data-testid={`${testid || id}-search`} />
          </label>
        )}
        <button type="button" className="btn-secondary" onClick={onCsv} disabled={!rows.length || busy} aria-busy={busy} data-testid={`${testid || id}-csv`}>
          {t('csv.download')}
        </button>
      </div>
      {rows.length === 0 ? <p className="state state-empty">{all.length && query ? t('table.nomatch', { query }) : empty || t('table.empty')}</p> : (
        <div className="table-scroll" tabIndex={0} role="group" aria-label={caption || label || id}>
          <table className="data-table" aria-labelledby={caption ? `${id}-caption` : undefined} data-testid={testid || id}>
            <thead>
              <tr>{columns.map((c) => (
                <th key={c.key} scope="col" className={c.num ? 'num' : undefined} aria-sort={sortable ? ariaSort(c) : undefined}>
                  {sortable
                    ? <button type="button" className="sort-btn" onClick={() => turn(c)} data-testid={`${testid || id}-sort-${c.key}`}>
                      {c.label}<span aria-hidden="true" className="sort-mark">{{ ascending: ' ▲', descending: ' ▼', none: '' }[ariaSort(c)]}</span>
                    </button>
                    : c.label}
                </th>
              ))}</tr>
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

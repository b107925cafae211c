// Search, filter chips and sort order for a list or table, kept in component state:
// useTableControls(rows, {search, filters, sorts}) -> {rows, controls}.
//   search(row) -> text searched (case-insensitive); filters: [{key, label, test(row)}];
//   sorts: [{key, label, cmp(a, b)}], the first is the default.
import { useMemo, useState, useId } from 'react';
import { useI18n } from '../lib/i18n.js';
import { num } from '../lib/format.js';

export function useTableControls(rows, { search, filters = [], sorts = [], testid = 'table' }) {
  const { t, lang } = useI18n();
  const id = useId();
  const [q, setQ] = useState('');
  const [filter, setFilter] = useState('all');
  const [sort, setSort] = useState(sorts[0]?.key);
  const shown = useMemo(() => {
    const needle = q.trim().toLowerCase();
    const f = filters.find((x) => x.key === filter);
    const s = sorts.find((x) => x.key === sort);
    const out = rows.filter((r) => (!f || f.test(r)) && (!needle || !search || search(r).toLowerCase().includes(needle)));
    return s ? out.sort(s.cmp) : out;
  }, [rows, q, filter, sort, filters, sorts, search]);
  const count = (f) => rows.filter(f.test).length;
  const controls = (
    <div className="table-controls" data-testid={`${testid}-controls`}>
      {search && (
        <label className="search">
          <span className="label">{t('controls.search')}</span>
          <input type="search" value={q} onChange={(e) => setQ(e.target.value)} data-testid={`${testid}-search`} />
        </label>
      )}
      {sorts.length > 1 && (
        <label>
          <span className="label">{t('controls.sort')}</span>
          <select value={sort} onChange={(e) => setSort(e.target.value)} data-testid={`${testid}-sort`}>
            {sorts.map((s) => <option key={s.key} value={s.key}>{s.label}</option>)}
          </select>
        </label>
      )}
      {filters.length > 0 && (
        <div className="chips" role="group" aria-labelledby={`${id}-f`}>
          <span className="label" id={`${id}-f`}>{t('controls.filter')}</span>
          {[{ key: 'all', label: t('controls.all'), test: () => true }, ...filters].map((f) => (
            <button key={f.key} type="button" className={`chip${filter === f.key ? ' on' : ''}`} aria-pressed={filter === f.key}
              onClick={() => setFilter(f.key)} data-testid={`${testid}-filter-${f.key}`}>
              {f.label} <span className="chip-n">{num(count(f), lang)}</span>
            </button>
          ))}
        </div>
      )}
    </div>
  );
  return { rows: shown, controls };
}

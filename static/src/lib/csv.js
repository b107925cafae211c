// CSV export of a shown table: RFC 4180 quoting, UTF-8 with BOM so Excel reads umlauts,
// semicolon separator in German (Excel's expectation there), comma in English.
export function toCsv(columns, rows, lang = 'de') {
  const sep = lang === 'de' ? ';' : ',';
  const q = (v) => {
    if (v === null || v === undefined) return '';
    const s = typeof v === 'object' ? JSON.stringify(v) : String(v);
    return /[";,\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  columns = columns.filter((c) => !c.noCsv);
  const lines = [columns.map((c) => q(c.label)).join(sep)];
  for (const r of rows) lines.push(columns.map((c) => q(c.csv ? c.csv(r) : c.value(r))).join(sep));
  return '\uFEFF' + lines.join('\r\n') + '\r\n';
}

export function downloadCsv(filename, text) {
  const url = URL.createObjectURL(new Blob([text], { type: 'text/csv;charset=utf-8' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

// CSV export of a shown table: RFC 4180 quoting, UTF-8 with BOM so Excel reads umlauts,
// in German a semicolon separator and a decimal comma (Excel's expectation there: "0,35"
// is a number, "0.35" a date or text), in English a comma and a decimal point. Numbers
// keep every digit the API sent and carry no thousands separator.
export function csvValue(v, lang = 'de') {
  if (v === null || v === undefined) return '';
  if (typeof v === 'number') return lang === 'de' ? String(v).replace('.', ',') : String(v);
  return typeof v === 'object' ? JSON.stringify(v) : String(v);
}

export function toCsv(columns, rows, lang = 'de') {
  const sep = lang === 'de' ? ';' : ',';
  const quote = lang === 'de' ? /[";\n\r]/ : /[",\n\r]/;       // a field holding the separator, a quote or a line break
  const q = (v) => {
    const s = csvValue(v, lang);
    return quote.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
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

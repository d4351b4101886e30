// Tables read as text: under a row of column headers each row is a statement of its own, its
// cells named by their columns ("Year: 1987; Title: Bury Me Deep in Love; Peak AUS: 48"), so
// that a row cited alone says what its numbers are and the table reader
// (workers/align/table-reader.ts) can count over the rows. The in-page assistant reads a page's
// tables this way cell by cell (app/widget/page-text.ts); an added HTML file's tables, whole
// (`tableRowTexts`, app/files.ts).

/** What a cell says: nothing, a dash, or a mark alone is an empty cell. */
export const cellText = (el: Element): string => {
  const t = (el.textContent ?? '').replace(/\s+/g, ' ').trim();
  return /^[-–—?*]*$/.test(t) ? '' : t;
};

/** The names of a table's columns, by column, when its first row is a row of headers. */
export function columnNames(table: Element): string[] | null {
  const first = table.querySelector('tr');
  const cells = first ? [...first.children].filter((c) => /^T[HD]$/.test(c.tagName)) : [];
  const isHead = cells.length > 1 && (first!.parentElement?.tagName === 'THEAD' || cells.every((c) => c.tagName === 'TH'));
  if (!isHead) return null;
  return cells.flatMap((c) => Array<string>(Math.max(1, Number(c.getAttribute('colspan')) || 1)).fill(cellText(c).replace(/\s*:$/, '')));
}

/**
 * A table's rows below its header row, each as a statement of named cells (empty cells left
 * out); null for a table without a header row.
 */
export function tableRowTexts(table: Element): string[] | null {
  const names = columnNames(table);
  if (!names) return null;
  const rows = [...table.querySelectorAll('tr')].filter((r) => r.closest('table') === table).slice(1);
  return rows.map((row) => {
    let column = 0;
    const said: string[] = [];
    for (const cell of [...row.children].filter((c) => /^T[HD]$/.test(c.tagName))) {
      const text = cellText(cell);
      const name = names[column];
      if (text) said.push(name && name.toLowerCase() !== text.toLowerCase() ? `${name}: ${text}` : text);
      column += Math.max(1, Number(cell.getAttribute('colspan')) || 1);
    }
    return said.join('; ');
  }).filter(Boolean);
}

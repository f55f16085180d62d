/** Rows under column headings, already worded: a list's invoices, an announcement's. */
export interface Table {
  columns: string[];
  rows: string[][];
  /** Right-aligned columns (amounts), by index. */
  alignRight?: number[];
}

/**
 * A table in aligned columns, for terminals and the text part of mails. Widths count
 * characters, not bytes, so accents and the narrow spaces of French amounts keep the
 * columns straight.
 */
export function renderTable(table: Table): string {
  const rows = [table.columns, ...table.rows];
  const widths = table.columns.map((_, i) => Math.max(...rows.map((row) => [...(row[i] ?? '')].length)));
  const line = (row: string[]) =>
    row
      .map((cell, i) => (table.alignRight?.includes(i) ? cell.padStart(widths[i]!) : cell.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [line(table.columns), widths.map((w) => '-'.repeat(w)).join('  '), ...table.rows.map(line)].join('\n');
}

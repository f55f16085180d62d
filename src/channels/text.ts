import type { Reply, Table } from '../assistant/reply.js';

/**
 * A reply as plain text, for terminals and the text part of mails: paragraphs, then
 * the table in aligned columns. Widths count characters, not bytes, so accents and
 * the narrow spaces of French amounts keep the columns straight.
 */
export function renderText(reply: Reply): string {
  const [first, ...rest] = reply.text;
  const parts = reply.table ? [first ?? '', renderTable(reply.table), ...rest] : reply.text;
  return parts.filter((part) => part !== '').join('\n\n');
}

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

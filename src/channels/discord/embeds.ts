import { renderTable, type Table } from '../../templates/table.js';

/** A Facteur blue, so that its embeds are recognisable in a busy channel. */
export const COLOUR = 0x1f6feb;

/** An amber for what is left to pay: an unpaid invoice's card stands out from a paid one's. */
export const TO_PAY_COLOUR = 0xd97706;

/**
 * A table in a code block of at most `room` characters, so that its columns line up: rows
 * that do not fit are left out (an ellipsis says so), never half of one. The narrow no-break
 * space of French amounts is not as wide as the other characters in every monospace font: a
 * full no-break space keeps the columns straight. A cell's backticks are each followed by a
 * zero-width space, so that what the billing system wrote (an invoice line's label) can
 * never close the block and be read as markup, a masked link for one.
 */
export function codeBlock(table: Table, room: number): string {
  const wide = (cells: string[]) => cells.map((cell) => cell.replace(/\u202F/g, '\u00A0').replace(/`/g, '`\u200B'));
  let rows = table.rows.map(wide);
  let text = renderTable({ ...table, columns: wide(table.columns), rows });
  while (text.length + 8 > room && rows.length > 1) {
    rows = rows.slice(0, -1);
    text = `${renderTable({ ...table, columns: wide(table.columns), rows })}\n…`;
  }
  return `\`\`\`\n${text}\n\`\`\``;
}

/** `text` within `max` characters, an ellipsis where it was cut. */
export function cut(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

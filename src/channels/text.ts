import type { Reply } from '../assistant/reply.js';
import { renderTable } from '../templates/table.js';

/**
 * A reply as plain text, for terminals: paragraphs, then the table in aligned columns
 * (a mail's text part is its letter's, see outbound/letter.ts), then each pay link under its
 * label. A terminal passes `wrap` for the paragraphs; the table is not wrapped, as a broken row
 * scrambles its columns, nor is a link, which must stay whole to be opened.
 */
export function renderText(reply: Reply, wrap: (paragraph: string) => string = (paragraph) => paragraph): string {
  const [first, ...rest] = reply.text.map(wrap);
  const parts = reply.table ? [first ?? '', renderTable(reply.table), ...rest] : [first ?? '', ...rest];
  const pay = (reply.pay ?? []).map((link) => `${wrap(link.label)}\n${link.url}`);
  return [...parts, ...pay].filter((part) => part !== '').join('\n\n');
}

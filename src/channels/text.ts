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

/** Characters a terminal acts on rather than shows: C0 and C1 controls (ESC starts colour, title and clipboard sequences) and bidirectional overrides. */
const ACTIVE = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F\u200E\u200F\u202A-\u202E\u2066-\u2069]/g;

/**
 * Text as a terminal may receive it: every character a terminal would act on is shown as
 * its code (`\u{1b}`), so that customer text, invoice fields or a command-line argument can
 * neither recolour, retitle nor rewrite the operator's screen. Lines and tabs stay.
 */
export function printable(text: string): string {
  return text.replace(ACTIVE, (char) => `\\u{${char.codePointAt(0)!.toString(16)}}`);
}

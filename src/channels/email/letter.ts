import type { ListedInvoice, Reply } from '../../assistant/reply.js';
import type { Locale } from '../../billing/types.js';
import { paragraphs, type Block } from '../../outbound/letter.js';
import type { Catalog } from '../../templates/catalog.js';

/** How many of a list's numbers the « zip … » sentence names: enough to show the form, short enough for a phone's line. */
const ZIP_EXAMPLE = 3;

/** A reply's words as letter blocks, in the order a terminal shows them: the first paragraph, the table, then the rest. */
export function replyBlocks(reply: Pick<Reply, 'text' | 'table'>): Block[] {
  const [first = '', ...rest] = reply.text;
  if (!reply.table) return paragraphs(...reply.text);
  return [...paragraphs(first), { table: reply.table }, ...paragraphs(...rest)];
}

/**
 * Under a list, the sentences a customer may reply with to get more of what it shows, with
 * its own numbers: the PDF of one, its details, several in a ZIP. A mail has no buttons;
 * these are its buttons. Nothing for an empty list.
 */
export function listHints(catalog: Catalog, locale: Locale, listed: ListedInvoice[]): Block[] {
  const [first, second] = listed;
  if (!first) return [];
  const t = (key: string, params: Record<string, string>) => catalog.t(locale, key, params);
  const items = [t('email.hints.pdf', { number: first.number }), t('email.hints.details', { number: first.number })];
  if (second)
    items.push(
      t('email.hints.zip', {
        numbers: listed
          .slice(0, ZIP_EXAMPLE)
          .map((invoice) => invoice.number)
          .join(' '),
      }),
    );
  return [{ hints: { title: catalog.t(locale, 'email.hints.title'), items } }];
}

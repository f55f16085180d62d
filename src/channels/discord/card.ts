import type { APIEmbed, APIEmbedField } from 'discord.js';
import type { InvoiceDetails } from '../../assistant/reply.js';
import type { Locale } from '../../billing/types.js';
import type { Catalog } from '../../templates/catalog.js';
import { codeBlock, COLOUR, cut, TO_PAY_COLOUR } from './embeds.js';
import { plain } from './markdown.js';

/** Discord's limits on an embed's fields: 25 of them, 256 characters a name, 1,024 a value. */
const FIELDS = { count: 25, name: 256, value: 1024 };

/**
 * An invoice's details as the client area's details view shows them, as an embed: its
 * status and dates, its lines (a table in a code block), its taxes and total as fields. An
 * unpaid invoice adds « Reste à payer » in bold and takes the amber colour, so that what is
 * owed stands out; a paid or cancelled one wears Facteur's blue like a list. Titles, field
 * names and values render Markdown: what they carry (a tax's label, the number) is escaped.
 */
export function detailsCard(details: InvoiceDetails, locale: Locale, catalog: Catalog): APIEmbed {
  const t = (key: string) => catalog.t(locale, key);
  const owed = details.state === 'unpaid';
  const field = (name: string, value: string, inline = true): APIEmbedField => ({
    name: cut(plain(name), FIELDS.name),
    value: cut(value, FIELDS.value),
    inline,
  });
  const text = (name: string, value: string) => field(name, plain(value));
  const fields = [
    text(t('discord.card.status'), details.status),
    text(t('discord.card.issued'), details.issued),
    text(t('discord.card.due'), details.due),
    field(t('discord.card.lines'), codeBlock(details.lines, FIELDS.value), false),
    text(t('discord.card.subtotal'), details.subtotal),
    ...details.taxes.map((tax) => text(tax.label, tax.amount)),
    text(t('discord.card.total'), details.total),
    ...(owed ? [field(t('discord.card.toPay'), `**${plain(details.total)}**`)] : []),
  ];
  return {
    title: plain(catalog.t(locale, 'details.title', { number: details.number })),
    color: owed ? TO_PAY_COLOUR : COLOUR,
    fields: fields.slice(0, FIELDS.count),
  };
}

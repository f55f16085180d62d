import type { APIEmbed, APIEmbedField } from 'discord.js';
import type { InvoiceDetails } from '../../assistant/reply.js';
import type { Locale } from '../../billing/types.js';
import type { Catalog } from '../../templates/catalog.js';
import { codeBlock, COLOUR, cut, TO_PAY_COLOUR } from './embeds.js';

/** Discord's limits on an embed's fields: 25 of them, 256 characters a name, 1,024 a value. */
const FIELDS = { count: 25, name: 256, value: 1024 };

/**
 * An invoice's details as the client area's details view shows them, as an embed: its
 * status and dates, its lines (a table in a code block), its taxes and total as fields. An
 * unpaid invoice adds « Reste à payer » in bold and takes the amber colour, so that what is
 * owed stands out; a paid or cancelled one wears Facteur's blue like a list.
 */
export function detailsCard(details: InvoiceDetails, locale: Locale, catalog: Catalog): APIEmbed {
  const t = (key: string) => catalog.t(locale, key);
  const owed = details.state === 'unpaid';
  const field = (name: string, value: string, inline = true): APIEmbedField => ({ name: cut(name, FIELDS.name), value: cut(value, FIELDS.value), inline });
  const fields = [
    field(t('discord.card.status'), details.status),
    field(t('discord.card.issued'), details.issued),
    field(t('discord.card.due'), details.due),
    field(t('discord.card.lines'), codeBlock(details.lines, FIELDS.value), false),
    field(t('discord.card.subtotal'), details.subtotal),
    ...details.taxes.map((tax) => field(tax.label, tax.amount)),
    field(t('discord.card.total'), details.total),
    ...(owed ? [field(t('discord.card.toPay'), `**${details.total}**`)] : []),
  ];
  return { title: catalog.t(locale, 'details.title', { number: details.number }), color: owed ? TO_PAY_COLOUR : COLOUR, fields: fields.slice(0, FIELDS.count) };
}

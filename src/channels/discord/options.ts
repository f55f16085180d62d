import type { ChatInputCommandInteraction } from 'discord.js';
import type { Command } from '../../assistant/command.js';
import { latestYearOf, readDay } from '../../billing/dates.js';
import type { InvoiceFilter } from '../../billing/filter.js';
import { invoiceNumber } from '../../billing/numbers.js';
import type { CommandNames } from './commands.js';

/** The command a slash command means, or the option value that is not a date. */
export type Translated = { command: Command; text: string } | { badDate: string };

/**
 * Turns a slash command of the assistant's (`/invoices year:2019`) into the command the
 * grammar would have made of the same request written out, so that both end up in the
 * same action. `text` is the command as typed, for the logs.
 */
export function translate(interaction: ChatInputCommandInteraction, key: string, names: CommandNames, today: string): Translated | undefined {
  const options = interaction.options;
  const opt = (option: string) => names.name(`${key}.${option}`);
  const text =
    `/${interaction.commandName} ${options.data.map((o) => (o.options ? [o.name, ...o.options.map((s) => `${s.name}:${String(s.value)}`)].join(' ') : `${o.name}:${String(o.value)}`)).join(' ')}`.trim();
  const period = (withMonth: boolean): InvoiceFilter | { badDate: string } => {
    const filter: InvoiceFilter = {};
    for (const bound of ['from', 'to'] as const) {
      const value = options.getString(opt(bound));
      if (value === null) continue;
      const day = readDay(value);
      if (!day) return { badDate: value };
      filter[bound] = day;
    }
    const year = options.getInteger(opt('year'));
    const month = withMonth ? options.getInteger(opt('month')) : null;
    if (month !== null) Object.assign(filter, { month, year: year ?? latestYearOf(month, today) });
    else if (year !== null) filter.year = year;
    return filter;
  };
  switch (key) {
    case 'help':
      return { command: { intent: 'help' }, text };
    case 'invoices': {
      const filter = period(true);
      if ('badDate' in filter) return filter;
      if (options.getBoolean(opt('unpaid'))) filter.status = 'unpaid';
      return { command: { intent: 'list', filter }, text };
    }
    case 'invoice':
      return { command: { intent: 'pdf', numbers: invoiceNumbers(options.getString(opt('number'), true)) }, text };
    case 'details':
      return { command: { intent: 'details', number: invoiceNumbers(options.getString(opt('number'), true))[0] ?? null }, text };
    case 'statement': {
      // The period names the paid invoices the statement lists besides the unpaid ones, as « relevé 2026 » does.
      const filter = period(false);
      if ('badDate' in filter) return filter;
      const { year, from, to } = filter;
      const paid = year !== undefined ? { from: from ?? `${year}-01-01`, to: to ?? `${year}-12-31` } : { ...(from ? { from } : {}), ...(to ? { to } : {}) };
      return { command: { intent: 'balance', ...(paid.from || paid.to ? { paid } : {}) }, text };
    }
    case 'zip': {
      const filter = period(false);
      if ('badDate' in filter) return filter;
      const listed = invoiceNumbers(options.getString(opt('numbers')) ?? '');
      if (listed.length > 0) filter.numbers = listed;
      return { command: { intent: 'zip', filter }, text };
    }
    case 'notifications': {
      const sub = names.subcommand(key, options.getSubcommand(false));
      const subOpt = (option: string) => names.name(`${key}.${sub}.${option}`);
      if (sub === 'address') return { command: { intent: 'address', address: options.getString(subOpt('address'), true) }, text };
      if (sub === 'confirm') return { command: { intent: 'confirm', code: options.getString(subOpt('code'), true).trim() }, text };
      if (sub === 'attachments') return { command: { intent: 'attachments', on: options.getBoolean(subOpt('on'), true) }, text };
      if (sub === 'dm') return { command: { intent: 'chat', on: options.getBoolean(subOpt('on'), true) }, text };
      if (sub === 'contactAdd') return { command: { intent: 'contactAdd', address: options.getString(subOpt('address'), true) }, text };
      if (sub === 'contactRemove') return { command: { intent: 'contactRemove', address: options.getString(subOpt('address'), true) }, text };
      if (sub === 'contactAsk')
        return { command: { intent: 'contactMayAsk', address: options.getString(subOpt('address'), true), on: options.getBoolean(subOpt('on'), true) }, text };
      // `show` and `contacts`: the tab, which lists the contacts.
      return { command: { intent: 'notifications' }, text };
    }
    default:
      return undefined;
  }
}

/** `1210 1214`, `1210, 1214`, `#1210`, `inv/2024/00001`: the invoice numbers in an option's text, as numbers are kept. */
export function invoiceNumbers(text: string): string[] {
  return text
    .split(/[\s,;]+/)
    .map((n) => n.replace(/^#/, '').trim())
    .filter(Boolean)
    .map((n) => invoiceNumber(n) ?? n);
}

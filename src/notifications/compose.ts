import { daysBetween } from '../billing/dates.js';
import { invoiceFacts } from '../billing/money.js';
import { totals } from '../billing/totals.js';
import type { Customer, Invoice, IsoDate } from '../billing/types.js';
import type { Catalog, Params } from '../templates/catalog.js';
import type { DeliveryReason } from '../store/delivery.js';

export interface InvoiceMessage {
  subject: string;
  text: string;
}

/**
 * The words of a message about invoices (new ones pushed, or one resent), in the
 * customer's language: a line per invoice, then either "the PDFs are attached" or how
 * to ask for them. The same text serves a mail and a direct message.
 */
export function invoiceMessage(catalog: Catalog, customer: Customer, invoices: Invoice[], reason: DeliveryReason, attachPdf: boolean): InvoiceMessage {
  const t = (key: string, params?: Params) => catalog.t(customer.locale, key, params);
  const lines = invoices.map(invoiceFacts);
  const first = lines[0]!;
  const subject = reason === 'push' ? t(lines.length === 1 ? 'push.subject.one' : 'push.subject.many', { ...first, count: lines.length }) : t('resend.subject', first);
  const intro = reason === 'push' ? t('push.intro', { name: customer.name, count: lines.length }) : t('resend.intro', { name: customer.name });
  const closing = attachPdf ? t('push.attached') : t('push.ask', first);
  const text = [intro, lines.map((line) => t('push.line', line)).join('\n'), closing, t('mail.signature')].join('\n\n');
  return { subject, text };
}

/**
 * A payment reminder: the invoices still unpaid (overdue first, as given), each with where it
 * stands today (days overdue, due today, due by a day), the total to pay in each currency,
 * and the PDFs attached or how to ask for them.
 */
export function reminderMessage(catalog: Catalog, customer: Customer, invoices: Invoice[], today: IsoDate, attached: { pdfs: boolean; statement: boolean }): InvoiceMessage {
  const t = (key: string, params?: Params) => catalog.t(customer.locale, key, params);
  const byCurrency = new Map<string, number>();
  for (const invoice of invoices) byCurrency.set(invoice.currency, (byCurrency.get(invoice.currency) ?? 0) + totals(invoice).total);
  const total = [...byCurrency].map(([currency, amount]) => ({ currency, amount }));
  const first = invoiceFacts(invoices[0]!);
  const subject = invoices.length === 1 ? t('reminder.subject.one', first) : t('reminder.subject.many', { count: invoices.length, total });
  const lines = invoices.map((invoice) => {
    const days = daysBetween(invoice.dueAt, today);
    return t(days > 0 ? 'reminder.line.overdue' : days === 0 ? 'reminder.line.today' : 'reminder.line.soon', { ...invoiceFacts(invoice), days });
  });
  const intro = t('reminder.intro', { name: customer.name, count: invoices.length });
  const closing = [attached.pdfs ? t('push.attached') : t('push.ask', first), ...(attached.statement ? [t('reminder.statement')] : [])].join('\n');
  const text = [intro, lines.join('\n'), t('reminder.total', { total }), closing, t('reminder.already'), t('mail.signature')].join('\n\n');
  return { subject, text };
}

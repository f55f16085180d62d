import { invoiceFigures } from '../billing/money.js';
import type { Customer, Invoice } from '../billing/types.js';
import type { Catalog } from '../templates/catalog.js';
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
  const t = (key: string, params?: Record<string, string | number>) => catalog.t(customer.locale, key, params);
  const lines = invoices.map((invoice) => invoiceFigures(invoice, customer.locale));
  const first = lines[0]!;
  const one = lines.length === 1;
  const subject = reason === 'push' ? t(one ? 'push.subject.one' : 'push.subject.many', { ...first, count: lines.length }) : t('resend.subject', first);
  const intro = reason === 'push' ? t(one ? 'push.intro.one' : 'push.intro.many', { name: customer.name, count: lines.length }) : t('resend.intro', { name: customer.name });
  const closing = attachPdf ? t('push.attached') : t('push.ask', first);
  const text = [intro, lines.map((line) => t('push.line', line)).join('\n'), closing, t('mail.signature')].join('\n\n');
  return { subject, text };
}

import { daysBetween } from '../billing/dates.js';
import { invoiceFacts, invoiceFigures, sumByCurrency } from '../billing/money.js';
import { stateWords } from '../billing/status.js';
import { totals } from '../billing/totals.js';
import type { Customer, Invoice, IsoDate } from '../billing/types.js';
import { paragraphs, type Letter } from '../outbound/letter.js';
import type { Table } from '../outbound/table.js';
import type { Catalog, Params } from '../templates/catalog.js';
import type { DeliveryReason } from '../store/delivery.js';

/**
 * A message about invoices, twice: as a mail's letter, with the invoices in a table, and as
 * a direct message's text, with a sentence per invoice (a chat has no aligned columns).
 * Both say the same around them.
 */
export interface InvoiceMessage {
  subject: string;
  letter: Letter;
  text: string;
}

type Words = (key: string, params?: Params) => string;

/** The same words around the invoices, as a letter and as a chat's text. */
function message(t: Words, customer: Customer, subject: string, parts: { before: string[]; table: Table; lines: string[]; after: string[] }): InvoiceMessage {
  const signature = t('mail.signature');
  const letter: Letter = { locale: customer.locale, blocks: [...paragraphs(...parts.before), { table: parts.table }, ...paragraphs(...parts.after)], signature };
  const text = [...parts.before, parts.lines.join('\n'), ...parts.after, signature].join('\n\n');
  return { subject, letter, text };
}

/**
 * The words of a message about invoices (new ones pushed, or one resent), in the
 * customer's language: the invoices, then either "the PDFs are attached" or how to ask for them,
 * and which PDFs are not there yet (`notYet`, with PDF_SOURCE=billing).
 */
export function invoiceMessage(catalog: Catalog, customer: Customer, invoices: Invoice[], reason: DeliveryReason, attachPdf: boolean, notYet: string[] = []): InvoiceMessage {
  const t: Words = (key, params) => catalog.t(customer.locale, key, params);
  const lines = invoices.map(invoiceFacts);
  const first = lines[0]!;
  const subject = reason === 'push' ? t(lines.length === 1 ? 'push.subject.one' : 'push.subject.many', { ...first, count: lines.length }) : t('resend.subject', first);
  const intro = reason === 'push' ? t('push.intro', { name: customer.name, count: lines.length }) : t('resend.intro', { name: customer.name });
  const closing = attachPdf ? t('push.attached') : t('push.ask', first);
  // A table's cells are printed as they are: written out in the reader's words here. An invoice
  // already paid (before it was announced, or resent) says so where the others say when they are due.
  const cells = invoices.map((invoice) => invoiceFigures(invoice, customer.locale));
  const table: Table = {
    columns: ['number', 'date', 'due', 'amount'].map((column) => t(`push.columns.${column}`)),
    rows: cells.map((cell, i) => [cell.number, cell.date, invoices[i]!.status === 'paid' ? t('details.state', stateWords(invoices[i]!)) : cell.due, cell.amount]),
    alignRight: [3],
  };
  return message(t, customer, subject, { before: [intro], table, lines: invoices.map((invoice, i) => t('push.line', { ...lines[i]!, ...stateWords(invoice) })), after: [closing, ...notYetSentence(t, notYet)] });
}

/** The sentence saying which PDFs are not attached because the billing system has not sent them yet, if any are. */
function notYetSentence(t: Words, numbers: string[]): string[] {
  return numbers.length === 0 ? [] : [t('pdf.notYet', { numbers: numbers.join(', '), count: numbers.length })];
}

/**
 * A payment reminder: the invoices still unpaid (overdue first, as given), each with where it
 * stands today (days overdue, due today, due by a day), the total to pay in each currency,
 * and the PDFs attached or how to ask for them.
 */
export function reminderMessage(catalog: Catalog, customer: Customer, invoices: Invoice[], today: IsoDate, attached: { pdfs: boolean; statement: boolean }, notYet: string[] = []): InvoiceMessage {
  const t: Words = (key, params) => catalog.t(customer.locale, key, params);
  const total = sumByCurrency(invoices.map((invoice) => ({ currency: invoice.currency, amount: totals(invoice).total })));
  const first = invoiceFacts(invoices[0]!);
  const subject = invoices.length === 1 ? t('reminder.subject.one', first) : t('reminder.subject.many', { count: invoices.length, total });
  /** Where each invoice stands today, as the key of its sentence and of its table cell. */
  const standing = invoices.map((invoice) => {
    const days = daysBetween(invoice.dueAt, today);
    return { key: days > 0 ? 'overdue' : days === 0 ? 'today' : 'soon', days };
  });
  const lines = invoices.map((invoice, i) => t(`reminder.line.${standing[i]!.key}`, { ...invoiceFacts(invoice), days: standing[i]!.days }));
  const cells = invoices.map((invoice) => invoiceFigures(invoice, customer.locale));
  const table: Table = {
    columns: ['number', 'due', 'amount', 'state'].map((column) => t(`reminder.columns.${column}`)),
    rows: cells.map((cell, i) => [cell.number, cell.due, cell.amount, t(`reminder.state.${standing[i]!.key}`, { days: standing[i]!.days })]),
    alignRight: [2],
  };
  const intro = t('reminder.intro', { name: customer.name, count: invoices.length });
  const closing = [attached.pdfs ? t('push.attached') : t('push.ask', first), ...(attached.statement ? [t('reminder.statement')] : [])].join('\n');
  return message(t, customer, subject, { before: [intro], table, lines, after: [t('reminder.total', { total }), closing, ...notYetSentence(t, notYet), t('reminder.already')] });
}

import { daysBetween } from '../billing/dates.js';
import { invoiceFacts, invoiceFigures, sumByCurrency } from '../billing/money.js';
import { payLinks } from '../billing/pay-link.js';
import { stateWords } from '../billing/status.js';
import { totals } from '../billing/totals.js';
import type { Customer, Invoice, IsoDate, Locale } from '../billing/types.js';
import { paragraphs, payBlock, type Block, type Letter } from '../outbound/letter.js';
import type { Catalog, Params } from '../templates/catalog.js';
import type { DeliveryReason } from '../billing/delivery.js';

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

/**
 * What a message about invoices says, worded in the customer's language but not yet laid out:
 * so that it can go whole (a chat, a mail that carries it all) or as several mails, each with
 * its own invoices' rows and what it says of its files.
 */
export interface InvoiceWords {
  locale: Locale;
  subject: string;
  intro: string;
  columns: string[];
  alignRight: number[];
  /** Each invoice, in the message's order: its number, its row in a mail's table, its line in a chat. */
  rows: InvoiceRow[];
  /** After the invoices, before what is said of their PDFs (a reminder's total). */
  summary: string[];
  /** What is said of the PDFs: attached to this message, or how to ask for them. */
  files: { attached: string; ask: string };
  /** Said beside that when the account statement is attached (a reminder's). */
  statement: string | null;
  /** Said after that, in the first mail: which PDFs have not come from the billing system yet (PDF_SOURCE=billing). */
  notYet: string[];
  /** Last (a reminder's « if you have paid meanwhile… »). */
  tail: string[];
  /** A « Payer la facture … » button for each invoice that may be paid online (see billing's `payLinks`), the one due first first: a mail shows those of its own rows. */
  pay: { number: string; block: Block }[];
  signature: string;
}

export interface InvoiceRow {
  number: string;
  cells: string[];
  line: string;
}

type Words = (key: string, params?: Params) => string;

/**
 * One mail's letter of the message: the intro, `notes` (which mail of several this is), the
 * rows given in a table, the summary, `extra` (a download link, a file left out), what is said
 * of the files (none: nothing) and `later` (the PDFs not there yet), and the tail.
 */
export function letterOf(words: InvoiceWords, piece: { rows: InvoiceRow[]; notes: string[]; extra: Block[]; files: string | null; later: string[] }): Letter {
  const table: Block[] =
    piece.rows.length > 0 ? [{ table: { columns: words.columns, rows: piece.rows.map((row) => row.cells), alignRight: words.alignRight } }] : [];
  const shown = new Set(piece.rows.map((row) => row.number));
  const pay = words.pay.filter((link) => shown.has(link.number)).map((link) => link.block);
  const after = paragraphs(...(piece.files === null ? [] : [piece.files]), ...piece.later, ...words.tail);
  return {
    locale: words.locale,
    blocks: [...paragraphs(words.intro, ...piece.notes), ...table, ...paragraphs(...words.summary), ...pay, ...piece.extra, ...after],
    signature: words.signature,
  };
}

/** The pay buttons of these invoices that may be paid online, each under its number. */
function payWords(t: Words, invoices: readonly Invoice[]): InvoiceWords['pay'] {
  return payLinks(invoices, (number) => t('pay.button', { number })).map((link) => ({
    number: link.number,
    block: payBlock(link, (host) => t('pay.where', { host })),
  }));
}

/** The whole message, every invoice in it, its PDFs (and the statement, when `withStatement`) attached or not. */
export function wholeMessage(words: InvoiceWords, attached: boolean, withStatement: boolean): InvoiceMessage {
  const files = [attached ? words.files.attached : words.files.ask, ...(withStatement && words.statement ? [words.statement] : [])].join('\n');
  const letter = letterOf(words, { rows: words.rows, notes: [], extra: [], files, later: words.notYet });
  const text = [words.intro, words.rows.map((row) => row.line).join('\n'), ...words.summary, files, ...words.notYet, ...words.tail, words.signature].join(
    '\n\n',
  );
  return { subject: words.subject, letter, text };
}

/**
 * The words of a message about invoices (new ones pushed, or one resent), in the
 * customer's language: the invoices, then either "the PDFs are attached" or how to ask for them,
 * and which PDFs are not there yet (`notYet`, with PDF_SOURCE=billing).
 */
export function invoiceWords(catalog: Catalog, customer: Customer, invoices: Invoice[], reason: DeliveryReason, notYet: string[] = []): InvoiceWords {
  const t: Words = (key, params) => catalog.t(customer.locale, key, params);
  const facts = invoices.map(invoiceFacts);
  const first = facts[0]!;
  const subject =
    reason === 'push' ? t(facts.length === 1 ? 'push.subject.one' : 'push.subject.many', { ...first, count: facts.length }) : t('resend.subject', first);
  const intro = reason === 'push' ? t('push.intro', { name: customer.name, count: facts.length }) : t('resend.intro', { name: customer.name });
  // A table's cells are printed as they are: written out in the reader's words here. An invoice
  // already paid (before it was announced, or resent) says so where the others say when they are due.
  const rows = invoices.map((invoice, i) => {
    const cell = invoiceFigures(invoice, customer.locale);
    const due = invoice.status === 'paid' ? t('details.state', stateWords(invoice)) : cell.due;
    return { number: invoice.number, cells: [cell.number, cell.date, due, cell.amount], line: t('push.line', { ...facts[i]!, ...stateWords(invoice) }) };
  });
  const columns = ['number', 'date', 'due', 'amount'].map((column) => t(`push.columns.${column}`));
  return {
    locale: customer.locale,
    subject,
    intro,
    columns,
    alignRight: [3],
    rows,
    summary: [],
    files: { attached: t('push.attached'), ask: t('push.ask', first) },
    statement: null,
    notYet: notYetSentence(t, notYet),
    tail: [],
    pay: payWords(t, invoices),
    signature: t('mail.signature'),
  };
}

/** The message of `invoiceWords`, whole. */
export function invoiceMessage(
  catalog: Catalog,
  customer: Customer,
  invoices: Invoice[],
  reason: DeliveryReason,
  attachPdf: boolean,
  notYet: string[] = [],
): InvoiceMessage {
  return wholeMessage(invoiceWords(catalog, customer, invoices, reason, notYet), attachPdf, false);
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
export function reminderWords(catalog: Catalog, customer: Customer, invoices: Invoice[], today: IsoDate, notYet: string[] = []): InvoiceWords {
  const t: Words = (key, params) => catalog.t(customer.locale, key, params);
  const total = sumByCurrency(invoices.map((invoice) => ({ currency: invoice.currency, amount: totals(invoice).total })));
  const first = invoiceFacts(invoices[0]!);
  const subject = invoices.length === 1 ? t('reminder.subject.one', first) : t('reminder.subject.many', { count: invoices.length, total });
  const rows = invoices.map((invoice) => {
    // Where it stands today, as the key of its sentence and of its table cell.
    const days = daysBetween(invoice.dueAt, today);
    const key = days > 0 ? 'overdue' : days === 0 ? 'today' : 'soon';
    const cell = invoiceFigures(invoice, customer.locale);
    return {
      number: invoice.number,
      cells: [cell.number, cell.due, cell.amount, t(`reminder.state.${key}`, { days })],
      line: t(`reminder.line.${key}`, { ...invoiceFacts(invoice), days }),
    };
  });
  const columns = ['number', 'due', 'amount', 'state'].map((column) => t(`reminder.columns.${column}`));
  const intro = t('reminder.intro', { name: customer.name, count: invoices.length });
  return {
    locale: customer.locale,
    subject,
    intro,
    columns,
    alignRight: [2],
    rows,
    summary: [t('reminder.total', { total })],
    files: { attached: t('push.attached'), ask: t('push.ask', first) },
    statement: t('reminder.statement'),
    notYet: notYetSentence(t, notYet),
    tail: [t('reminder.already')],
    pay: payWords(t, invoices),
    signature: t('mail.signature'),
  };
}

/** The message of `reminderWords`, whole. */
export function reminderMessage(
  catalog: Catalog,
  customer: Customer,
  invoices: Invoice[],
  today: IsoDate,
  attached: { pdfs: boolean; statement: boolean },
  notYet: string[] = [],
): InvoiceMessage {
  return wholeMessage(reminderWords(catalog, customer, invoices, today, notYet), attached.pdfs, attached.statement);
}

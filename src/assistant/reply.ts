import type { ListPosition } from '../billing/filter.js';
import type { InvoiceStatus, Locale } from '../billing/types.js';
import type { Attachment } from '../documents/attachment.js';
import type { PayLink } from '../billing/pay-link.js';
import type { Table } from '../templates/table.js';

/** An invoice as a list shows it, already worded, for channels that let the customer pick invoices (a select menu, "reply « facture 1266 »"). */
export interface ListedInvoice {
  number: string;
  date: string;
  amount: string;
  /** Worded, as the table's status column has it. */
  status: string;
  state: InvoiceStatus;
}

/** One invoice's details, already worded, for channels that show them as a card rather than as the reply's text. */
export interface InvoiceDetails {
  number: string;
  state: InvoiceStatus;
  /** The status sentence (« à payer avant le 17 janv. 2019 », « payée le … »). */
  status: string;
  issued: string;
  due: string;
  /** The lines as the reply's table has them. */
  lines: Table;
  subtotal: string;
  /** One per tax, its label with the rate (« TVA (19,25 %) »). */
  taxes: { label: string; amount: string }[];
  total: string;
}

/** How the request went: channels use it for exit codes, logs and rate limits. */
export type Outcome = 'answered' | 'refused' | 'not-understood';

/** What the assistant answers, free of any chat network: channels render it their way. */
export interface Reply {
  locale: Locale;
  outcome: Outcome;
  /** Paragraphs of text, already worded from the templates. */
  text: string[];
  table?: Table;
  /**
   * For one page of a longer list: which page this is (from 1) and how many there are, for
   * paging buttons, and the list's position, for a channel that keeps it beside the page
   * (a button's data) so that turning it does not depend on what the conversation asked last.
   */
  page?: { number: number; count: number; position: ListPosition };
  /**
   * Readings offered when a sentence could mean two things, in the order of their numbers
   * (from 1), as the text words them: a channel with buttons shows one for each.
   */
  choices?: string[];
  /** The invoices of the list's page, in the table's order. */
  listed?: ListedInvoice[];
  /** The invoice a details answer is about. */
  details?: InvoiceDetails;
  /**
   * The pay links of the unpaid invoices the reply is about (a details card, the PDFs sent, a
   * list's page, what is owed), the one due first first, a few at most (see `payLinks`).
   */
  pay?: PayLink[];
  attachments: Attachment[];
  /** The invoices the attachments carry, for the delivery log. */
  invoices?: string[];
  /** Whose invoices they are, for the delivery log; absent from answers about no customer's (linking). */
  customerId?: string;
}

/** The invoices a reply carried or showed: its files', a list's page, a details card's. A reply to the message that carried it is about those. */
export function shownIn(reply: Reply): string[] {
  return [...new Set([...(reply.invoices ?? []), ...(reply.listed ?? []).map((row) => row.number), ...(reply.details ? [reply.details.number] : [])])];
}

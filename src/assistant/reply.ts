import type { Locale } from '../billing/types.js';
import type { Attachment } from '../documents/attachment.js';

export interface Table {
  columns: string[];
  rows: string[][];
  /** Right-aligned columns (amounts), by index. */
  alignRight?: number[];
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
  /** For one page of a longer list: which page this is (from 1) and how many there are, for paging buttons. */
  page?: { number: number; count: number };
  /**
   * Readings offered when a sentence could mean two things, in the order of their numbers
   * (from 1), as the text words them: a channel with buttons shows one for each.
   */
  choices?: string[];
  attachments: Attachment[];
  /** The invoices the attachments carry, for the delivery log. */
  invoices?: string[];
}

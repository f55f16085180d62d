import type { Locale } from '../billing/types.js';
import type { ZipProgress } from '../documents/attachment.js';
import type { AttachedFile } from './actions/verify.js';
import type { Command } from './command.js';
import type { Words } from './provenance.js';

/** A customer's message, as every channel hands it over. */
export interface Request {
  /** The customer, already identified by the channel (mail address, linked chat account, console). */
  customerId: string;
  text: string;
  /** The channel's idea of the language (a chat client's locale); the text's own words win. */
  locale?: Locale;
  /** Which conversation "next" continues, e.g. `console`, `discord:<channel id>`, `email:<thread>`. */
  conversation: string;
  /** For mail: the address the message came from, for actions that must come from a given address. */
  sender?: string;
  /**
   * Who the channel vouches is asking. `owner`: the account's owner, proven by the channel
   * (a linked chat account, the console and the CLI). `domain`: mail from an address on
   * record that passed DMARC: the customer's domain vouches that it comes from them, not that
   * they wrote every word of it, nor which of their people sent it; it may make at once what
   * sends invoices nowhere new, and what would (`redirectsInvoices`) waits for the owner's
   * approval. `address`: mail from an address on the customer's record and nothing more,
   * which a forger writes in seconds: it may ask for what goes back to that address (lists,
   * PDFs, ZIPs, details), and every change waits for the owner's approval.
   */
  trust: 'owner' | 'domain' | 'address';
  /**
   * Whose words `text` is (`own` when absent). `quoted`: words the asker only passed along,
   * which someone else wrote (a reply's Subject): they may ask only what `mayAsk` allows, and
   * are no answer to an approval.
   */
  words?: Words;
  /**
   * The messages it answers, the nearest first: a mail's In-Reply-To, then its References from
   * the newest; the Discord message it replies to. What the nearest that Facteur sent this
   * customer carried is what « renvoyez-la », "those" point at (see `thread.ts`); another
   * customer's, or one Facteur never sent, points at nothing.
   */
  replyingTo?: string[];
  /**
   * For mail: the Message-ID this message is a direct reply to (In-Reply-To), which may be
   * an approval mail's. Only the direct reply counts, not every later mail of the thread.
   */
  inReplyTo?: string;
  /**
   * The command itself, when the channel already has it: in parts (a chat command's options),
   * or read by `Assistant.readMessage` before the channel decided whom to ask (a mail; null
   * when nothing in it was understood). It is not read from `text` again; absent, `text` is
   * read as a chat message, in its context (see `replyingTo`).
   */
  command?: Command | null;
  /**
   * How far a ZIP this request makes is prepared, for a channel that shows it (Discord edits
   * its acknowledgement). A plain callback: the assistant knows no chat network.
   */
  progress?: ZipProgress;
  /**
   * PDFs the message carried (mail attachments, files of a Discord DM), for « est-ce bien une
   * facture de chez vous ? »: checked when the words ask so, or when they ask nothing else.
   */
  documents?: AttachedFile[];
}

import type { Attachment } from '../documents/attachment.js';
import type { Letter } from './letter.js';

/**
 * A message leaving Facteur by email, described without any mail library. A mail to a
 * customer is a `letter`, which the mailer lays out in the provider's colours with a
 * text part that says the same; a notice to staff is plain `text`.
 */
export type OutboundMail = MailEnvelope & ({ letter: Letter } | { text: string });

/** Everything of a mail but its body. */
export interface MailEnvelope {
  to: string;
  /** Copies, in the Cc header and the envelope: the invoice contacts of an announcement, a reminder or a resend. */
  cc?: string[];
  subject: string;
  attachments?: Attachment[];
  /** Threading: the Message-ID this answers, and the thread's earlier ids. */
  inReplyTo?: string;
  references?: string[];
  headers?: Record<string, string>;
  /**
   * Set by whoever records the message before sending it (see notifications/deliveries),
   * so that a retry after a crash carries the same id and mail clients show it once.
   */
  messageId?: string;
  /**
   * The delivery the mail is, when it is one: with MAIL_RETURN_PATH, each recipient's copy
   * leaves with an envelope sender naming that delivery and recipient (VERP), so that a report
   * coming back says which. Mail that is no delivery (codes, notices) leaves from the bare return path.
   */
  deliveryId?: string;
  /** The addresses it is delivered to when not all of To and Cc (those whose mail bounces left out); the headers stay as written. */
  deliverTo?: string[];
}

export interface SentMail {
  messageId: string;
  /** Whether each recipient's copy carried its own signed return path (VERP): a report about it without one is forged. */
  verp?: boolean;
  /** Recipients past the first that the server refused, the others having taken it. */
  refused?: string[];
}

/** The one outbound port for mail: SMTP in production, `.eml` files in local mode. */
export interface Mailer {
  /** A new Message-ID on the provider's domain, for a message recorded before it is sent. */
  newMessageId(): string;
  send(mail: OutboundMail): Promise<SentMail>;
  /** Resolves when mail can go out now (the SMTP server answers and takes the login), else rejects with why. */
  verify(): Promise<void>;
  close(): Promise<void>;
}

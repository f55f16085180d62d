import type { CarriedFile } from './files.js';

/**
 * Every message Facteur sends about invoices — an answer to a request, a push of new
 * invoices, a resend by staff — is a delivery record, written before the message leaves
 * and updated after. It is what makes "no double send after a crash" and the staff's
 * delivery log possible.
 */

/** `console`: files written for the person at the terminal (the console chat, `facteur ask`), recorded once written. */
export const DELIVERY_CHANNELS = ['email', 'discord', 'console'] as const;
export type DeliveryChannel = (typeof DELIVERY_CHANNELS)[number];

export const DELIVERY_REASONS = ['push', 'resend', 'request', 'reminder'] as const;
export type DeliveryReason = (typeof DELIVERY_REASONS)[number];

/**
 * `pending`: recorded, to be sent (again, after a crash or a failure) once `nextAttemptAt`
 * has come. `sending`: an answer a channel sends itself (see Deliveries.track), handed to
 * the mail server with no outcome recorded yet; the channel decides what follows a crash.
 * `sent` and `failed` are final; `failed` waits for staff. `cancelled` is final too: nothing
 * was left to send when its time came (a reminder of invoices paid meanwhile). `bounced`: the
 * server took it, and a delivery report read back later says it never reached its recipient.
 */
export const DELIVERY_STATUSES = ['pending', 'sending', 'sent', 'failed', 'cancelled', 'bounced'] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

export interface Delivery {
  id: string;
  customerId: string;
  /** Invoice numbers the message carries or announces. */
  invoices: string[];
  channel: DeliveryChannel;
  /** An email address, or a Discord user id. */
  recipient: string;
  /**
   * A mail's copies: the customer's invoice contacts when it was recorded, so that a retry
   * sends the same mail and support sees who got it. Absent when none (and in older records).
   */
  cc?: string[];
  reason: DeliveryReason;
  status: DeliveryStatus;
  attempts: number;
  lastError: string | null;
  /** Chosen before the first attempt, so that every attempt carries the same one. */
  messageId: string | null;
  /** Whether the PDFs ride along (the customer's toggle at the time of recording). */
  attachPdf: boolean;
  /** Staff who asked for it (a resend), for the record. */
  requestedBy: string | null;
  createdAt: string;
  updatedAt: string;
  nextAttemptAt: string | null;
  /** A reminder's invoices, each with the offset from its due date (in days) it reminds of. */
  reminded?: Record<string, number>;
  /** Download links the message carried instead of files too large for it; absent when none. */
  links?: DeliveryLink[];
  /**
   * The files the message carried (each PDF, those inside a ZIP too), by the SHA-256 of their
   * bytes, as they were when it was last sent: how a copy a customer holds is checked against
   * what was really sent. Absent when it carried none (and in older records).
   */
  files?: CarriedFile[];
  /** A mail whose files went as several (over MAIL_SIZE_LIMIT_MB): what each mail carries, and how many the server has taken. */
  parts?: DeliveryParts;
  /** Whether each recipient's copy left with its own signed return path (VERP): then a report about it without one is forged. */
  verp?: boolean;
  /** Addresses of the customer's left out of it because mail to them bounces (see Suppression); absent when none. */
  withheld?: string[];
  /** Delivery reports read back about it, oldest first; absent when none came. */
  bounces?: DeliveryBounce[];
}

/**
 * A message about invoices sent as several mails, (1/3), (2/3)…: each mail's invoices, in
 * order, and how many mails the server has accepted so far, so that an attempt after a crash
 * or a refusal sends the rest, cut as they were, and none twice.
 */
export interface DeliveryParts {
  invoices: string[][];
  sent: number;
}

/**
 * What the mail system reported of one recipient's copy: `hard`, it will never get there
 * (failed, 5.x.x); `soft`, not yet (delayed, 4.x.x), or not this time (failed after temporary
 * refusals); `complaint`, its reader called it spam (a feedback report).
 */
export const BOUNCE_KINDS = ['hard', 'soft', 'complaint'] as const;
export type BounceKind = (typeof BOUNCE_KINDS)[number];

export interface DeliveryBounce {
  address: string;
  kind: BounceKind;
  /** The enhanced status code (5.1.1), or the complaint's feedback type. */
  status: string;
  /** What the receiving server said, as the report quotes it. */
  diagnostic: string;
  at: string;
}

/** Who a delivery went to, as the delivery log shows it: the recipient, and the copies. */
export function shownRecipients(delivery: Pick<Delivery, 'recipient' | 'cc'>): string {
  return delivery.cc?.length ? `${delivery.recipient} (cc ${delivery.cc.join(', ')})` : delivery.recipient;
}

/**
 * A download link as the delivery log keeps it: its id (never the token, which is the
 * credential), when it stops working, and the invoices it gives.
 */
export interface DeliveryLink {
  id: string;
  expiresAt: string;
  invoices: string[];
}

export interface DeliveryQuery {
  customerId?: string;
  /** One status, or any of several (`--failed` lists the bounced too). */
  status?: DeliveryStatus | DeliveryStatus[];
  /** The one whose mail carried this Message-ID. */
  messageId?: string;
  reason?: DeliveryReason;
  requestedBy?: string;
  /** Only those carrying this invoice. */
  invoice?: string;
  /** Only those whose id starts so (ids as `facteur deliveries` prints them, cut short). */
  idPrefix?: string;
  /** Created at or after this ISO time. */
  since?: string;
  /** Only those whose next attempt is due at this ISO time. */
  dueAt?: string;
  /** Only those that carried a file with this SHA-256. */
  file?: string;
}

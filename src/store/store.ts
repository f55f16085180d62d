import type { IssuedPdf, IssuedPdfBytes } from '../billing/files.js';
import type { Customer, Invoice } from '../billing/types.js';
import type { InvoiceFilter } from '../billing/filter.js';
import type { Delivery, DeliveryQuery } from '../billing/delivery.js';
import { ActionableError } from '../faults.js';

/**
 * How far the handling of an inbound message went. `claimed`: taken, no reply on its way;
 * `sending`: a reply was handed to the mail server and may or may not have been accepted;
 * the others are final.
 */
export const INBOUND_STATUSES = ['claimed', 'sending', 'replied', 'ignored', 'failed'] as const;
export type InboundStatus = (typeof INBOUND_STATUSES)[number];

/**
 * One inbound message, recorded before anything is answered so that it is handled exactly
 * once across crashes and restarts. It also remembers who was answered when, for the
 * per-sender limits.
 */
export interface InboundMessage {
  /** Where the message sits: `imap:<mailbox>:<UIDVALIDITY>:<UID>`, or `file:<name>:<hash>` for the local inbox. */
  key: string;
  messageId: string | null;
  /** The From address, lower case; null when the message has none that can be read. */
  sender: string | null;
  /** The customer the sender was recognised as, null for a stranger. */
  customerId: string | null;
  status: InboundStatus;
  /** How many times handling started: bounded, so no message is retried forever. */
  attempts: number;
  /** Replies the mail server accepted (a split ZIP is several), and those in doubt, counted as done. */
  sent: number;
  /**
   * Replies (from 1) that were with the mail server when a process stopped: it may or may
   * not have accepted them, so they are not sent again, and the message goes to Failed once
   * the replies after them are sent.
   */
  inDoubt: number[];
  /** Why it was ignored or failed, or the last error of a failed attempt. */
  reason: string | null;
  /**
   * The process handling it (a random id each process picks): where several share the
   * store, a claim is that process's until `updatedAt` is older than the claim's lease.
   */
  claimedBy: string | null;
  receivedAt: string;
  updatedAt: string;
}

/**
 * Where linking a chat account to a customer stands, one record per chat account: the code
 * on its way (hashed), the wrong codes given, a lockout. Kept after a link so that wrong
 * tries are counted across codes, not per code.
 */
export interface LinkAttempt {
  /** `<network>:<user id>`, e.g. `discord:80351110224678912`. */
  account: string;
  /** The customer the code was mailed for; null when the address named no customer (no mail left). */
  customerId: string | null;
  /** Hash of the code on its way; null once used, or when none is. */
  codeHash: string | null;
  expiresAt: string;
  /**
   * The customer's address the code was mailed to (null: none was); the right code proves that
   * mailbox receives, lifting its suppression. Absent from records made before it was kept.
   */
  mailedTo?: string | null;
  /** Wrong codes given since the last link or lockout. */
  failures: number;
  /** Linking is refused to this account until then. */
  lockedUntil: string | null;
  /** When this account asked for codes lately: a few an hour at most. */
  requestedAt: string[];
  /**
   * The wrong codes this account gave lately, and for which customer: summed over every
   * account, they stop that customer's codes for a day. Kept when the account asks for
   * another customer's code, so that no one sheds them by asking elsewhere.
   */
  failedFor: { customerId: string; at: string }[];
  updatedAt: string;
}

/** Something a staff member did through a chat channel, kept for the record: who, what, when. */
export interface StaffAction {
  id: string;
  /** `<network>:<user id>` of the staff member. */
  staff: string;
  /** What they did: `resend`, `log`, `failed`. */
  action: string;
  /** What it was about: an invoice number, a customer's address; null for none. */
  target: string | null;
  /** How it went or what it carried, e.g. `email+discord: 2 deliveries`. */
  detail: string | null;
  at: string;
}

/**
 * A staff request held until its author confirms it with the code they were given: a
 * resend of more invoices than one mail may ask for. One per staff member; a new one replaces it.
 */
export interface HeldRequest {
  /** Who asked: `email:<address>`. */
  staff: string;
  numbers: string[];
  /** Hash of the code that releases it; null once used or given up. */
  codeHash: string | null;
  expiresAt: string;
  attempts: number;
}

/**
 * A message the bot sent in a chat (a Discord answer in a DM), with the invoices it carried or
 * showed (its files, a list's page, a details card): a reply to it, on whichever instance
 * receives it, is about those. Kept a while (see `forget`), and the latest
 * MAX_CHAT_MESSAGES of a customer's at most.
 */
export interface ChatMessage {
  /** The chat network's id of the message (a Discord snowflake). */
  id: string;
  customerId: string;
  invoices: string[];
  sentAt: string;
}

/** A customer's chat messages kept at most: a reply is to a recent one. */
export const MAX_CHAT_MESSAGES = 200;

/**
 * A signed request of the billing system (a webhook) that was answered: kept while its
 * signature is good (five minutes either side of its time), so that it is taken once by
 * every instance and across restarts, and so that an older event for one of its invoices,
 * arriving after it, is told from a newer one.
 */
export interface SignedReceipt {
  /** The signature that was used: `<t>.<v1 hex>`. */
  signature: string;
  /** When the billing system signed it (its `t`), as an ISO time. */
  signedAt: string;
  /** The invoices it carried, by number. */
  invoices: string[];
  /** When its signature stops being good: it may be forgotten then. */
  expiresAt: string;
}

/**
 * An address mail no longer goes to: it bounced for good, several soft bounces came in a row,
 * or its reader complained. Lifted by staff, by the address proving it receives again, and
 * left behind when the customer changes address (it is the address that is dead, not the account).
 */
export interface Suppression {
  /** Lower case. */
  address: string;
  /** The customer whose mail it was when it bounced. */
  customerId: string | null;
  kind: 'bounce' | 'softBounces' | 'complaint';
  /** The report's status (5.1.1) or feedback type (abuse). */
  status: string;
  /** What the receiving server said. */
  diagnostic: string;
  /** The delivery whose report decided it. */
  deliveryId: string;
  since: string;
}

/**
 * Changes saved in one call. The store keeps together what must land together (a
 * customer's delivery records of a push; an import's customers and invoices): each such
 * group reaches the disk whole or not at all.
 */
export interface Changes {
  customers?: Customer[];
  invoices?: Invoice[];
  /** Replaces the record with the same key. */
  inbound?: InboundMessage[];
  /** Replaces the record with the same id. */
  deliveries?: Delivery[];
  /**
   * Invoice numbers to count as announced without a push delivery carrying them: those
   * already there when the push first met the store, those of customers who cannot be told.
   */
  announced?: string[];
  /** Set once, when the push first meets the store. */
  announcingSince?: string;
  /** Replaces the record with the same account. */
  linkAttempts?: LinkAttempt[];
  staffActions?: StaffAction[];
  /** Replaces the record of the same staff member. */
  heldRequests?: HeldRequest[];
  /** Added (the same id again is ignored); a customer's oldest past MAX_CHAT_MESSAGES are dropped. */
  chatMessages?: ChatMessage[];
  /**
   * Signed requests answered, with what they changed: written with it, or after it where
   * the store cannot write both at once, never before (a request that failed has not used
   * its signature). Those past their expiry are dropped meanwhile.
   */
  receipts?: SignedReceipt[];
  /**
   * The billing system's PDFs of invoices: the bytes kept once by their SHA-256, and each
   * (invoice, bytes) pair with when it was received (a pair met again is received again, and
   * is the one sent from then on). Written with the invoices they go with.
   */
  pdfs?: IssuedPdfBytes[];
  /** Replaces the record of the same address (what `facteur db copy` moves). */
  suppressions?: Suppression[];
}

/**
 * The narrow interface every part of Facteur uses to reach its data, whatever holds it
 * (lowdb files in the data folder, or PostgreSQL). Every read is asynchronous. A write is
 * either `save` (records replaced whole, which no one else changes meanwhile: new records,
 * an import's invoices) or an `update…` whose change runs on the record as it is when the
 * write happens: nothing above the store reads a record, awaits, and writes it back, so two
 * processes (or two requests of one) changing a record at once both land.
 */
export interface Store {
  customerById(id: string): Promise<Customer | undefined>;
  /** By login email or confirmed notification address, case-insensitively. */
  customerByAddress(address: string): Promise<Customer | undefined>;
  /**
   * The customer waiting for a code to come back from this new address: only once the
   * owner approved the change, since only then was a code mailed there.
   */
  customerByPendingAddress(address: string): Promise<Customer | undefined>;
  /**
   * The customer one of whose invoice contacts is this address and may ask (`mayAsk`),
   * case-insensitively. A contact is no identity otherwise, so `customerByAddress` never
   * finds it. An address several customers allowed names none of them: which account it
   * asks about cannot be told, and a guess would answer about someone else's.
   */
  customerByAskingContact(address: string): Promise<Customer | undefined>;
  /** Customers by name, `limit` at most from `offset`: for the console's list and the import's lookups. */
  customers(page?: { offset?: number; limit?: number }): Promise<Customer[]>;
  /** Customers whose login email is one of these (lower case): what an import needs of them. */
  customersByEmail(emails: string[]): Promise<Customer[]>;
  countCustomers(): Promise<number>;
  /** The customer a chat account (`network`, user id) is linked to. */
  customerByLink(network: string, userId: string): Promise<Customer | undefined>;
  /** Where linking this chat account (`<network>:<user id>`) stands. */
  linkAttempt(account: string): Promise<LinkAttempt | undefined>;
  /** Wrong link codes given for this customer at or after `since` (an ISO time), by every chat account together. */
  linkFailuresFor(customerId: string, since: string): Promise<number>;
  /** The request this staff member was asked to confirm, if any. */
  heldRequest(staff: string): Promise<HeldRequest | undefined>;
  /** A message the bot sent, by its id, while it is kept. */
  chatMessage(id: string): Promise<ChatMessage | undefined>;
  /** Staff actions recorded at or after `since` (an ISO time), oldest first. */
  staffActions(since?: string): Promise<StaffAction[]>;
  invoice(number: string): Promise<Invoice | undefined>;
  /** Invoices with these numbers, in no particular order; unknown numbers are left out. */
  invoicesByNumber(numbers: string[]): Promise<Invoice[]>;
  /** A customer's invoices matching the filter, newest first. */
  invoices(customerId: string, filter?: InvoiceFilter): Promise<Invoice[]>;
  /**
   * The record of an inbound message by its key, or else another copy of it: the same
   * Message-ID from the same sender. Anyone can write any Message-ID, so one sent by
   * someone else first never stands for this message.
   */
  inboundMessage(key: string, copy: { messageId: string; sender: string } | null): Promise<InboundMessage | undefined>;
  /**
   * How many messages received since `since` (an ISO time) were answered: those from
   * `sender` when given, only strangers' (no customer recognised) when `strangers` is set.
   */
  answeredInbound(query: { since: string; sender?: string; strangers?: boolean }): Promise<number>;
  delivery(id: string): Promise<Delivery | undefined>;
  /** Delivery records matching the query, oldest first. */
  deliveries(query?: DeliveryQuery): Promise<Delivery[]>;
  /** The suppression of this address (any case), if mail to it is held back. */
  suppression(address: string): Promise<Suppression | undefined>;
  /** Every suppressed address, oldest first. */
  suppressions(): Promise<Suppression[]>;
  /** The signed request answered with this signature, if one was (and was not forgotten since it expired). */
  signedReceipt(signature: string): Promise<SignedReceipt | undefined>;
  /** For each of these invoices that a kept signed request carried, the latest time such a request was signed. */
  lastSigned(numbers: string[]): Promise<Map<string, string>>;
  /** The billing system's PDF of each of these invoices that has one: the latest received, the one every channel sends. */
  issuedPdfs(numbers: string[]): Promise<Map<string, IssuedPdf>>;
  /** Every PDF the billing system sent for this invoice, or with these bytes (whatever invoice), oldest first. */
  issuedPdfHistory(query: { invoice: string } | { sha256: string }): Promise<IssuedPdf[]>;
  /** The bytes kept under this SHA-256, if any. */
  pdfBytes(sha256: string): Promise<Buffer | undefined>;
  /** Where a store that keeps them as files (the data folder's `issued/`) keeps these bytes; PostgreSQL keeps none (see pdfBytes). */
  pdfFile?(sha256: string): Promise<string | undefined>;
  /** Unpaid invoices due on or before `day` (a YYYY-MM-DD), every customer's: what reminders look through. */
  unpaidDueBy(day: string): Promise<Invoice[]>;
  /** For each of these invoices that a reminder carried, the highest offset (days from its due date) reminded of. */
  remindedOffsets(numbers: string[]): Promise<Map<string, number>>;
  /** Invoices not yet announced to their customer, oldest first. */
  unannouncedInvoices(): Promise<Invoice[]>;
  /**
   * When the push first met this store, or null if it never has; until then every invoice
   * counts as unannounced, and the first meeting marks them all announced (no flood).
   */
  announcingSince(): Promise<string | null>;
  save(changes: Changes): Promise<void>;
  /**
   * Changes one customer as `change` says, applied to the record as it is when the write
   * happens, never to a copy read before an await: two changes of one customer made at the
   * same time both land. Resolves with the customer as written, or undefined for an unknown id.
   */
  updateCustomer(id: string, change: (customer: Customer) => Customer): Promise<Customer | undefined>;
  /**
   * The same for an invoice (a payment or a cancellation the billing system reports): `change`
   * returns the invoice to write and a result handed back to the caller (what it decided on
   * the invoice as it is when written); undefined for an unknown number.
   */
  updateInvoice<T>(number: string, change: (invoice: Invoice) => { invoice: Invoice; result: T }): Promise<T | undefined>;
  /**
   * The same for a chat account's link record (undefined before its first): `change`
   * returns the record to write (null for none) and a result handed back to the caller.
   */
  updateLinkAttempt<T>(account: string, change: (attempt: LinkAttempt | undefined) => { attempt: LinkAttempt | null; result: T }): Promise<T>;
  /** The same for a staff member's held request. */
  updateHeldRequest<T>(staff: string, change: (held: HeldRequest | undefined) => { held: HeldRequest | null; result: T }): Promise<T>;
  /**
   * The same for an address's suppression: `change` returns the record the address has
   * afterwards (null: none, lifting one there was; the one found, unchanged: nothing written)
   * and a result handed back to the caller.
   */
  updateSuppression<T>(address: string, change: (found: Suppression | undefined) => { suppression: Suppression | null; result: T }): Promise<T>;
  /** The same for a delivery record; undefined for an unknown id. */
  updateDelivery(id: string, change: (delivery: Delivery) => Delivery): Promise<Delivery | undefined>;
  /**
   * The same for an inbound message's record (found by key, or as another copy of it, like
   * `inboundMessage`): `change` returns the record to write, or null to write nothing (the
   * record's own key says where it goes: a copy found under another key is carried on under
   * that one), and a result handed back to the caller: what it decided on the record as
   * written. This is how a message is claimed: of two processes taking it at once, the
   * second sees the first's record.
   */
  updateInbound<T>(
    key: string,
    copy: { messageId: string; sender: string } | null,
    change: (found: InboundMessage | undefined) => { record: InboundMessage | null; result: T },
  ): Promise<T>;
  /**
   * Drops what is only kept for a while (ISO times): finished inbound records received
   * before `inbound`, staff actions before `staffActions`, chat accounts' link records
   * untouched since `linkAttempts` (long after their codes and lockouts ended) and the bot's
   * chat messages sent before it, and signed
   * requests' receipts expired before `receipts`, so that no file grows forever, whoever
   * writes to the inbox, the bot or the API.
   */
  forget(before: { inbound: string; staffActions: string; linkAttempts: string; receipts: string }): Promise<void>;
  /**
   * Runs `work` unless the job of this name is already running, in this process or another
   * sharing the store: then it does nothing and says so. This is how a scheduled job (the
   * push) runs once per schedule however many processes share the store. The job is free
   * again once `work` ends, or once its process dies (PostgreSQL lets go of a dead session's locks).
   * `lost` is aborted if the job stops being this process's while `work` runs (the database's
   * connection that held it was lost): long work, such as holding the Discord gateway, then lets go.
   */
  exclusive<T>(job: string, work: (lost: AbortSignal) => Promise<T>): Promise<{ ran: true; result: T } | { ran: false }>;
  /**
   * Runs `work` once no other `work` of this name runs, in this process or another sharing the
   * store: they wait their turn. What reads, decides and writes across awaits (an import,
   * which must not give one invoice to two customers who send it at once) runs so.
   */
  serially<T>(job: string, work: () => Promise<T>): Promise<T>;
  /** Lets go of what the store holds open (a connection pool, the data folder's lock). */
  close(): Promise<void>;
  /**
   * Whether other processes may write this store at the same time (PostgreSQL): then a
   * record another process claimed is left to it while its claim is fresh. lowdb's data
   * folder has one writer, so a claim found there is a dead process's.
   */
  readonly shared: boolean;
}

/** A store that cannot be opened; the message names the file and what is wrong with it. */
export class StoreError extends ActionableError {
  constructor(
    readonly file: string,
    problem: string,
    advice = 'The file was left untouched; fix or move it, then start again.',
  ) {
    super(`${file}: ${problem}. ${advice}`);
    this.name = 'StoreError';
  }
}

/**
 * Past the longest string JavaScript can build (about 512 MB of JSON: bench/store.ts met it
 * between 100,000 and 1,000,000 invoices), one lowdb file cannot be serialised at all; no
 * retry helps, PostgreSQL does.
 */
const TOO_BIG =
  'It is as it was before this change, but too big to be written as one file: move the store to PostgreSQL (facteur db copy --to postgres://…, see the README).';

/**
 * A store file that could not be written (a full disk, a quota, a read-only file system).
 * The file on disk is as it was before; `cause` keeps the system's error, whose code says
 * whether trying again later can help.
 */
export class StoreWriteError extends StoreError {
  constructor(file: string, cause: NodeJS.ErrnoException) {
    super(
      file,
      `could not be written (${cause.code ?? cause.message})`,
      cause instanceof RangeError ? TOO_BIG : 'It is as it was before this change; make room or fix the cause, then try again.',
    );
    this.name = 'StoreWriteError';
    this.cause = cause;
  }
}

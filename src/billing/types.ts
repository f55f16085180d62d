/**
 * The billing domain as the client area shows it: customers and their invoices.
 * Money is always an integer in the currency's smallest unit (XAF has none),
 * so no amount is ever a float.
 */

export type Locale = 'fr' | 'en';
export const LOCALES: readonly Locale[] = ['fr', 'en'];

export type InvoiceStatus = 'unpaid' | 'paid' | 'cancelled';
export const INVOICE_STATUSES: readonly InvoiceStatus[] = ['unpaid', 'paid', 'cancelled'];

/** A calendar date as the billing system writes it: `YYYY-MM-DD`, no time zone. */
export type IsoDate = string;

/**
 * An amount of one currency, in its smallest unit. One invoice's is a number (the import keeps
 * it at most 10¹⁵, a safe integer); a sum over invoices is a bigint, since ten invoices of 10¹⁵
 * already pass Number.MAX_SAFE_INTEGER (2^53), past which adding numbers rounds.
 */
export interface Amount {
  currency: string;
  amount: number | bigint;
}

export interface InvoiceLine {
  label: string;
  quantity: number;
  /** In the currency's smallest unit. */
  unitPrice: number;
}

export interface Tax {
  label: string;
  /** A percentage, e.g. 19.25 for Cameroon's VAT. */
  rate: number;
}

export interface Invoice {
  number: string;
  customerId: string;
  issuedAt: IsoDate;
  dueAt: IsoDate;
  currency: string;
  lines: InvoiceLine[];
  taxes: Tax[];
  status: InvoiceStatus;
  paidAt: IsoDate | null;
  /**
   * The billing system's payment page for this invoice, as `checkPayUrl` keeps it (https, an
   * ASCII domain); absent when it gave none. Shown only while the invoice is unpaid (`payLinkOf`).
   */
  payUrl?: string;
}

/** A change of the account a customer can ask for: what the client area's "Notifications" tab changes. */
export type AccountChange =
  | { kind: 'address'; address: string }
  | { kind: 'attachments'; on: boolean }
  | { kind: 'chat'; on: boolean }
  | { kind: 'reminders'; on: boolean }
  /** Invoice contacts (the accountant, the boss): added like a new address, so the owner approves and the contact confirms. */
  | { kind: 'contact'; address: string }
  | { kind: 'contactRemoved'; address: string }
  | { kind: 'contactMayAsk'; address: string; on: boolean };

/** At most this many invoice contacts beside the notification address. */
export const MAX_CONTACTS = 5;

/**
 * Someone who gets a copy (Cc) of each invoice mail. A contact is no identity: mail from it
 * is a stranger's unless the owner allowed it to ask (`mayAsk`), and even then it is never
 * the owner (its account changes wait for the owner's approval).
 */
export interface InvoiceContact {
  address: string;
  mayAsk: boolean;
  addedAt: string;
}

/** A one-time code on its way to someone: only its hash is kept, with its lifetime and the wrong tries against it. */
export interface CodeOnItsWay {
  codeHash: string;
  expiresAt: string;
  attempts: number;
}

/**
 * The owner's approval asked by mail: one mail to each address on record, whose Message-IDs
 * (random, known only to those mailboxes) a reply names in In-Reply-To or References. Only
 * their hashes are kept. Nothing is typed, so nothing can be guessed.
 */
export interface ApprovalOnItsWay {
  replyHashes: string[];
  expiresAt: string;
}

/**
 * A change asked for and not yet made. Two proofs may be owed: the owner's approval (a
 * reply to a mail sent to the addresses on record, when the request came by a channel that
 * does not prove who wrote it), and, for a new address, that its reader confirms it (a code
 * mailed there once the owner approved). The change is made when neither is owed any more.
 */
export interface PendingChange {
  change: AccountChange;
  /** Asked of the owner; null when the owner asked (a linked chat account; authenticated mail, for what sends invoices nowhere new) or has approved. */
  approval: ApprovalOnItsWay | null;
  /** The code mailed to the new address once approved; null before that, and for changes with no new address. */
  confirmation: CodeOnItsWay | null;
  requestedAt: string;
}

export interface NotificationSettings {
  /** Where new invoices are mailed; null until the customer sets one. */
  address: string | null;
  /** The client area's "attachments" box: mail the PDF with each new invoice. */
  attachPdf: boolean;
  /** Whether new invoices are also sent as a direct message to the linked chat accounts (opt-in). */
  chat: boolean;
  /** Payment reminders: on unless the customer turned them off (absent from records older than reminders: on). */
  reminders?: boolean;
}

export interface Customer {
  id: string;
  /** The login email of the client area; it identifies the customer by mail. */
  email: string;
  name: string;
  locale: Locale;
  notifications: NotificationSettings;
  /** Chat accounts linked to this customer, by network (e.g. `discord`). */
  links: Record<string, string[]>;
  /** Changes waiting for codes to come back, at most one of each kind. */
  pending: PendingChange[];
  /**
   * When wrong codes were given for this account in the last day, from any chat account or
   * address: past a few, no code is taken for it for a day, however many accounts guess.
   */
  codeFailures: string[];
  /** When codes were mailed to new addresses for this account in the last day: a few a day at most. */
  codesMailed: string[];
  /**
   * Invoices the customer said were paid (« j'ai déjà payé la facture 1266 »), and when: their
   * reminders wait while staff check. Absent from records older than reminders.
   */
  paymentClaims?: PaymentClaim[];
  /** Invoice contacts, at most `MAX_CONTACTS`; absent from records older than contacts. */
  contacts?: InvoiceContact[];
}

export interface PaymentClaim {
  number: string;
  at: string;
}

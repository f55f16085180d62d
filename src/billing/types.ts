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
}

/** A notification address waiting for the code sent to it to come back. */
export interface PendingAddress {
  address: string;
  codeHash: string;
  expiresAt: string;
  attempts: number;
}

export interface NotificationSettings {
  /** Where new invoices are mailed; null until the customer sets one. */
  address: string | null;
  /** The client area's "attachments" box: mail the PDF with each new invoice. */
  attachPdf: boolean;
  /** Whether new invoices are also sent as a direct message to the linked chat accounts (opt-in). */
  chat: boolean;
  pending: PendingAddress | null;
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
}

import { daysBetween } from './dates.js';
import type { Invoice, InvoiceStatus, IsoDate } from './types.js';

/** What the billing system reports of an invoice after it was issued: paid (on a day), cancelled, or unpaid again. */
export interface StatusChange {
  status: InvoiceStatus;
  /** The day it was paid; today when a payment does not say. */
  paidAt?: IsoDate | null;
}

/**
 * The invoice as the change leaves it, or why the change cannot be: by the rules the import
 * keeps (a payment is not before the invoice, nor after today; only a paid invoice has a
 * payment day).
 */
export function withStatus(invoice: Invoice, change: StatusChange, today: IsoDate): { invoice: Invoice } | { reason: string } {
  if (change.status !== 'paid') {
    if (change.paidAt) return { reason: `paidAt is set on a change to ${change.status}` };
    return { invoice: { ...invoice, status: change.status, paidAt: null } };
  }
  const paidAt = change.paidAt ?? today;
  if (paidAt < invoice.issuedAt) return { reason: `paidAt ${paidAt} is before the invoice was issued (${invoice.issuedAt})` };
  if (paidAt > today) return { reason: `paidAt ${paidAt} is after today (${today})` };
  return { invoice: { ...invoice, status: 'paid', paidAt } };
}

/** Whole days an unpaid invoice is past its due day on `day`, as the account statement prints them; 0 until it is, and for one paid or cancelled. */
export function daysOverdue(invoice: Invoice, day: IsoDate): number {
  return invoice.status === 'unpaid' ? Math.max(0, daysBetween(invoice.dueAt, day)) : 0;
}

/**
 * An invoice's state as the catalogs' selects choose their words (`details.state`,
 * `push.line`): paid on a day, `paidUndated` when the billing system marked it paid without
 * its day (said « payée », not « payée le  »), cancelled, or unpaid with its due day. Told
 * `today`, an unpaid invoice past its due day is `overdue` by `days`, and one due that very
 * day `dueToday`: « à payer avant le 3 nov. » read after the 3rd would be untrue.
 */
export function stateWords(invoice: Invoice, today?: IsoDate): { status: string; due: IsoDate; paid: IsoDate | null; days: number } {
  const days = today === undefined ? 0 : daysOverdue(invoice, today);
  const unpaid = invoice.status === 'unpaid' && today !== undefined ? (days > 0 ? 'overdue' : invoice.dueAt === today ? 'dueToday' : null) : null;
  const status = unpaid ?? (invoice.status === 'paid' && invoice.paidAt === null ? 'paidUndated' : invoice.status);
  return { status, due: invoice.dueAt, paid: invoice.paidAt, days };
}

import type { Invoice, InvoiceStatus, IsoDate } from './types.js';

/**
 * Which of a customer's invoices a request is about. Every field narrows; an empty
 * filter means all of them. Dates compare as strings, which `YYYY-MM-DD` allows.
 */
export interface InvoiceFilter {
  year?: number;
  /** 1–12; only meaningful with `year`. */
  month?: number;
  from?: IsoDate;
  to?: IsoDate;
  status?: InvoiceStatus;
  /** Only those due before this day: overdue, when it is today. */
  dueBefore?: IsoDate;
  numbers?: string[];
  /**
   * A rank among those that match ("the latest", "the 3 latest", "the one before the
   * latest", "the first of 2024"): not a test of one invoice, applied to the list by `picked`.
   */
  pick?: { from: 'newest' | 'oldest'; skip: number; take: number };
  /** Issued in one of these spans (« T2 et T4 2024 », "March and May"); `from` and `to`, when set, span them all. */
  union?: Span[];
  /** Paid in this span, by the day paid (« réglées en juillet », "settled last quarter"). */
  paid?: Span;
  /** Left out: « sauf celle de mai », « hors impayées », "other than 1203", « sauf le certificat SSL ». */
  except?: Exclusion;
}

/** Days from `from` to `to`, both included; either may be open. */
export interface Span {
  from?: IsoDate;
  to?: IsoDate;
}

/** What a request leaves out; an invoice that matches any part of it is left out. */
export interface Exclusion {
  numbers?: string[];
  /** Issued in one of these spans. */
  spans?: Span[];
  status?: InvoiceStatus;
  /** Words one of its lines' labels holds, all of them (lower case, no accents). */
  label?: string[];
}

/** Where one is in a list: what it lists and which page (from 0) is shown. */
export interface ListPosition {
  filter: InvoiceFilter;
  page: number;
}

export function matchesFilter(invoice: Invoice, filter: InvoiceFilter): boolean {
  const { issuedAt } = invoice;
  if (filter.year !== undefined && Number(issuedAt.slice(0, 4)) !== filter.year) return false;
  if (filter.month !== undefined && Number(issuedAt.slice(5, 7)) !== filter.month) return false;
  if (filter.from !== undefined && issuedAt < filter.from) return false;
  if (filter.to !== undefined && issuedAt > filter.to) return false;
  if (filter.status !== undefined && invoice.status !== filter.status) return false;
  if (filter.dueBefore !== undefined && invoice.dueAt >= filter.dueBefore) return false;
  if (filter.numbers !== undefined && !filter.numbers.includes(invoice.number)) return false;
  if (filter.union !== undefined && !filter.union.some((span) => within(issuedAt, span))) return false;
  if (filter.paid !== undefined && !(invoice.status === 'paid' && invoice.paidAt !== null && within(invoice.paidAt, filter.paid))) return false;
  return filter.except === undefined || !excluded(invoice, filter.except);
}

function within(day: IsoDate, { from, to }: Span): boolean {
  return (from === undefined || day >= from) && (to === undefined || day <= to);
}

function excluded(invoice: Invoice, except: Exclusion): boolean {
  if (except.numbers?.includes(invoice.number)) return true;
  if (except.spans?.some((span) => within(invoice.issuedAt, span))) return true;
  if (except.status !== undefined && invoice.status === except.status) return true;
  return except.label !== undefined && except.label.length > 0 && invoice.lines.some((line) => labelHolds(line.label, except.label!));
}

/** Whether a line's label holds every word, each as the start of one of its words, accents and case aside. */
export function labelHolds(label: string, words: string[]): boolean {
  const own = label
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .split(/[^a-z0-9]+/);
  return words.every((word) => own.some((w) => w.startsWith(word)));
}

/** The invoices the filter's rank picks from a list sorted newest first; the list itself without a rank. */
export function picked<T>(newestFirst: T[], filter: InvoiceFilter): T[] {
  const pick = filter.pick;
  if (!pick) return newestFirst;
  const ordered = pick.from === 'newest' ? newestFirst : newestFirst.toReversed();
  return ordered.slice(pick.skip, pick.skip + pick.take);
}

/** Newest first, as the client area lists them; numbers break ties on the same day. */
export function byIssueDateDesc(a: Invoice, b: Invoice): number {
  return b.issuedAt.localeCompare(a.issuedAt) || b.number.localeCompare(a.number, 'en', { numeric: true });
}

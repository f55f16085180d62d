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
  numbers?: string[];
}

export function matchesFilter(invoice: Invoice, filter: InvoiceFilter): boolean {
  const { issuedAt } = invoice;
  if (filter.year !== undefined && Number(issuedAt.slice(0, 4)) !== filter.year) return false;
  if (filter.month !== undefined && Number(issuedAt.slice(5, 7)) !== filter.month) return false;
  if (filter.from !== undefined && issuedAt < filter.from) return false;
  if (filter.to !== undefined && issuedAt > filter.to) return false;
  if (filter.status !== undefined && invoice.status !== filter.status) return false;
  if (filter.numbers !== undefined && !filter.numbers.includes(invoice.number)) return false;
  return true;
}

/** Newest first, as the client area lists them; numbers break ties on the same day. */
export function byIssueDateDesc(a: Invoice, b: Invoice): number {
  return b.issuedAt.localeCompare(a.issuedAt) || b.number.localeCompare(a.number, 'en', { numeric: true });
}

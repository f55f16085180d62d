import { sumByCurrency } from './money.js';
import { daysOverdue } from './status.js';
import { totals } from './totals.js';
import type { Amount, Invoice, IsoDate } from './types.js';

/** Days from `from` to `to`, both included; either end may be open. */
export interface Period {
  from?: IsoDate;
  to?: IsoDate;
}

/** An invoice as the statement lists it, with what it comes to. */
export interface StatementLine {
  invoice: Invoice;
  amount: number;
}

/** An unpaid invoice on the statement: how many days it is past its due date on the statement's day, 0 until it is. */
export interface UnpaidLine extends StatementLine {
  daysOverdue: number;
}

/**
 * A customer's account on one day, as the account statement prints it: the unpaid
 * invoices, the longest due first, and the total due in each currency; and, when asked,
 * the invoices paid in a period. Cancelled invoices are on neither list.
 */
export interface Statement {
  customerId: string;
  date: IsoDate;
  unpaid: UnpaidLine[];
  /** What is due, one amount per currency (in the order the unpaid list meets them); empty when nothing is. */
  due: Amount[];
  paid: { period: Period; lines: StatementLine[]; total: Amount[] } | null;
}

/**
 * The statement of `customerId`'s account on `date`, from their invoices: every unpaid
 * one, and those paid in `paidIn` (by the day they were paid) when it is given. An invoice
 * of another customer is a caller's bug, which would show it to the wrong person: it throws.
 */
export function accountStatement(customerId: string, invoices: Invoice[], date: IsoDate, paidIn: Period | null): Statement {
  const foreign = invoices.find((invoice) => invoice.customerId !== customerId);
  if (foreign) throw new Error(`accountStatement: invoice ${foreign.number} is not customer ${customerId}'s`);
  const unpaid = invoices
    .filter((invoice) => invoice.status === 'unpaid')
    .toSorted((a, b) => a.dueAt.localeCompare(b.dueAt) || byNumber(a, b))
    .map((invoice) => ({ invoice, amount: totals(invoice).total, daysOverdue: daysOverdue(invoice, date) }));
  return { customerId, date, unpaid, due: totalOf(unpaid), paid: paidIn ? paidSection(invoices, paidIn) : null };
}

function paidSection(invoices: Invoice[], period: Period): NonNullable<Statement['paid']> {
  const lines = invoices
    .filter((invoice) => invoice.status === 'paid' && invoice.paidAt !== null && within(invoice.paidAt, period))
    .toSorted((a, b) => a.paidAt!.localeCompare(b.paidAt!) || byNumber(a, b))
    .map((invoice) => ({ invoice, amount: totals(invoice).total }));
  return { period, lines, total: totalOf(lines) };
}

function within(day: IsoDate, period: Period): boolean {
  return (period.from === undefined || day >= period.from) && (period.to === undefined || day <= period.to);
}

function byNumber(a: Invoice, b: Invoice): number {
  return a.number.localeCompare(b.number, 'en', { numeric: true });
}

function totalOf(lines: StatementLine[]): Amount[] {
  return sumByCurrency(lines.map(({ invoice, amount }) => ({ currency: invoice.currency, amount })));
}

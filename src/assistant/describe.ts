import { formatDate, formatMoney } from '../billing/money.js';
import { totals } from '../billing/totals.js';
import type { Invoice } from '../billing/types.js';
import type { Context } from './context.js';

/** How an invoice is named in a sentence: its date, amount and status, in the reader's words. */
export function summary(ctx: Context, invoice: Invoice): { number: string; date: string; amount: string; status: string } {
  return {
    number: invoice.number,
    date: formatDate(invoice.issuedAt, ctx.locale),
    amount: formatMoney(totals(invoice).total, invoice.currency, ctx.locale),
    status: ctx.t(`status.${invoice.status}`),
  };
}

/** The numbers asked for that are not the customer's (whether they exist or not: no difference is shown). */
export function missingNumbers(ctx: Context, numbers: string[] | undefined): string[] {
  return (numbers ?? []).filter((number) => !ctx.ownInvoice(number));
}

import { invoiceFigures } from '../billing/money.js';
import type { Invoice } from '../billing/types.js';
import type { Context } from './context.js';

/** How an invoice is named in a sentence: its date, amount and status, in the reader's words. */
export function summary(ctx: Context, invoice: Invoice): ReturnType<typeof invoiceFigures> & { status: string } {
  return { ...invoiceFigures(invoice, ctx.locale), status: ctx.t('status', { status: invoice.status }) };
}

/** The numbers asked for that are not the customer's (whether they exist or not: no difference is shown). */
export async function missingNumbers(ctx: Context, numbers: string[] | undefined): Promise<string[]> {
  const own = new Set((await ctx.ownInvoices(numbers ?? [])).map((invoice) => invoice.number));
  return (numbers ?? []).filter((number) => !own.has(number));
}

import { formatMoney } from '../../billing/money.js';
import { totals } from '../../billing/totals.js';
import type { Context } from '../context.js';
import type { Reply } from '../reply.js';
import { invoiceTable } from './list.js';

/** What the customer owes: the unpaid invoices, the overdue ones counted, and the total due in each currency. */
export async function balance(ctx: Context): Promise<Reply> {
  const unpaid = await ctx.services.store.invoices(ctx.customer.id, { status: 'unpaid' });
  if (unpaid.length === 0) return ctx.reply([ctx.t('balance.none')]);
  const byCurrency = new Map<string, number>();
  for (const invoice of unpaid) byCurrency.set(invoice.currency, (byCurrency.get(invoice.currency) ?? 0) + totals(invoice).total);
  const total = [...byCurrency].map(([currency, amount]) => formatMoney(amount, currency, ctx.locale)).join(' + ');
  const today = ctx.services.today();
  const overdue = unpaid.filter((invoice) => invoice.dueAt < today).length;
  const text = [ctx.t('balance.due', { total, count: unpaid.length })];
  if (overdue > 0) text.push(ctx.t('balance.overdue', { count: overdue }));
  return ctx.reply(text, { table: invoiceTable(ctx, unpaid) });
}

import { picked, type InvoiceFilter, type ListPosition } from '../../billing/filter.js';
import type { Invoice } from '../../billing/types.js';
import type { Context } from '../context.js';
import { summary } from '../describe.js';
import type { Reply } from '../reply.js';

/** The client area's table of invoices (date, number, amount, status), one page at a time. */
export function list(ctx: Context, filter: InvoiceFilter): Promise<Reply> {
  return showPage(ctx, filter, 0);
}

/** The next or previous page of the list `from` names, or else of the conversation's last list. */
export async function turnPage(ctx: Context, step: 1 | -1, from?: ListPosition): Promise<Reply> {
  const position = from ?? ctx.memory.get(ctx.conversation).list;
  if (!position) return ctx.refuse('page.none');
  const pages = Math.ceil((await matching(ctx, position.filter)).length / ctx.services.pageSize);
  const page = position.page + step;
  if (page >= pages) return ctx.refuse('page.end');
  if (page < 0) return ctx.refuse('page.start');
  return showPage(ctx, position.filter, page);
}

/** The customer's invoices the filter names, newest first, its rank applied. */
export async function matching(ctx: Context, filter: InvoiceFilter): Promise<Invoice[]> {
  return picked(await ctx.services.store.invoices(ctx.customer.id, filter), filter);
}

/** The table of these invoices, the same invoices to pick from and the pay links of those unpaid, for a list and for what else answers with one (the balance). */
export function invoiceList(ctx: Context, invoices: Invoice[]): Required<Pick<Reply, 'table' | 'listed' | 'pay'>> {
  const listed = invoices.map((invoice) => ({ ...summary(ctx, invoice), state: invoice.status }));
  const rows = listed.map((s) => [s.date, s.number, s.amount, s.status]);
  return {
    table: { columns: ['date', 'number', 'amount', 'status'].map((c) => ctx.t(`list.columns.${c}`)), rows, alignRight: [2] },
    listed: listed.map(({ number, date, amount, status, state }) => ({ number, date, amount, status, state })),
    pay: ctx.payLinks(invoices),
  };
}

async function showPage(ctx: Context, filter: InvoiceFilter, page: number): Promise<Reply> {
  const invoices = await matching(ctx, filter);
  if (invoices.length === 0) return ctx.reply([ctx.t('list.empty')]);
  ctx.memory.update(ctx.conversation, { list: { filter, page } });
  const size = ctx.services.pageSize;
  const pages = Math.ceil(invoices.length / size);
  const text = [ctx.t('list.count', { count: invoices.length })];
  const footer = pages > 1 ? [ctx.t('list.page', { page: page + 1, pages })] : [];
  if (page + 1 < pages) footer.push(ctx.t('list.more'));
  if (page > 0) footer.push(ctx.t('list.back'));
  return ctx.reply([...text, ...(footer.length ? [footer.join(' ')] : [])], {
    ...invoiceList(ctx, invoices.slice(page * size, (page + 1) * size)),
    ...(pages > 1 ? { page: { number: page + 1, count: pages, position: { filter, page } } } : {}),
  });
}

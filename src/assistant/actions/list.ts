import type { InvoiceFilter } from '../../billing/filter.js';
import type { Context } from '../context.js';
import { summary } from '../describe.js';
import type { Reply } from '../reply.js';

/** The client area's table of invoices (date, number, amount, status), one page at a time. */
export function list(ctx: Context, filter: InvoiceFilter): Reply {
  return showPage(ctx, filter, 0);
}

export function turnPage(ctx: Context, step: 1 | -1): Reply {
  const position = ctx.pages.get(ctx.conversation);
  if (!position) return ctx.refuse('page.none');
  const pages = pageCount(ctx, position.filter);
  const page = position.page + step;
  if (page >= pages) return ctx.refuse('page.end');
  if (page < 0) return ctx.refuse('page.start');
  return showPage(ctx, position.filter, page);
}

function showPage(ctx: Context, filter: InvoiceFilter, page: number): Reply {
  const invoices = ctx.services.store.invoices(ctx.customer.id, filter);
  if (invoices.length === 0) return ctx.reply([ctx.t('list.empty')]);
  ctx.pages.set(ctx.conversation, { filter, page });
  const size = ctx.services.pageSize;
  const pages = Math.ceil(invoices.length / size);
  const rows = invoices.slice(page * size, (page + 1) * size).map((invoice) => {
    const s = summary(ctx, invoice);
    return [s.date, s.number, s.amount, s.status];
  });
  const text = [ctx.t('list.count', { count: invoices.length })];
  const footer = pages > 1 ? [ctx.t('list.page', { page: page + 1, pages })] : [];
  if (page + 1 < pages) footer.push(ctx.t('list.more'));
  if (page > 0) footer.push(ctx.t('list.back'));
  const columns = ['date', 'number', 'amount', 'status'].map((c) => ctx.t(`list.columns.${c}`));
  return ctx.reply([...text, ...(footer.length ? [footer.join(' ')] : [])], {
    table: { columns, rows, alignRight: [2] },
    ...(pages > 1 ? { page: { number: page + 1, count: pages } } : {}),
  });
}

function pageCount(ctx: Context, filter: InvoiceFilter): number {
  return Math.ceil(ctx.services.store.invoices(ctx.customer.id, filter).length / ctx.services.pageSize);
}

import { accountStatement, type Period } from '../../billing/statement.js';
import type { Context } from '../context.js';
import type { Command } from '../command.js';
import type { Reply } from '../reply.js';
import { invoiceList } from './list.js';

/**
 * What the customer owes: the unpaid invoices, the overdue ones counted, and the total due
 * in each currency, with the account statement attached unless the customer said not to;
 * it lists besides the invoices paid in the period asked, when one was.
 */
export async function balance(ctx: Context, command: Extract<Command, { intent: 'balance' }>): Promise<Reply> {
  const { store, today } = ctx.services;
  const unpaid = await store.invoices(ctx.customer.id, { status: 'unpaid' });
  const paidIn = command.paid ?? null;
  // An invoice is paid on or after its issue: those paid by the period's end were issued by then.
  const paid = paidIn ? await store.invoices(ctx.customer.id, { status: 'paid', ...(paidIn.to ? { to: paidIn.to } : {}) }) : [];
  const statement = accountStatement(ctx.customer.id, [...unpaid, ...paid], today(), paidIn);
  const text: string[] = [];
  if (unpaid.length === 0) text.push(ctx.t('balance.none'));
  else {
    text.push(ctx.t('balance.due', { total: statement.due, count: unpaid.length }));
    const overdue = statement.unpaid.filter((line) => line.daysOverdue > 0).length;
    if (overdue > 0) text.push(ctx.t('balance.overdue', { count: overdue }));
  }
  const table = unpaid.length > 0 ? invoiceList(ctx, unpaid) : {};
  if (command.statement === false) return ctx.reply(text, table);
  const attachment = await ctx.services.documents.statementAttachment(statement, ctx.reader);
  const { date } = statement;
  text.push(
    statement.paid
      ? ctx.t('balance.statementPaid', { date, period: describePeriod(ctx, statement.paid.period), count: statement.paid.lines.length })
      : ctx.t('balance.statement', { date }),
  );
  return ctx.reply(text, { ...table, attachments: [attachment] });
}

function describePeriod(ctx: Context, { from, to }: Period): string {
  if (from && to) return ctx.t('balance.period.between', { from, to });
  if (from) return ctx.t('balance.period.since', { from });
  if (to) return ctx.t('balance.period.until', { to });
  return ctx.t('balance.period.any');
}

import { formatDate, formatDecimal, formatMoney } from '../../billing/money.js';
import { stateWords } from '../../billing/status.js';
import { lineAmount, totals } from '../../billing/totals.js';
import type { Context } from '../context.js';
import type { Reply } from '../reply.js';

/** The client area's details view: lines, taxes, total, status with its dates. */
export async function details(ctx: Context, number: string | null): Promise<Reply> {
  if (number === null) return ctx.refuse('invoice.which');
  const invoice = await ctx.ownInvoice(number);
  if (!invoice) return ctx.refuse('invoice.unknown', { number });
  const money = (amount: number) => formatMoney(amount, invoice.currency, ctx.locale);
  const date = (iso: string) => formatDate(iso, ctx.locale);
  const sums = totals(invoice);
  const columns = ['label', 'quantity', 'unitPrice', 'amount'].map((c) => ctx.t(`details.columns.${c}`));
  const rows = invoice.lines.map((line) => [line.label, formatDecimal(line.quantity, ctx.locale), money(line.unitPrice), money(lineAmount(line))]);
  const state = stateWords(invoice, ctx.services.today());
  const status = ctx.t('details.status', state);
  const lines = { columns, rows, alignRight: [1, 2, 3] };
  const taxes = sums.taxes.map((tax) => ({
    label: ctx.t('details.taxLabel', { label: tax.label, rate: formatDecimal(tax.rate, ctx.locale) }),
    amount: tax.amount,
  }));
  const sum = (amount: number) => ({ amount, currency: invoice.currency });
  return ctx.reply(
    [
      ctx.t('details.title', { number }),
      ctx.t('details.issued', { date: invoice.issuedAt, due: invoice.dueAt }),
      status,
      [
        ctx.t('details.subtotal', { amount: sum(sums.subtotal) }),
        ...taxes.map((tax) => ctx.t('details.tax', { label: tax.label, amount: sum(tax.amount) })),
        ctx.t('details.total', { amount: sum(sums.total) }),
      ].join('\n'),
    ],
    {
      table: lines,
      details: {
        number,
        state: invoice.status,
        status: ctx.t('details.state', state),
        issued: date(invoice.issuedAt),
        due: date(invoice.dueAt),
        lines,
        subtotal: money(sums.subtotal),
        taxes: taxes.map((tax) => ({ label: tax.label, amount: money(tax.amount) })),
        total: money(sums.total),
      },
      pay: ctx.payLinks([invoice]),
    },
  );
}

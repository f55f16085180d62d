import { formatDate, formatDecimal, formatMoney } from '../../billing/money.js';
import { lineAmount, totals } from '../../billing/totals.js';
import type { Context } from '../context.js';
import type { Reply } from '../reply.js';

/** The client area's details view: lines, taxes, total, status with its dates. */
export async function details(ctx: Context, number: string | null): Promise<Reply> {
  if (number === null) return ctx.refuse('invoice.which');
  const invoice = await ctx.ownInvoice(number);
  if (!invoice) return ctx.refuse('invoice.unknown', { number });
  const money = (amount: number) => formatMoney(amount, invoice.currency, ctx.locale);
  const date = (iso: string | null) => (iso ? formatDate(iso, ctx.locale) : '');
  const sums = totals(invoice);
  const columns = ['label', 'quantity', 'unitPrice', 'amount'].map((c) => ctx.t(`details.columns.${c}`));
  const rows = invoice.lines.map((line) => [line.label, formatDecimal(line.quantity, ctx.locale), money(line.unitPrice), money(lineAmount(line))]);
  const dates = { due: date(invoice.dueAt), paid: date(invoice.paidAt) };
  const status = ctx.t(`details.status.${invoice.status}`, dates);
  const lines = { columns, rows, alignRight: [1, 2, 3] };
  const taxes = sums.taxes.map((tax) => ({ label: ctx.t('details.taxLabel', { label: tax.label, rate: formatDecimal(tax.rate, ctx.locale) }), amount: money(tax.amount) }));
  return ctx.reply(
    [
      ctx.t('details.title', { number }),
      ctx.t('details.issued', { date: date(invoice.issuedAt), due: date(invoice.dueAt) }),
      status,
      [
        ctx.t('details.subtotal', { amount: money(sums.subtotal) }),
        ...taxes.map((tax) => ctx.t('details.tax', tax)),
        ctx.t('details.total', { amount: money(sums.total) }),
      ].join('\n'),
    ],
    {
      table: lines,
      details: {
        number,
        state: invoice.status,
        status: ctx.t(`details.state.${invoice.status}`, dates),
        issued: date(invoice.issuedAt),
        due: date(invoice.dueAt),
        lines,
        subtotal: money(sums.subtotal),
        taxes,
        total: money(sums.total),
      },
    },
  );
}

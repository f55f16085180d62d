import type { Content, Size, TableCell, TDocumentDefinitions } from 'pdfmake/interfaces.js';
import { formatDate, formatDecimal, formatMoney } from '../billing/money.js';
import type { Period, Statement } from '../billing/statement.js';
import type { Amount, Customer } from '../billing/types.js';
import type { Params } from '../templates/catalog.js';
import { fact, letterheadPage, right } from './letterhead.js';
import type { InvoiceTemplate } from './template.js';

/**
 * The account statement as a pdfmake document definition, on the invoice's paper and in
 * the customer's language: the unpaid invoices with their dates, days overdue and amounts,
 * the total due in each currency, highlighted; then the invoices paid in the period asked,
 * if one was. Tables run over as many pages as they need, their header row on each. Plain
 * data like the invoice page, so that the render cache can hash it.
 */
export function statementPage(template: InvoiceTemplate, statement: Statement, customer: Customer): TDocumentDefinitions {
  const { catalog, layout } = template;
  const locale = customer.locale;
  const t = (key: string, params?: Params) => catalog.t(locale, key, params);
  const date = (day: string) => formatDate(day, locale);
  const money = (amount: number | bigint, currency: string) => formatMoney(amount, currency, locale);
  const table = (widths: Size[], columns: string[], rows: TableCell[][]): Content => ({
    style: 'statementTable',
    layout: layout.linesTableLayout,
    table: {
      headerRows: 1,
      dontBreakRows: true,
      widths,
      body: [columns.map((key, i) => (i === 0 ? { text: t(key), style: 'tableHeader' } : right(t(key), ['tableHeader', 'number']))), ...rows],
    },
  });
  const sums = (label: string, amounts: Amount[], style: string): Content => ({
    columns: [
      { text: '', width: '*' },
      {
        width: layout.totalsWidth,
        style,
        layout: 'noBorders',
        table: { widths: ['*', 'auto'], body: amounts.map(({ amount, currency }) => [right(label, 'totalsLabel'), right(money(amount, currency))]) },
      },
    ],
  });

  const unpaid: Content[] =
    statement.unpaid.length === 0
      ? [{ text: t('statement.noneDue'), style: 'nothing' }]
      : [
          table(
            layout.statement.unpaidColumnWidths,
            ['statement.column.number', 'statement.column.issuedAt', 'statement.column.dueAt', 'statement.column.daysOverdue', 'statement.column.amountDue'],
            statement.unpaid.map(({ invoice, amount, daysOverdue }) => [
              invoice.number,
              right(date(invoice.issuedAt)),
              right(date(invoice.dueAt)),
              daysOverdue > 0 ? right(formatDecimal(daysOverdue, locale), ['number', 'daysOverdue']) : right(t('statement.notDue'), ['number', 'notDue']),
              right(money(amount, invoice.currency)),
            ]),
          ),
          sums(t('statement.totalDue'), statement.due, 'totalDue'),
        ];

  const paid: Content[] = [];
  if (statement.paid) {
    const { period, lines, total } = statement.paid;
    paid.push({ text: paidTitle(period, t), style: 'statementSection' });
    if (lines.length === 0) paid.push({ text: t('statement.nonePaid'), style: 'nothing' });
    else {
      paid.push(
        table(
          layout.statement.paidColumnWidths,
          ['statement.column.number', 'statement.column.issuedAt', 'statement.column.paidAt', 'statement.column.amount'],
          lines.map(({ invoice, amount }) => [
            invoice.number,
            right(date(invoice.issuedAt)),
            right(date(invoice.paidAt!)),
            right(money(amount, invoice.currency)),
          ]),
        ),
        sums(t('statement.totalPaid'), total, 'totalPaid'),
      );
    }
  }

  const heading = { title: t('statement.title'), facts: [fact(t('statement.date'), date(statement.date))], customerLabel: t('statement.customer'), customer };
  return letterheadPage(
    template,
    locale,
    heading,
    [{ text: t('statement.unpaid'), style: 'statementSection' }, ...unpaid, ...paid, { text: t('statement.note'), style: 'thanks' }],
    { ...layout.styles, ...layout.statement.styles },
  );
}

function paidTitle({ from, to }: Period, t: (key: string, params?: Params) => string): string {
  if (from && to) return t('statement.paid', { from, to });
  if (from) return t('statement.paidSince', { from });
  if (to) return t('statement.paidUntil', { to });
  return t('statement.paidAll');
}

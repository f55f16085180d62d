import type { TDocumentDefinitions } from 'pdfmake/interfaces.js';
import { formatDate, formatDecimal, formatMoney } from '../billing/money.js';
import { payLinkOf } from '../billing/pay-link.js';
import { lineAmount, totals } from '../billing/totals.js';
import type { Customer, Invoice } from '../billing/types.js';
import type { Params } from '../templates/catalog.js';
import { fact, letterheadPage, right } from './letterhead.js';
import { payBlock } from './pay-block.js';
import type { InvoiceTemplate } from './template.js';

/**
 * The invoice page as a pdfmake document definition, in the customer's language.
 * It is plain data (no functions), so the render cache can hash it: what the page
 * prints and how it is laid out are then exactly what decides whether to render again.
 */
export function invoicePage(template: InvoiceTemplate, invoice: Invoice, customer: Customer): TDocumentDefinitions {
  const { catalog, layout } = template;
  const locale = customer.locale;
  const t = (key: string, params?: Params) => catalog.t(locale, key, params);
  const money = (amount: number) => formatMoney(amount, invoice.currency, locale);
  const sums = totals(invoice);
  // Only an unpaid invoice offers its pay link (a paid one renders again without it: its status is on the page).
  const payUrl = payLinkOf(invoice);
  const status = invoice.status === 'paid' && invoice.paidAt ? t('status.paidOn', { date: invoice.paidAt }) : t(`status.${invoice.status}`);
  const heading = {
    title: t('title', { number: invoice.number }),
    facts: [
      fact(t('issuedAt'), formatDate(invoice.issuedAt, locale)),
      fact(t('dueAt'), formatDate(invoice.dueAt, locale)),
      fact(t('status'), status, [`status-${invoice.status}`]),
    ],
    customerLabel: t('billedTo'),
    customer,
  };

  return letterheadPage(template, locale, heading, [
    {
      style: 'lines',
      layout: layout.linesTableLayout,
      table: {
        headerRows: 1,
        dontBreakRows: true,
        widths: layout.lineColumnWidths,
        body: [
          [
            { text: t('column.label'), style: 'tableHeader' },
            ...['column.quantity', 'column.unitPrice', 'column.amount'].map((key) => right(t(key), ['tableHeader', 'number'])),
          ],
          ...invoice.lines.map((line) => [
            line.label,
            right(formatDecimal(line.quantity, locale)),
            right(money(line.unitPrice)),
            right(money(lineAmount(line))),
          ]),
        ],
      },
    },
    {
      columns: [
        { text: '', width: '*' },
        {
          width: layout.totalsWidth,
          layout: 'noBorders',
          table: {
            widths: ['*', 'auto'],
            body: [
              [right(t('subtotal'), 'totalsLabel'), right(money(sums.subtotal))],
              ...sums.taxes.map((tax) => [
                right(t('tax', { label: tax.label, rate: formatDecimal(tax.rate, locale) }), 'totalsLabel'),
                right(money(tax.amount)),
              ]),
              [right(t('total'), ['totalsLabel', 'grandTotal']), right(money(sums.total), ['number', 'grandTotal'])],
            ],
          },
        },
      ],
    },
    ...(payUrl === null ? [] : [payBlock(payUrl, t)]),
    { text: t('thanks'), style: 'thanks' },
  ]);
}

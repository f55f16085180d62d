import type { Content, StyleDictionary, TableCell, TDocumentDefinitions } from 'pdfmake/interfaces.js';
import type { Customer, Locale } from '../billing/types.js';
import type { InvoiceTemplate } from './template.js';

/** A right-aligned cell: amounts, dates, and the facts under the title. */
export function right(text: string, style: string | string[] = 'number'): TableCell {
  return { text, style };
}

/** One of the facts under the title (a date, a status): its label, then its value. */
export function fact(label: string, value: string, style: string[] = []): TableCell[] {
  return [right(label, 'metaLabel'), right(value, ['metaValue', ...style])];
}

/** What heads a page: its title and facts, and whom it is for (the label, then the customer's name and address). */
export interface Heading {
  title: string;
  facts: TableCell[][];
  customerLabel: string;
  customer: Customer;
}

/**
 * A page on the provider's paper, the invoice's: logo, name and address on the left, the
 * title and its facts on the right, then whom it is for, then `body`; the footer on every
 * page. The invoice and the account statement both are, so that what an operator changes
 * in `templates/invoice/` changes both alike.
 */
export function letterheadPage(
  template: InvoiceTemplate,
  locale: Locale,
  heading: Heading,
  body: Content[],
  styles: StyleDictionary = template.layout.styles,
): TDocumentDefinitions {
  const { provider, layout, logo } = template;
  const providerBlock: Content = {
    stack: [
      { text: provider.name, style: 'providerName' },
      { text: [...provider.address, ...provider.contact].join('\n'), style: 'providerDetails' },
    ],
  };
  return {
    info: { title: heading.title, author: provider.name },
    language: locale,
    pageSize: layout.pageSize,
    pageMargins: layout.pageMargins,
    defaultStyle: layout.defaultStyle,
    styles,
    footer: { text: provider.footer.join('\n'), style: 'footer' },
    content: [
      {
        columns: [
          logo ? { columns: [logo, providerBlock], columnGap: 12 } : providerBlock,
          {
            width: 'auto',
            stack: [
              { text: heading.title, style: 'title' },
              { layout: 'noBorders', table: { widths: ['*', 'auto'], body: heading.facts } },
            ],
          },
        ],
      },
      { text: heading.customerLabel, style: 'sectionLabel' },
      { text: heading.customer.name, style: 'customerName' },
      { text: heading.customer.email },
      ...body,
    ],
  };
}

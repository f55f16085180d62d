import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import PDFDocument from 'pdfkit';
import { formatDate, formatMoney } from '../../src/billing/money.js';
import { lineAmount, totals } from '../../src/billing/totals.js';
import type { Customer, Invoice } from '../../src/billing/types.js';
import type { InvoiceTemplate } from '../../src/documents/template.js';

/**
 * The render benchmark's baseline: the invoice page that `src/documents/page.ts` describes,
 * drawn by hand with PDFKit (the library pdfmake draws with), the way a program without a
 * layout engine would: the same words, amounts, Roboto fonts, sizes, colours, logo paths
 * and table rules, positioned by measuring strings.
 */

const require = createRequire(import.meta.url);
const FONTS_DIR = path.join(path.dirname(require.resolve('pdfmake/package.json')), 'fonts', 'Roboto');
const FILES = { normal: 'Roboto-Regular.ttf', bold: 'Roboto-Medium.ttf', italics: 'Roboto-Italic.ttf' };
type Font = keyof typeof FILES;
export type Fonts = Record<Font, Buffer>;

/** Roboto's bytes, read once: PDFKit parses them for each document, as it does when handed a font. */
export const ROBOTO_BYTES = Object.fromEntries(Object.entries(FILES).map(([style, file]) => [style, readFileSync(path.join(FONTS_DIR, file))])) as Fonts;

const GREEN = '#0b6e4f';
const GREY = '#52606d';
const INK = '#1f2933';
const STATUS_COLOURS = { unpaid: '#b54708', paid: GREEN, cancelled: '#9aa5b1' };
const [LEFT, TOP, RIGHT, BOTTOM] = [48, 48, 48, 72];
const LINE_HEIGHT = 1.2;

export async function pdfkitInvoice(template: InvoiceTemplate, invoice: Invoice, customer: Customer, fonts: Fonts): Promise<Buffer> {
  const { catalog, provider } = template;
  const locale = customer.locale;
  const t = (key: string, params?: Record<string, string>) => catalog.t(locale, key, params).replaceAll('\u202F', '\u00A0');
  const money = (amount: number) => formatMoney(amount, invoice.currency, locale).replaceAll('\u202F', '\u00A0');
  const decimal = new Intl.NumberFormat(locale, { maximumFractionDigits: 2 });
  const sums = totals(invoice);

  const doc = new PDFDocument({
    size: 'A4',
    margins: { left: LEFT, top: TOP, right: RIGHT, bottom: BOTTOM },
    info: { Title: t('title', { number: invoice.number }), Author: provider.name },
    lang: locale,
    font: '', // none of PDFKit's own: Roboto is registered next
  });
  // Registered by name, so that each is parsed once per document rather than at each `font()`.
  for (const [style, bytes] of Object.entries(fonts)) doc.registerFont(style, bytes);
  const chunks: Buffer[] = [];
  doc.on('data', (chunk: Buffer) => chunks.push(chunk));
  const ended = new Promise((resolve) => doc.on('end', resolve));
  const width = doc.page.width - LEFT - RIGHT;
  const gap = (size: number) => size * (LINE_HEIGHT - 1);
  const write = (text: string, x: number, y: number, size: number, font: Font, colour: string, options: PDFKit.Mixins.TextOptions = {}) => {
    doc
      .font(font)
      .fontSize(size)
      .fillColor(colour)
      .text(text, x, y, { lineGap: gap(size), ...options });
    return doc.y;
  };

  // The logo, as its SVG draws it, scaled to 56 points.
  doc
    .save()
    .translate(LEFT, TOP)
    .scale(56 / 64);
  doc.roundedRect(0, 0, 64, 64, 12).fill(GREEN);
  doc.path('M18 42 h28 a9 9 0 0 0 0 -18 a12 12 0 0 0 -23 -2 a9 9 0 0 0 -5 20 z').fill('#ffffff');
  doc.roundedRect(24, 46, 16, 4, 2).fill('#a7e8bd');
  doc.restore();
  const providerX = LEFT + 56 + 12;
  let y = write(provider.name, providerX, TOP, 14, 'bold', GREEN);
  const headerBottom = write([...provider.address, ...provider.contact].join('\n'), providerX, y, 9, 'normal', GREY);

  // Title and dates, right-aligned.
  y = write(t('title', { number: invoice.number }), LEFT, TOP, 18, 'bold', GREEN, { width, align: 'right' });
  const status = invoice.status === 'paid' && invoice.paidAt ? t('status.paidOn', { date: invoice.paidAt }) : t(`status.${invoice.status}`);
  const meta: [string, string, Font, string][] = [
    [t('issuedAt'), formatDate(invoice.issuedAt, locale), 'normal', INK],
    [t('dueAt'), formatDate(invoice.dueAt, locale), 'normal', INK],
    [t('status'), status, 'bold', STATUS_COLOURS[invoice.status]],
  ];
  const valueWidth = Math.max(...meta.map(([, value, font]) => doc.font(font).fontSize(10).widthOfString(value)));
  for (const [label, value, font, colour] of meta) {
    write(label, LEFT, y + 1, 9, 'normal', GREY, { width: width - valueWidth - 8, align: 'right' });
    y = write(value, LEFT + width - valueWidth, y, 10, font, colour, { width: valueWidth, align: 'right' });
  }

  y = write(t('billedTo'), LEFT, Math.max(y, headerBottom) + 24, 9, 'normal', GREY) + 2;
  y = write(customer.name, LEFT, y, 10, 'bold', INK);
  y = write(customer.email, LEFT, y, 10, 'normal', INK) + 24;

  // The lines: label, then three right-aligned columns as wide as their widest cell.
  const header = [t('column.label'), t('column.quantity'), t('column.unitPrice'), t('column.amount')];
  const rows = invoice.lines.map((line) => [line.label, decimal.format(line.quantity), money(line.unitPrice), money(lineAmount(line))]);
  const columns = [1, 2, 3].map(
    (c) => Math.max(doc.font('bold').fontSize(9).widthOfString(header[c]!), ...rows.map((row) => doc.font('normal').fontSize(10).widthOfString(row[c]!))) + 8,
  );
  const labelWidth = width - columns.reduce((sum, w) => sum + w, 0);
  const cell = (text: string, c: number, y: number, size: number, font: Font, colour: string) => {
    const x = LEFT + labelWidth + columns.slice(0, c - 1).reduce((sum, w) => sum + w, 0);
    return c === 0
      ? write(text, LEFT + 4, y, size, font, colour, { width: labelWidth - 8 })
      : write(text, x + 4, y, size, font, colour, { width: columns[c - 1]! - 8, align: 'right' });
  };
  const rule = (y: number, lineWidth: number) =>
    doc
      .moveTo(LEFT, y)
      .lineTo(LEFT + width, y)
      .lineWidth(lineWidth)
      .stroke(INK);
  y = Math.max(...header.map((text, c) => cell(text, c, y + 2, 9, 'bold', GREY))) + 2;
  rule(y, 1);
  for (const row of rows) {
    y = Math.max(...row.map((text, c) => cell(text, c, y + 2, 10, 'normal', INK))) + 2;
    rule(y, 0.5);
  }

  // Totals, in a right-hand block.
  y += 12;
  const totalsX = LEFT + width - 240;
  const total = (label: string, value: string, size: number, bold: boolean) => {
    write(label, totalsX, y, size, bold ? 'bold' : 'normal', GREY, { width: 150, align: 'right' });
    return write(value, totalsX + 150, y, size, bold ? 'bold' : 'normal', INK, { width: 90, align: 'right' });
  };
  y = total(t('subtotal'), money(sums.subtotal), 10, false);
  for (const tax of sums.taxes) y = total(t('tax', { label: tax.label, rate: decimal.format(tax.rate) }), money(tax.amount), 10, false);
  y = total(t('total'), money(sums.total), 12, true);
  write(t('thanks'), LEFT, y + 24, 10, 'italics', INK);

  // The footer, centred in the bottom margin (which PDFKit would otherwise see as the next page).
  doc.page.margins.bottom = 0;
  write(provider.footer.join('\n'), LEFT, doc.page.height - BOTTOM + 20, 8, 'normal', '#7b8794', { width, align: 'center', height: BOTTOM });
  doc.end();
  await ended;
  return Buffer.concat(chunks);
}

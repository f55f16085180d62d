import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { buffer } from 'node:stream/consumers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newCustomer } from '../src/billing/customer.js';
import { accountStatement } from '../src/billing/statement.js';
import { formatMoney } from '../src/billing/money.js';
import { lineAmount, totals } from '../src/billing/totals.js';
import type { Customer, Invoice } from '../src/billing/types.js';
import { InvoiceDocuments } from '../src/documents/index.js';
import { pdfExactText, pdftotext, pdfTextItems } from './support/read.js';

/**
 * What an accountant's tool reads from an invoice is its PDF's text layer: it must say
 * exactly what the page prints, for every text the billing system sends, whatever the
 * render thread printed before. The corpus is in test/fixtures/pdf-text/.
 */

const TEMPLATES = path.resolve(import.meta.dirname, '..', 'templates');
const corpus = JSON.parse(await readFile(path.join(import.meta.dirname, 'fixtures', 'pdf-text', 'corpus.json'), 'utf8')) as Record<
  'labels' | 'names' | 'taxes' | 'numbers',
  string[]
>;

let dataDir: string;
let documents: InvoiceDocuments;

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(os.tmpdir(), 'facteur-pdf-text-'));
  documents = await InvoiceDocuments.create({ dataDir, templatesDir: TEMPLATES });
});

afterAll(async () => {
  await rm(dataDir, { recursive: true, force: true });
});

function invoice(customer: Customer, number: string, labels: string[], changes: Partial<Invoice> = {}): Invoice {
  return {
    number,
    customerId: customer.id,
    issuedAt: '2024-03-01',
    dueAt: '2024-03-31',
    currency: 'XAF',
    lines: labels.map((label, index) => ({ label, quantity: index + 1.5, unitPrice: 12_345 * (index + 1) })),
    taxes: [{ label: corpus.taxes[number.length % corpus.taxes.length]!, rate: 19.25 }],
    status: 'unpaid',
    paidAt: null,
    ...changes,
  };
}

/**
 * Lines wrap where the column ends, and both readers read every kind of space (no-break,
 * narrow) as a plain one: the texts are compared without spaces and line ends. Every other
 * character counts.
 */
const unwrapped = (text: string) => text.replace(/\s/gu, '');

/**
 * pdfjs also reads compatibility characters as their plain forms (µ as μ, ½ as 1⁄2), as
 * NFKC does: its reading is compared in that form.
 */
async function readers(file: string): Promise<{ reader: string; text: string; expect: (text: string) => string }[]> {
  return [
    { reader: 'pdfjs', text: unwrapped((await pdfExactText(await readFile(file))).normalize('NFKC')), expect: (text) => unwrapped(text.normalize('NFKC')) },
    // pdftotext marks right-to-left words with embedding characters (U+202B … U+202C), which no page prints.
    { reader: 'pdftotext', text: unwrapped((await pdftotext(file)).replace(/[\u202A-\u202E]/g, '')), expect: unwrapped },
  ];
}

describe('the PDF text layer', () => {
  it('reads back every label, name, tax, number and amount of the corpus exactly, in the order the invoices were rendered', async () => {
    // One render after another on the same threads: what a thread printed before must not change what the next page's text says.
    const printed: { file: string; texts: string[] }[] = [];
    for (let first = 0; first < corpus.labels.length; first += 4) {
      const index = first / 4;
      const customer = newCustomer(`client${index}@example.cm`, corpus.names[index % corpus.names.length]!, index % 2 ? 'en' : 'fr');
      const labels = corpus.labels.slice(first, first + 4);
      const bill = invoice(customer, corpus.numbers[index % corpus.numbers.length]!, labels);
      const money = (amount: number) => formatMoney(amount, 'XAF', customer.locale);
      printed.push({
        file: await documents.pdf(bill, customer),
        texts: [
          bill.number,
          customer.name,
          customer.email,
          ...labels,
          bill.taxes[0]!.label,
          ...bill.lines.map((line) => money(lineAmount(line))),
          money(totals(bill).total),
        ],
      });
    }
    expect(printed.flatMap((page) => page.texts)).toEqual(expect.arrayContaining([...corpus.labels, ...corpus.names]));
    for (const page of printed) {
      for (const { reader, text, expect: as } of await readers(page.file)) {
        for (const expected of page.texts) expect(text, `${reader} reading ${page.file}`).toContain(as(expected));
      }
    }
  });

  it('reads back every invoice number on an account statement', async () => {
    const customer = newCustomer('statement@example.cm', corpus.names[0]!, 'fr');
    const owed = corpus.numbers.map((number, index) => invoice(customer, number, [corpus.labels[index]!], { dueAt: `2024-0${index + 3}-15` }));
    const statement = await documents.statementAttachment(accountStatement(customer.id, owed, '2024-12-01', null), customer);
    const file = path.join(dataDir, 'statement.pdf');
    await writeFile(file, await buffer(await statement.open()));
    for (const { reader, text } of await readers(file)) {
      for (const number of corpus.numbers) expect(text, reader).toContain(number);
    }
  });
});

describe('the invoice page', () => {
  it('keeps Qté, Prix unitaire and Montant on the page beside a 200-character label without a break, and prints it, a long name, address, tax and number whole', async () => {
    const customer = newCustomer(`${'w'.repeat(64)}@${'d'.repeat(60)}.example.cm`, 'W'.repeat(200), 'fr');
    const labels = ['A'.repeat(200), 'W'.repeat(200), 'Hébergement Pro'];
    const bill = invoice(customer, 'A1B2C3D4E5F6G7H8I9J0-K1L2M3N4O5P6Q7R8S9T', labels, { taxes: [{ label: 'T'.repeat(200), rate: 19.25 }] });
    const file = await documents.pdf(bill, customer);
    const pages = await pdfTextItems(await readFile(file));
    const items = pages.flat();
    for (const header of ['Qté', 'Prix unitaire', 'Montant']) expect(items.map((item) => item.text)).toContain(header);
    // The page is A4 with margins of 48 points: nothing is printed past the right margin.
    for (const item of items) expect(item.right, `« ${item.text.slice(0, 20)}… » ends past the margin`).toBeLessThanOrEqual(item.pageWidth - 48 + 0.5);
    const text = unwrapped(await pdfExactText(await readFile(file)));
    for (const whole of [...labels, customer.name, customer.email, 'T'.repeat(200), formatMoney(totals(bill).total, 'XAF', 'fr')])
      expect(text).toContain(unwrapped(whole));
  });
});

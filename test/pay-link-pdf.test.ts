/**
 * The pay link on Facteur's own rendering of an invoice, read back from the PDF's bytes as a
 * customer meets it: the QR code from the page drawn by pdftoppm and decoded by jsQR (as a
 * phone's camera would), the link a PDF reader opens (pdfjs's annotations), and the words of
 * the page's text. Never on a paid or cancelled invoice.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newCustomer } from '../src/billing/customer.js';
import type { Customer, Invoice } from '../src/billing/types.js';
import { InvoiceDocuments } from '../src/documents/index.js';
import { pdfLinks, pdfQrCode, pdfText } from './support/read.js';

const TEMPLATES = path.resolve(import.meta.dirname, '..', 'templates');
const CHECKOUT = 'https://secure.cinetpay.com/payment?token=9f1e2d3c4b5a69788796a5b4c3d2e1f0&lang=fr&ref=FACTURE-1266';

let dataDir: string;
let documents: InvoiceDocuments;
const awa: Customer = newCustomer('awa@example.cm', 'Awa Nkolo', 'fr');

function invoice(changes: Partial<Invoice> = {}): Invoice {
  return {
    number: '1266',
    customerId: awa.id,
    issuedAt: '2026-11-01',
    dueAt: '2026-12-01',
    currency: 'XAF',
    lines: [{ label: 'Hébergement Pro (1 mois)', quantity: 1, unitPrice: 15_000 }],
    taxes: [{ label: 'TVA', rate: 19.25 }],
    status: 'unpaid',
    paidAt: null,
    payUrl: CHECKOUT,
    ...changes,
  };
}

const pdf = async (changes: Partial<Invoice> = {}, customer = awa) => readFile(await documents.pdf(invoice(changes), customer));
/** The page's text with its line breaks taken out: a long link is printed over several lines. */
const flat = (text: string) => text.replace(/\s+/g, '');

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), 'facteur-pay-pdf-'));
  documents = await InvoiceDocuments.create({ dataDir, templatesDir: TEMPLATES });
});

afterAll(async () => {
  await rm(dataDir, { recursive: true, force: true });
});

describe('an unpaid invoice with a pay link, as Facteur renders it', () => {
  it('carries a QR code a phone reads as the link, the link a PDF reader opens, and the words to pay', async () => {
    const bytes = await pdf();
    expect(await pdfQrCode(bytes)).toBe(CHECKOUT);
    expect(await pdfLinks(bytes)).toContain(CHECKOUT);
    const text = await pdfText(bytes);
    expect(text).toContain('Payer en ligne');
    expect(text).toContain('Scannez ce code avec votre téléphone, ou ouvrez l’adresse :');
    expect(flat(text)).toContain(CHECKOUT);
  });

  it('in the customer’s language', async () => {
    const text = await pdfText(await pdf({}, { ...awa, locale: 'en' }));
    expect(text).toContain('Pay online');
    expect(text).toContain('Scan this code with your phone, or open:');
  });

  it('reads back the longest link the import takes, 2,000 characters (177 modules a side), from the page printed at 200 dpi', async () => {
    const long = `https://paiement.hebergeur.example/checkout?session=${'aB3xZ9-_'.repeat(300)}`.slice(0, 2000);
    const bytes = await pdf({ payUrl: long });
    expect(await pdfQrCode(bytes, 200)).toBe(long);
    expect(await pdfLinks(bytes)).toContain(long);
    expect(flat(await pdfText(bytes))).toContain(long);
  });
});

describe('never a pay link', () => {
  it.each([
    ['a paid invoice', { status: 'paid', paidAt: '2026-11-20' }],
    ['a cancelled invoice', { status: 'cancelled' }],
    ['an invoice whose link a hand-edited store made a script', { payUrl: 'javascript:alert(1)' }],
    ['an invoice whose link leads elsewhere than it reads', { payUrl: 'https://hebergeur.example@evil.example/' }],
  ] as [string, Partial<Invoice>][])('on %s', async (_, changes) => {
    const bytes = await pdf(changes);
    expect(await pdfQrCode(bytes)).toBeNull();
    expect(await pdfLinks(bytes)).toEqual([]);
    expect(await pdfText(bytes)).not.toContain('Payer en ligne');
  });

  it('once the invoice is paid: its PDF is rendered again, without the code', async () => {
    const unpaid = await documents.pdf(invoice(), awa);
    const paid = await documents.pdf(invoice({ status: 'paid', paidAt: '2026-11-20' }), awa);
    expect(paid).not.toBe(unpaid);
    expect(await pdfQrCode(await readFile(unpaid))).toBe(CHECKOUT);
    expect(await pdfQrCode(await readFile(paid))).toBeNull();
  });
});

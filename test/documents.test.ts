import { cp, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { createWriteStream } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buffer } from 'node:stream/consumers';
import { pipeline } from 'node:stream/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { newCustomer } from '../src/billing/customer.js';
import type { Customer, Invoice } from '../src/billing/types.js';
import { InvoiceDocuments } from '../src/documents/index.js';
import { invoicePage } from '../src/documents/page.js';
import { renderPdf } from '../src/documents/pdf.js';
import { RenderPool } from '../src/documents/pool.js';
import { loadInvoiceTemplate } from '../src/documents/template.js';
import { pdfText, readZip } from './support/read.js';

const TEMPLATES = path.resolve(import.meta.dirname, '..', 'templates');

const awa: Customer = newCustomer('awa@example.cm', 'Awa Nkolo', 'fr');

function invoice(number: string, changes: Partial<Invoice> = {}): Invoice {
  return {
    number,
    customerId: awa.id,
    issuedAt: '2019-01-17',
    dueAt: '2019-02-17',
    currency: 'XAF',
    lines: [
      { label: 'Hébergement Pro (4 mois)', quantity: 1, unitPrice: 110_000 },
      { label: 'Nom de domaine .cm', quantity: 1, unitPrice: 15_000 },
    ],
    taxes: [{ label: 'TVA', rate: 19.25 }],
    status: 'paid',
    paidAt: '2019-01-26',
    ...changes,
  };
}

let dataDir: string;
let renders: string[];
let documents: InvoiceDocuments;

async function open(templatesDir = TEMPLATES): Promise<InvoiceDocuments> {
  return InvoiceDocuments.create({ dataDir, templatesDir, onRender: (rendered) => renders.push(rendered.number) });
}

/** A copy of the real templates, with provider.json changed by `edit`. */
async function editedTemplates(edit: (provider: Record<string, unknown>) => Promise<void> | void): Promise<string> {
  const dir = path.join(dataDir, 'templates');
  await cp(TEMPLATES, dir, { recursive: true });
  const file = path.join(dir, 'invoice', 'provider.json');
  const provider = JSON.parse(await readFile(file, 'utf8')) as Record<string, unknown>;
  await edit(provider);
  await writeFile(file, JSON.stringify(provider));
  return dir;
}

beforeEach(async () => {
  dataDir = await mkdtemp(path.join(os.tmpdir(), 'facteur-documents-'));
  renders = [];
  documents = await open();
});

afterEach(async () => {
  await rm(dataDir, { recursive: true, force: true });
});

describe('invoice PDF', () => {
  it('prints the invoice in French, accents and amounts included', async () => {
    const bytes = await readFile(await documents.pdf(invoice('1210'), awa));
    expect(bytes.subarray(0, 5).toString()).toBe('%PDF-');
    const text = await pdfText(bytes);
    for (const expected of [
      'Sanaga Hébergement SARL',
      'Facture n° 1210',
      '17 janv. 2019',
      '17 févr. 2019',
      'Awa Nkolo',
      'awa@example.cm',
      'Hébergement Pro (4 mois)',
      '110 000 FCFA',
      '125 000 FCFA',
      'TVA (19,25 %)',
      '24 063 FCFA',
      '149 063 FCFA',
      'Payée le 26 janv. 2019',
    ]) {
      expect(text).toContain(expected);
    }
  });

  it('prints it in English for an English reader, named invoice-<number>.pdf', async () => {
    const attachment = await documents.pdfAttachment(invoice('1210', { status: 'unpaid', paidAt: null }), { ...awa, locale: 'en' });
    expect(attachment.filename).toBe('invoice-1210.pdf');
    const text = await pdfText(await buffer(await attachment.open()));
    for (const expected of ['Invoice no. 1210', 'Jan 17, 2019', 'FCFA 125,000', 'TVA (19.25%)', 'FCFA 149,063', 'Unpaid']) {
      expect(text).toContain(expected);
    }
  });

  it('gives a French attachment named facture-<number>.pdf with its size', async () => {
    const attachment = await documents.pdfAttachment(invoice('1210', { status: 'cancelled', paidAt: null }), awa);
    const bytes = await buffer(await attachment.open());
    expect(attachment).toMatchObject({ filename: 'facture-1210.pdf', contentType: 'application/pdf', size: bytes.length });
    expect(await pdfText(bytes)).toContain('Annulée');
  });

  it('prints a PNG logo as well as an SVG one', async () => {
    // The smallest PNG: one transparent pixel.
    const png = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==';
    const templatesDir = await editedTemplates(async (provider) => {
      await writeFile(path.join(dataDir, 'templates', 'invoice', 'logo.png'), Buffer.from(png, 'base64'));
      provider.logo = 'logo.png';
    });
    const bytes = await readFile(await (await open(templatesDir)).pdf(invoice('1210'), awa));
    expect(await pdfText(bytes)).toContain('Facture n° 1210');
  });

  it('lets pdfmake fetch no URL and read no file but the fonts', async () => {
    await expect(renderPdf({ content: [{ image: '/etc/passwd' }] })).rejects.toThrow(/denied/);
    await expect(renderPdf({ content: [{ image: 'logo' }], images: { logo: 'http://127.0.0.1:9/logo.png' } })).rejects.toThrow(/denied/);
  });
});

describe('render pool', () => {
  it('renders pages side by side on its threads, each PDF whole', async () => {
    const pool = new RenderPool(2);
    try {
      const template = await loadInvoiceTemplate(TEMPLATES);
      const numbers = ['1210', '1211', '1212', '1213', '1214'];
      const pdfs = await Promise.all(numbers.map((number) => pool.render(invoicePage(template, invoice(number), awa))));
      for (const [i, bytes] of pdfs.entries()) {
        const text = await pdfText(bytes);
        expect(text).toContain(`Facture n° ${numbers[i]}`);
        expect(text).toContain('149 063 FCFA');
      }
    } finally {
      await pool.close();
    }
  });

  it("fails a render with pdfmake's error, and goes on rendering", async () => {
    const pool = new RenderPool(1);
    try {
      await expect(pool.render({ content: [{ image: '/etc/passwd' }] })).rejects.toThrow(/denied/);
      expect(await pdfText(await pool.render({ content: 'Toujours là' }))).toContain('Toujours là');
    } finally {
      await pool.close();
    }
    await expect(pool.render({ content: 'fermé' })).rejects.toThrow(/closed/);
  });
});

describe('render cache', () => {
  it('renders once, then reads the file', async () => {
    const first = await documents.pdf(invoice('1210'), awa);
    const written = (await stat(first)).mtimeMs;
    expect(first.startsWith(path.join(dataDir, 'pdf'))).toBe(true);
    expect(await documents.pdf(invoice('1210'), awa)).toBe(first);
    expect((await stat(first)).mtimeMs).toBe(written);
    expect(renders).toEqual(['1210']);
  });

  it('renders again when the status changes', async () => {
    const paid = await documents.pdf(invoice('1210'), awa);
    const unpaid = await documents.pdf(invoice('1210', { status: 'unpaid', paidAt: null }), awa);
    expect(unpaid).not.toBe(paid);
    expect(renders).toEqual(['1210', '1210']);
    expect(await pdfText(await readFile(unpaid))).toContain('Non payée');
  });

  it('renders a PDF asked for by many at once only once', async () => {
    const files = await Promise.all(Array.from({ length: 5 }, () => documents.pdf(invoice('1210'), awa)));
    expect(new Set(files).size).toBe(1);
    expect(renders).toEqual(['1210']);
  });

  it('renders again after a template change', async () => {
    const before = await documents.pdf(invoice('1210'), awa);
    const templatesDir = await editedTemplates((provider) => {
      provider.name = 'Wouri Cloud SA';
    });
    const after = await (await open(templatesDir)).pdf(invoice('1210'), awa);
    expect(after).not.toBe(before);
    expect(renders).toEqual(['1210', '1210']);
    expect(await pdfText(await readFile(after))).toContain('Wouri Cloud SA');
  });
});

describe('ZIP', () => {
  // More invoices than the entries archiver is given at a time, one of them twice.
  // Newest first, as the client area lists them; the archive is named oldest to newest.
  const numbers = Array.from({ length: 12 }, (_, i) => String(1221 - i));
  const invoices = [...numbers, '1221'].map((number) => invoice(number, { issuedAt: `2019-01-${Number(number) - 1200}` }));

  it('streams the PDFs, stored, named facture-<number>.pdf', async () => {
    const attachment = await documents.zipAttachment(invoices, awa);
    expect(attachment).toMatchObject({ filename: 'factures-1210-1221.zip', contentType: 'application/zip' });
    expect(renders.toSorted()).toEqual(numbers.toSorted()); // rendered side by side, in any order

    const file = path.join(dataDir, 'out.zip');
    await pipeline(await attachment.open(), createWriteStream(file));
    const entries = await readZip(file);
    expect(entries.map((entry) => entry.name)).toEqual(numbers.map((number) => `facture-${number}.pdf`));
    for (const [i, entry] of entries.entries()) {
      expect(entry.compressionMethod).toBe(0);
      expect(entry.bytes.subarray(0, 5).toString()).toBe('%PDF-');
      expect(await pdfText(entry.bytes)).toContain(`Facture n° ${numbers[i]}`);
    }
    expect(renders).toHaveLength(numbers.length);
  });

  it('knows before it is written a size it will not exceed, and splits into ZIPs each within a limit', async () => {
    const attachment = await documents.zipAttachment(invoices, awa);
    const written = (await buffer(await attachment.open())).length;
    expect(written).toBeLessThanOrEqual(attachment.size);
    expect(attachment.size - written).toBeLessThan(numbers.length * 200);
    const limit = Math.ceil(attachment.size / 3);
    const parts = await attachment.split!(limit);
    expect(parts.length).toBeGreaterThanOrEqual(3);
    const entries: string[] = [];
    for (const part of parts) {
      const bytes = await buffer(await part.open());
      expect(bytes.length).toBeLessThanOrEqual(part.size);
      expect(part.size).toBeLessThanOrEqual(limit);
      const file = path.join(dataDir, part.filename);
      await writeFile(file, bytes);
      entries.push(...(await readZip(file)).map((entry) => entry.name));
    }
    expect(entries.toSorted()).toEqual(numbers.map((number) => `facture-${number}.pdf`).toSorted());
  });

  it('names every entry safely and once, whatever the numbers a store holds', async () => {
    const odd = ['INV/2024/1', 'INV-2024-1', '../../etc/passwd', '9'.repeat(300), 'ab\u202Ecd', 'x\u001b[31my'].map((number) => invoice(number));
    const attachment = await documents.zipAttachment(odd, awa);
    expect(attachment.filename.length).toBeLessThan(120);
    const file = path.join(dataDir, 'odd.zip');
    await pipeline(await attachment.open(), createWriteStream(file));
    const names = (await readZip(file)).map((entry) => entry.name);
    expect(new Set(names).size).toBe(odd.length);
    for (const name of names) {
      expect(name).toMatch(/^facture-[\p{L}\p{N}._-]+\.pdf$/u);
      expect(name.length).toBeLessThan(100);
      expect(name).not.toContain('..');
    }
    const single = await documents.pdfAttachment(invoice('9'.repeat(300)), awa);
    expect(single.filename.length).toBeLessThan(100);
  });

  it('names the archive and its entries in English for an English reader', async () => {
    const attachment = await documents.zipAttachment([invoice('1210')], { ...awa, locale: 'en' });
    expect(attachment.filename).toBe('invoices-1210.zip');
    const file = path.join(dataDir, 'out.zip');
    await pipeline(await attachment.open(), createWriteStream(file));
    expect((await readZip(file)).map((entry) => entry.name)).toEqual(['invoice-1210.pdf']);
  });

  it('stops reading the PDFs when the reader leaves halfway', async () => {
    const stream = await (await documents.zipAttachment(invoices, awa)).open();
    let read = 0;
    for await (const chunk of stream) {
      read += (chunk as Buffer).length;
      if (read > 100_000) break; // destroys the stream
    }
    expect(stream.destroyed).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 50)); // an error emitted late would fail the run
  });

  it('fails the stream rather than leave out a PDF that went missing', async () => {
    const attachment = await documents.zipAttachment([invoice('1210'), invoice('1211')], awa);
    await rm(await documents.pdf(invoice('1211'), awa));
    await expect(pipeline(await attachment.open(), createWriteStream(path.join(dataDir, 'out.zip')))).rejects.toThrow(/ENOENT/);
  });
});

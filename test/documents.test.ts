import { createHash } from 'node:crypto';
import { cp, mkdtemp, readdir, readFile, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { createWriteStream } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buffer } from 'node:stream/consumers';
import { pipeline } from 'node:stream/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { newCustomer } from '../src/billing/customer.js';
import { accountStatement } from '../src/billing/statement.js';
import { totals } from '../src/billing/totals.js';
import type { Customer, Invoice } from '../src/billing/types.js';
import type { Attachment } from '../src/documents/attachment.js';
import { InvoiceDocuments } from '../src/documents/index.js';
import { invoicePage } from '../src/documents/page.js';
import { renderPdf } from '../src/documents/pdf.js';
import { RenderPool } from '../src/documents/pool.js';
import { loadInvoiceTemplate } from '../src/documents/template.js';
import { pdfText, readZip } from './support/read.js';

const TEMPLATES = path.resolve(import.meta.dirname, '..', 'templates');

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

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
  return InvoiceDocuments.create({ dataDir, templatesDir, onRender: (rendered) => renders.push(rendered) });
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

describe('account statement PDF', () => {
  const DAY = '2026-11-25';
  const unpaid = (number: string, dueAt: string, changes: Partial<Invoice> = {}) =>
    invoice(number, { issuedAt: `${dueAt.slice(0, 8)}01`, dueAt, status: 'unpaid', paidAt: null, ...changes });
  const owed = [
    unpaid('1250', '2026-09-15'),
    unpaid('1240', '2026-06-30', { lines: [{ label: 'VPS', quantity: 3, unitPrice: 42_500 }] }),
    unpaid('1260', '2026-12-10'),
  ];
  const settled = [
    invoice('1230', { issuedAt: '2026-02-01', dueAt: '2026-03-01', paidAt: '2026-02-20' }),
    invoice('1220', { issuedAt: '2025-10-01', dueAt: '2025-11-01', paidAt: '2025-10-15' }),
  ];
  const cancelled = invoice('1245', { status: 'cancelled', paidAt: null });
  const all = [...owed, ...settled, cancelled];
  const numbersIn = (text: string) => [...text.matchAll(/^(\d{4}) /gm)].map((m) => m[1]);
  const read = async (attachment: { open(): Promise<NodeJS.ReadableStream> }) => pdfText(await buffer(await attachment.open()));

  it('lists the unpaid invoices, the longest due first, with their dates, days overdue and amounts, and the total due', async () => {
    const attachment = await documents.statementAttachment(accountStatement(awa.id, all, DAY, null), awa);
    expect(attachment).toMatchObject({ filename: 'releve-2026-11-25.pdf', contentType: 'application/pdf' });
    const text = await read(attachment);
    for (const expected of ['Sanaga Hébergement SARL', 'Relevé de compte', 'Date du relevé 25 nov. 2026', 'Awa Nkolo', 'awa@example.cm', 'Factures à régler'])
      expect(text).toContain(expected);
    expect(text).toContain('Facture Émise le Échéance Jours de retard Montant dû');
    // 30 June to 25 November is 148 days; 15 September, 71; 10 December is not due yet.
    expect(text).toContain('1240 1 juin 2026 30 juin 2026 148 152 044 FCFA');
    expect(text).toContain('1250 1 sept. 2026 15 sept. 2026 71 149 063 FCFA');
    expect(text).toContain('1260 1 déc. 2026 10 déc. 2026 — 149 063 FCFA');
    const due = owed.reduce((sum, i) => sum + totals(i).total, 0);
    expect(due).toBe(450_170);
    expect(text).toContain('Total dû 450 170 FCFA');
    // Neither the paid nor the cancelled invoices: none was asked for.
    expect(numbersIn(text)).toEqual(['1240', '1250', '1260']);
    expect(text).not.toContain('Factures payées');
  });

  it('adds the invoices paid in the period asked, by the day they were paid, and their total', async () => {
    const text = await read(await documents.statementAttachment(accountStatement(awa.id, all, DAY, { from: '2026-01-01', to: '2026-12-31' }), awa));
    expect(text).toContain('Factures payées du 1 janv. 2026 au 31 déc. 2026');
    expect(text).toContain('Facture Émise le Payée le Montant');
    expect(text).toContain('1230 1 févr. 2026 20 févr. 2026 149 063 FCFA');
    expect(text).toContain('Total payé 149 063 FCFA');
    expect(numbersIn(text)).toEqual(['1240', '1250', '1260', '1230']);
    const since = await read(await documents.statementAttachment(accountStatement(awa.id, all, DAY, { from: '2025-10-01' }), awa));
    expect(since).toContain('Factures payées depuis le 1 oct. 2025');
    expect(numbersIn(since)).toEqual(['1240', '1250', '1260', '1220', '1230']);
  });

  it('says when nothing is due or was paid, and prints English for an English reader', async () => {
    const fr = await read(await documents.statementAttachment(accountStatement(awa.id, settled, DAY, { from: '2026-06-01', to: '2026-11-25' }), awa));
    expect(fr).toContain('Aucune facture à régler : votre compte est à jour.');
    expect(fr).toContain('Aucune facture payée sur cette période.');
    const attachment = await documents.statementAttachment(accountStatement(awa.id, all, DAY, null), { ...awa, locale: 'en' });
    expect(attachment.filename).toBe('statement-2026-11-25.pdf');
    const en = await read(attachment);
    for (const expected of [
      'Account statement',
      'Statement date Nov 25, 2026',
      'Invoice Issued Due Days overdue Amount due',
      '1240 Jun 1, 2026 Jun 30, 2026 148 FCFA 152,044',
      'Total due FCFA 450,170',
    ])
      expect(en).toContain(expected);
  });

  it('totals each currency apart', async () => {
    const euros = unpaid('1270', '2026-11-01', { currency: 'EUR', lines: [{ label: 'Domaine .fr', quantity: 2, unitPrice: 1_250 }], taxes: [] });
    const text = await read(await documents.statementAttachment(accountStatement(awa.id, [...owed, euros], DAY, null), awa));
    expect(text).toContain('1270 1 nov. 2026 1 nov. 2026 24 25,00 €');
    expect(text).toContain('Total dû 450 170 FCFA\nTotal dû 25,00 €');
  });

  it('runs over several pages with the header row on each, every invoice listed once', async () => {
    const many = Array.from({ length: 90 }, (_, i) => unpaid(String(3000 + i), `2026-${String(1 + (i % 10)).padStart(2, '0')}-15`));
    const attachment = await documents.statementAttachment(accountStatement(awa.id, many, DAY, null), awa);
    const text = await read(attachment);
    const headers = text.split('Facture Émise le Échéance Jours de retard Montant dû').length - 1;
    expect(headers).toBeGreaterThanOrEqual(2);
    expect(numbersIn(text).toSorted()).toEqual(many.map((i) => i.number).toSorted());
    expect(text).toContain(`Total dû ${(90 * 149_063).toLocaleString('fr-CM').replace(/\s/g, ' ')} FCFA`);
  });

  it('is rendered once for the same day and content, then read from the cache', async () => {
    const statement = accountStatement(awa.id, all, DAY, null);
    const first = await documents.statementAttachment(statement, awa);
    const again = await documents.statementAttachment(accountStatement(awa.id, all, DAY, null), awa);
    expect(again.size).toBe(first.size);
    expect(renders).toEqual([`statement ${awa.id} ${DAY}`]);
    await documents.statementAttachment(accountStatement(awa.id, all, '2026-11-26', null), awa);
    expect(renders).toHaveLength(2);
  });

  /** A statement's attachment, with the cached file its bytes are read from: the one its rendering added to the statements' folder. */
  const withFile = async (made: () => Promise<Attachment>) => {
    const folder = path.join(dataDir, 'pdf', 'statements');
    const files = async () => new Set((await readdir(folder, { recursive: true }).catch(() => [])).filter((name) => name.endsWith('.pdf')));
    const before = await files();
    const attachment = await made();
    const added = [...(await files())].filter((name) => !before.has(name));
    expect(added).toHaveLength(1);
    return { attachment, file: path.join(folder, added[0]!) };
  };

  it('is forgotten by the housekeeping once its day is past, while invoices’ PDFs stay', async () => {
    const pdf = await documents.pdf(invoice('1210'), awa);
    const { file: oldFile } = await withFile(() => documents.statementAttachment(accountStatement(awa.id, all, '2026-11-20', null), awa));
    const { attachment: today, file: todayFile } = await withFile(() => documents.statementAttachment(accountStatement(awa.id, all, DAY, null), awa));
    const threeDaysAgo = new Date(Date.now() - 3 * 24 * 3600 * 1000);
    await Promise.all([oldFile, pdf].map((file) => utimes(file, threeDaysAgo, threeDaysAgo)));
    expect(await documents.forgetOldStatements(new Date())).toBe(1);
    await expect(stat(oldFile)).rejects.toThrow(/ENOENT/);
    expect((await stat(todayFile)).size).toBe(today.size);
    expect((await stat(pdf)).size).toBeGreaterThan(0);
    // Asked again, the old day's statement is rendered anew rather than failing on a missing file.
    expect((await read(await documents.statementAttachment(accountStatement(awa.id, all, '2026-11-20', null), awa))).length).toBeGreaterThan(0);
  });

  it('never holds another customer’s invoice', async () => {
    const paul = newCustomer('paul@example.cm', 'Paul Mbarga', 'fr');
    expect(() => accountStatement(awa.id, [...owed, { ...invoice('1300'), customerId: paul.id }], DAY, null)).toThrow(/1300/);
    await expect(documents.statementAttachment(accountStatement(awa.id, owed, DAY, null), paul)).rejects.toThrow(/not customer/);
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

  it('ends a thread that had no work for a while, and starts another for the next render', async () => {
    const pool = new RenderPool(1, { idleMs: 50, resourceLimits: {} });
    try {
      expect(await pdfText(await pool.render({ content: 'Avant' }))).toContain('Avant');
      expect(pool.threads).toBe(1);
      await expect.poll(() => pool.threads).toBe(0);
      expect(await pdfText(await pool.render({ content: 'Après' }))).toContain('Après');
    } finally {
      await pool.close();
    }
  });

  it('renders the largest invoice the import lets through within a thread\u2019s heap', { timeout: 120_000 }, async () => {
    const pool = new RenderPool(1);
    try {
      const template = await loadInvoiceTemplate(TEMPLATES);
      const label = (i: number) => `Ligne ${i} 🚀 ✓ ${'Hébergement mutualisé '.repeat(9)}`.slice(0, 200);
      const lines = Array.from({ length: 1000 }, (_, i) => ({ label: label(i), quantity: 99_999.999, unitPrice: 10_000_000 }));
      const taxes = Array.from({ length: 10 }, (_, i) => ({ label: `Taxe ${i} ${'T'.repeat(190)}`, rate: 1.5 }));
      const text = await pdfText(await pool.render(invoicePage(template, invoice('BIG-1', { lines, taxes }), { ...awa, name: 'N'.repeat(200) })));
      expect(text).toContain(label(999).slice(0, 30));
      expect(text).toContain('Taxe 9');
    } finally {
      await pool.close();
    }
  });

  it('fails a page past a thread\u2019s heap with why, and goes on rendering', async () => {
    const pool = new RenderPool(1, { idleMs: 30_000, resourceLimits: { maxOldGenerationSizeMb: 16, maxYoungGenerationSizeMb: 4 } });
    try {
      const body = Array.from({ length: 5000 }, (_, i) => [String(100_000 + i), '17 janv. 2019', '149 063 FCFA']);
      await expect(pool.render({ content: [{ table: { body } }] })).rejects.toThrow(/memory limit/);
      expect(await pdfText(await pool.render({ content: 'Toujours là' }))).toContain('Toujours là');
    } finally {
      await pool.close();
    }
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

  it('tells how far it is as each PDF is ready, up to every invoice once', async () => {
    const told: [number, number][] = [];
    await documents.zipAttachment(invoices, awa, (done, total) => told.push([done, total]));
    expect(told).toEqual(numbers.map((_, i) => [i + 1, numbers.length]));
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

  /** A cached PDF's bytes changed on disk, its size and modification time kept, as a hand edit or a forgery could leave it. */
  async function forge(file: string): Promise<Buffer> {
    const bytes = await readFile(file);
    const { atime, mtime } = await stat(file);
    const forged = Buffer.from(bytes);
    forged[forged.length >> 1]! ^= 1;
    await writeFile(file, forged);
    await utimes(file, atime, mtime);
    return forged;
  }

  /** Each file a ZIP sends, by name, with the SHA-256 the attachment records for it and that of the bytes the reader got. */
  async function sentAndRecorded(attachment: Attachment): Promise<{ name: string; recorded: string | undefined; sent: string }[]> {
    const file = path.join(dataDir, `${attachment.filename}.out`);
    await pipeline(await attachment.open(), createWriteStream(file));
    return (await readZip(file)).map((entry) => ({
      name: entry.name,
      recorded: attachment.files.find((carried) => carried.name === entry.name)?.sha256,
      sent: sha256(entry.bytes),
    }));
  }

  it('records the SHA-256 of the bytes it sends, in this process and the next, after a cached PDF was edited by hand', async () => {
    const pair = [invoice('1210'), invoice('1211')];
    await sentAndRecorded(await documents.zipAttachment(pair, awa)); // every hash known
    const forged = await forge(await documents.pdf(invoice('1211'), awa));
    for (const instance of [documents, await open()]) {
      const sent = await sentAndRecorded(await instance.zipAttachment(pair, awa));
      for (const { recorded, sent: bytes } of sent) expect(recorded).toBe(bytes);
      expect(sent.find((entry) => entry.name === 'facture-1211.pdf')!.sent).toBe(sha256(forged));
      const single = await instance.pdfAttachment(invoice('1211'), awa);
      expect(single.files[0]!.sha256).toBe(sha256(await buffer(await single.open())));
      expect(single.files[0]!.sha256).toBe(sha256(forged));
    }
    expect(renders.toSorted()).toEqual(['1210', '1211']); // forged, still not rendered again: its cache key is its page's
  });

  it('fails the stream rather than send a PDF edited after its SHA-256 was recorded', async () => {
    const attachment = await documents.zipAttachment([invoice('1210'), invoice('1211')], awa);
    const single = await documents.pdfAttachment(invoice('1211'), awa);
    await forge(await documents.pdf(invoice('1211'), awa));
    await expect(pipeline(await attachment.open(), createWriteStream(path.join(dataDir, 'out.zip')))).rejects.toThrow(/no longer hashes to/);
    await expect(buffer(await single.open())).rejects.toThrow(/no longer hashes to/);
  });

  it('fails the stream rather than leave out a PDF that went missing', async () => {
    const attachment = await documents.zipAttachment([invoice('1210'), invoice('1211')], awa);
    await rm(await documents.pdf(invoice('1211'), awa));
    await expect(pipeline(await attachment.open(), createWriteStream(path.join(dataDir, 'out.zip')))).rejects.toThrow(/ENOENT/);
  });
});

import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ImportError, importInvoices } from '../src/import/import.js';
import { formatReport } from '../src/import/report.js';
import { operatorWords } from '../src/cli/words.js';
import { Catalog } from '../src/templates/catalog.js';
import { LowdbStore } from '../src/store/lowdb/store.js';

/** Files as billing systems, spreadsheets and careless hands write them. */
const FIXTURES = path.resolve(import.meta.dirname, 'fixtures', 'import');

/** The operator's words, from the catalogs as the CLI reads them. */
const say = operatorWords(await Catalog.load(path.resolve(import.meta.dirname, '..', 'templates')));

let dir: string;
let store: LowdbStore;

beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'facteur-import-hostile-'));
  store = await LowdbStore.open(path.join(dir, 'db.json'));
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const line = { label: 'Hébergement Pro', quantity: 1, unitPrice: 120000 };

function row(number: unknown, changes: Record<string, unknown> = {}): Record<string, unknown> {
  return { number, customer: 'awa@example.cm', issuedAt: '2024-01-17', dueAt: '2024-02-17', currency: 'XAF', lines: [line], status: 'unpaid', ...changes };
}

async function importJson(rows: unknown): Promise<Awaited<ReturnType<typeof importInvoices>>> {
  const file = path.join(dir, 'export.json');
  await writeFile(file, JSON.stringify(rows));
  return importInvoices(store, file);
}

function reasonFor(report: Awaited<ReturnType<typeof importInvoices>>, where: string): string | undefined {
  return report.rejected.find((rejection) => rejection.where === where)?.reason;
}

describe('invoice numbers, which become file and archive names', () => {
  it('accepts what billing systems write, letters kept upper case', async () => {
    const numbers = ['1210', 'INV/2024/00001', 'F-2024_12.3', 'Facture2024', 'A'.repeat(40)];
    const report = await importJson([...numbers.map((number) => row(number)), row(1211)]);
    expect(report.rejected).toEqual([]);
    expect(report.created).toBe(numbers.length + 1);
    for (const number of ['1210', 'INV/2024/00001', 'F-2024_12.3', 'FACTURE2024', 'A'.repeat(40), '1211']) expect(await store.invoice(number)).toBeDefined();
  });

  it('keeps a look-alike of a number as that number: full-width, Arabic-Indic, mathematical digits, lower case', async () => {
    const report = await importJson([row('１２１０'), row('١٢١١'), row('𝟏𝟐𝟏𝟐'), row('۱۲۱۳'), row('inv/2024/00001'), row('Ｆ２０２４－００１')]);
    expect(report.rejected).toEqual([]);
    for (const number of ['1210', '1211', '1212', '1213', 'INV/2024/00001', 'F2024-001']) expect((await store.invoice(number))?.number).toBe(number);
  });

  it('never lets a look-alike of a number sit beside it for another customer, from JSON or CSV', async () => {
    await importJson([row('1210'), row('INV/2024/00001')]);
    const report = await importJson([
      row('１２１０', { customer: 'mallory@example.cm' }),
      row('١٢١٠', { customer: 'mallory@example.cm' }),
      row('𝟏𝟐𝟏𝟎', { customer: 'mallory@example.cm' }),
      row('inv/2024/00001', { customer: 'mallory@example.cm' }),
    ]);
    expect(report.created).toBe(0);
    for (const rejection of report.rejected) expect(rejection.reason).toMatch(/already belongs to another customer \(awa@example.cm\)/);
    const csv = path.join(dir, 'export.csv');
    await writeFile(
      csv,
      'number,customer,issuedAt,dueAt,currency,label,quantity,unitPrice,status\n１２１０,mallory@example.cm,2024-01-17,2024-02-17,XAF,Pro,1,1000,unpaid\n',
    );
    expect((await importInvoices(store, csv)).rejected[0]!.reason).toMatch(/already belongs to another customer/);
    expect(await store.customerByAddress('mallory@example.cm')).toBeUndefined();
  });

  it('makes look-alike letters and digits plain in labels, names and addresses', async () => {
    const report = await importJson([
      row('1210', {
        customer: 'ａｗａ@example.cm',
        customerName: '𝐀𝐰𝐚 Nkolo',
        lines: [{ ...line, label: 'Ｐａｃｋ Pro ١٢ mois' }],
        taxes: [{ label: '𝐓𝐕𝐀', rate: 19.25 }],
      }),
    ]);
    expect(report.rejected).toEqual([]);
    const customer = await store.customerByAddress('awa@example.cm');
    expect(customer?.name).toBe('Awa Nkolo');
    expect(await store.invoice('1210')).toMatchObject({ customerId: customer!.id, lines: [{ label: 'Pack Pro 12 mois' }], taxes: [{ label: 'TVA' }] });
  });

  it('refuses a label, name or tax whose characters the invoice cannot print, naming them, and takes symbols, other scripts and emoji', async () => {
    const report = await importJson([
      row('1210', { lines: [{ ...line, label: 'Hébergement 中文' }] }),
      row('1211', { customerName: 'Société 中非' }),
      row('1212', { taxes: [{ label: 'Taxe 𓀀', rate: 1 }] }),
      row('1213', { customerName: 'مؤسسة النور', lines: [{ ...line, label: 'Pack Fusée 🚀 et café ☕ ✔️ — A → B ✓ ★' }] }),
    ]);
    expect(report.rejected.map((rejection) => rejection.reason)).toEqual([
      'lines[0].label: holds "中" (U+4E2D), "文" (U+6587), which the invoice cannot print',
      'customerName: holds "中" (U+4E2D), "非" (U+975E), which the invoice cannot print',
      'taxes[0].label: holds "𓀀" (U+13000), which the invoice cannot print',
    ]);
    expect((await store.invoice('1213'))?.lines[0]!.label).toBe('Pack Fusée 🚀 et café ☕ ✔️ — A → B ✓ ★');
  });

  it('refuses letters of other scripts that look Latin, and accented ones', async () => {
    // A Cyrillic І and Е, a Greek Ν: each reads as INV-1 and is not.
    const report = await importJson([row('\u0406NV-1'), row('INV-\u0415'), row('I\u039DV-1'), row('ÉTÉ-2024')]);
    expect(report.created).toBe(0);
    for (const rejection of report.rejected) expect(rejection.reason).toMatch(/^number: .* is not an invoice number/);
  });

  it.each([
    ['a backslash', 'a\\b'],
    ['a leading dot', '../x'],
    ['a leading dot alone', '.hidden'],
    ['41 characters', 'A'.repeat(41)],
    ['300 characters', '9'.repeat(300)],
    ['a newline', '12\n10'],
    ['an escape sequence', '\u001b[31m1210'],
    ['a right-to-left override', '12\u202E10'],
    ['an invisible character', '12\u200B10'],
    ['a space', '12 10'],
    ['a separator at the end', 'INV/2024/'],
    ['a fraction', 12.1],
  ])('refuses one with %s, saying what a number may be', async (_what, number) => {
    const report = await importJson([row(number)]);
    expect(report.created).toBe(0);
    expect(reasonFor(report, 'index 0')).toMatch(/^number: /);
    expect(reasonFor(report, 'index 0')).not.toContain('\u001b');
  });
});

describe('amounts and dates', () => {
  it.each([
    ['a quantity of 1e308', { lines: [{ ...line, quantity: 1e308 }] }, /quantity/],
    ['a quantity of 1e-7', { lines: [{ ...line, quantity: 1e-7 }] }, /quantity/],
    ['a unit price past a safe integer', { lines: [{ ...line, unitPrice: 2 ** 60 }] }, /unitPrice/],
    ['a total too large to be one', { lines: [{ ...line, quantity: 99_999, unitPrice: 999_999_999_999 }] }, /total/],
    ['an invoice of year 9999', { issuedAt: '9999-01-01', dueAt: '9999-02-01' }, /issuedAt/],
    ['an invoice of year 1000', { issuedAt: '1000-01-01', dueAt: '1000-02-01' }, /issuedAt/],
    ['a payment before the invoice', { status: 'paid', paidAt: '2023-12-31' }, /paidAt/],
    ['ten thousand lines', { lines: Array.from({ length: 10_000 }, () => line) }, /lines/],
    ['a label with an escape sequence', { lines: [{ ...line, label: 'Hébergement \u001b]0;pwned\u0007' }] }, /label/],
  ])('refuses %s', async (_what, changes, field) => {
    const report = await importJson([row('1210', changes)]);
    expect(report.created).toBe(0);
    expect(reasonFor(report, 'index 0')).toMatch(field);
  });

  it('keeps every total it accepts a safe integer, and prints amounts that are numbers', async () => {
    const report = await importJson([
      row('1210', { lines: [{ ...line, quantity: 99_999.999, unitPrice: 9_999_999 }], taxes: [{ label: 'TVA', rate: 19.25 }] }),
    ]);
    expect(report.created).toBe(1);
  });
});

describe('files that cost more than they carry', () => {
  it('reads 20,000 copies of one number and names each kind of rejection once, with how many more', async () => {
    const report = await importJson(Array.from({ length: 20_000 }, () => row('1210')));
    expect(report.created).toBe(0);
    expect(report.rejected).toHaveLength(20_000);
    const text = formatReport(report, say);
    expect(text.length).toBeLessThan(5_000);
    expect(text).toContain('20000 rejected');
    expect(text).toMatch(/and 19[ ,.\u202F]?99\d more like this/);
  });

  it('reads 5 MB of objects that are no invoices, and its report stays short', async () => {
    const rows = Array.from({ length: 650_000 }, () => ({ a: 1 }));
    const report = await importJson(rows);
    expect(report.rejected).toHaveLength(rows.length);
    const text = formatReport(report, say);
    expect(text.length).toBeLessThan(5_000);
    expect(text).toMatch(/more like this/);
  });

  it('refuses a file over the size allowed before reading it', async () => {
    const file = path.join(dir, 'huge.json');
    await writeFile(file, `[${'{"a":1},'.repeat(200_000)}{"a":1}]`);
    const error = await importInvoices(store, file, { maxBytes: 1024 * 1024 }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ImportError);
    expect((error as Error).message).toMatch(/1\.5 MB, more than the 1 MB allowed \(FACTEUR_IMPORT_MAX_MB\)/);
  });
});

describe('CSV as people write it', () => {
  it('reads a French Excel export: semicolons, decimal commas, Windows-1252', async () => {
    const report = await importInvoices(store, path.join(FIXTURES, 'excel-fr-windows-1252.csv'));
    expect(report.rejected).toEqual([]);
    expect(report.created).toBe(3);
    expect(report.notes.join(' ')).toMatch(/Windows-1252/);
    expect((await store.invoice('F2024-0101'))!.lines.map((l) => l.label)).toEqual(['Hébergement Pro (4 mois)', 'Nom de domaine .cm']);
    expect((await store.invoice('F2024-0102'))!.lines[0]!.quantity).toBe(1.5);
    expect((await store.invoice('F2024-0103'))!.lines[0]!.label).toBe('Sauvegarde; quotidienne');
    expect((await store.customerByAddress('grace@example.cm'))!.name).toBe('Grâce Eyenga');
  });

  it.each(['export-utf16le-bom.csv', 'export-utf16be-bom.csv', 'export-utf8-bom-semicolon.csv'])('reads %s', async (name) => {
    const report = await importInvoices(store, path.join(FIXTURES, name));
    expect(report.rejected).toEqual([]);
    expect((await store.invoice('U-2'))!.lines[0]!.label).toBe('Certificat SSL « premium »');
  });

  it('says what is wrong with a file that is not text in any encoding it knows', async () => {
    const file = path.join(dir, 'export.csv');
    await writeFile(file, Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x00, 0x00, 0xff, 0x00, 0x12, 0x00]));
    await expect(importInvoices(store, file)).rejects.toThrow(/not a text file/);
  });

  it('leaves no temp file behind in the data folder after an import', async () => {
    await importInvoices(store, path.join(FIXTURES, 'export-utf16le-bom.csv'));
    expect((await readdir(dir)).filter((name) => name.includes('tmp'))).toEqual([]);
  });
});

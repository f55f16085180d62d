/**
 * `facteur verify FILE.pdf` as staff run it on a copy a customer holds: genuine when its bytes
 * are a PDF Facteur holds or sent (the billing system's, the one sent now or an older one, or a
 * rendering a delivery carried), naming the invoice; otherwise what differs that matters. The
 * copies are the fixtures' forgeries, edited in their content streams as fraudsters do.
 */
import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { simpleParser } from 'mailparser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runFacteur } from './support/cli.js';

const PDFS = path.join(import.meta.dirname, 'fixtures', 'billing-pdfs');
let dataDir: string;
let env: Record<string, string>;
const verify = (file: string) => runFacteur(['verify', file], env);

/** Invoice 1266 as the billing system exports it, with its PDF. */
async function export1266(pdf: string): Promise<string> {
  const file = path.join(dataDir, `export-${pdf}.json`);
  const invoice = {
    number: '1266',
    customer: 'awa@example.cm',
    issuedAt: '2026-01-17',
    dueAt: '2026-02-17',
    currency: 'XAF',
    lines: [
      { label: 'Hébergement Pro (4 mois)', quantity: 1, unitPrice: 81000 },
      { label: 'Nom de domaine .cm', quantity: 1, unitPrice: 20500 },
    ],
    taxes: [{ label: 'TVA', rate: 19.25 }],
    status: 'unpaid',
    pdf: (await readFile(path.join(PDFS, pdf))).toString('base64'),
  };
  await writeFile(file, JSON.stringify([invoice]));
  return file;
}

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), 'facteur-verify-'));
  env = { FACTEUR_DATA_DIR: dataDir, FACTEUR_PDF_READ_SECONDS: '2' };
  // The demo's data folder (met by a push), then the billing system sent 1266, then 1266 stamped paid: the older stays known.
  expect((await runFacteur(['push'], { ...env, REMINDERS_ENABLED: 'false' })).code).toBe(0);
  for (const pdf of ['1266.pdf', '1266-paid.pdf']) expect((await runFacteur(['import', await export1266(pdf)], env)).stdout).toMatch(/0 rejected/);
}, 60_000);

afterAll(async () => {
  await rm(dataDir, { recursive: true, force: true });
});

describe('facteur verify refuses to vouch for', () => {
  it('a copy with its bank details edited (invoice redirection): exit 1, saying which IBAN and RIB it gives and which ours are', async () => {
    const run = await verify(path.join(PDFS, '1266-iban.pdf'));
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/^NOT GENUINE: it bears invoice 1266 of Awa Nkolo <awa@example\.cm>/);
    expect(run.stdout).toMatch(
      /bank details \(IBAN, RIB, account numbers\): the copy says CM2110005000010987654321012, 10005000010987654321012; ours says CM2110005000010123456789012, 10005000010123456789012/,
    );
    expect(run.stdout).not.toMatch(/amounts|due date|mobile-money/);
  });

  it('a copy with its total, or its Mobile Money number, edited; a forger’s new file with another bank and due date', async () => {
    expect((await verify(path.join(PDFS, '1266-amount.pdf'))).stdout).toMatch(/amounts and totals: the copy says 721039; ours says 121039/);
    expect((await verify(path.join(PDFS, '1266-momo.pdf'))).stdout).toMatch(/mobile-money numbers: the copy says 650443107; ours says 677123456/);
    const forged = await verify(path.join(PDFS, '1266-forged.pdf'));
    expect(forged.code).toBe(1);
    expect(forged.stdout).toMatch(/bank details .*CM2110029260458881234567841/);
    expect(forged.stdout).toMatch(/due date: the copy says 2026-12-25; ours says 2026-02-17/);
  });

  it('a copy in another layout naming an invoice Facteur renders: what it adds (Mobile Money numbers Facteur never printed)', async () => {
    const run = await verify(path.join(PDFS, '1268.pdf'));
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/NOT GENUINE: it bears invoice 1268 of Paul Mbarga/);
    expect(run.stdout).toMatch(/mobile-money numbers: the copy says 677123456, 699887766/);
  });

  it('someone else’s invoice, a file that is no PDF, and one that makes the reader spin', async () => {
    const stranger = await verify(path.join(PDFS, 'stranger.pdf'));
    expect([stranger.code, stranger.stdout]).toEqual([1, expect.stringMatching(/^NOT OURS: it names none of our invoices\./)]);
    expect((await verify(path.join(PDFS, 'not-a-pdf.pdf'))).stdout).toMatch(/^NOT CHECKED: the file is not a PDF/);
    const inflating = await verify(path.join(PDFS, 'bomb-time.pdf'));
    expect([inflating.code, inflating.stdout]).toEqual([
      1,
      expect.stringMatching(/^NOT CHECKED: the file does not read as a PDF \(its compressed streams inflate to more than 64 MB/),
    ]);
    const spinning = await verify(path.join(PDFS, 'bomb-memory.pdf'));
    expect([spinning.code, spinning.stdout]).toEqual([1, expect.stringMatching(/^NOT CHECKED: the file took more than 2 s to read/)]);
    expect((await verify(path.join(dataDir, 'no-such.pdf'))).code).toBe(2);
  });
});

describe('facteur verify vouches for', () => {
  it('the billing system’s PDF sent now, and the older one it replaced, naming the invoice', async () => {
    const now = await verify(path.join(PDFS, '1266-paid.pdf'));
    expect([now.code, now.stdout]).toEqual([
      0,
      expect.stringMatching(
        /^GENUINE: invoice 1266 of Awa Nkolo <awa@example\.cm>, issued 2026-01-17, due 2026-02-17, 121039 XAF — the billing system’s PDF, received \d{4}-\d\d-\d\d \(the one sent now\)/,
      ),
    ]);
    const older = await verify(path.join(PDFS, '1266.pdf'));
    expect([older.code, older.stdout]).toEqual([0, expect.stringMatching(/a newer one has come since/)]);
  });

  it('a rendering a message carried, after the invoice changed and renders otherwise: the delivery log kept its hash', async () => {
    expect((await runFacteur(['resend', '1273'], env)).code).toBe(0);
    const outbox = path.join(dataDir, 'mail', 'outbox');
    const [eml] = (await readdir(outbox)).filter((name) => name.endsWith('.eml'));
    const sent = (await simpleParser(await readFile(path.join(outbox, eml!)))).attachments.find((a) => a.filename === 'facture-1273.pdf')!;
    const copy = path.join(dataDir, 'copy-1273.pdf');
    await writeFile(copy, sent.content);
    // Cancelled since: Facteur's rendering of it now says so, and is other bytes.
    const cancelled = path.join(dataDir, 'cancel.json');
    await writeFile(
      cancelled,
      JSON.stringify([
        {
          number: '1273',
          customer: 'awa@example.cm',
          issuedAt: '2026-09-17',
          dueAt: '2026-10-17',
          currency: 'XAF',
          lines: [
            { label: 'Hébergement Pro (4 mois)', quantity: 1, unitPrice: 81000 },
            { label: 'Nom de domaine .cm', quantity: 1, unitPrice: 20500 },
          ],
          taxes: [{ label: 'TVA', rate: 19.25 }],
          status: 'cancelled',
        },
      ]),
    );
    expect((await runFacteur(['import', cancelled], env)).stdout).toMatch(/1 updated/);
    const run = await verify(copy);
    expect([run.code, run.stdout]).toEqual([0, expect.stringMatching(/^GENUINE: invoice 1273 of Awa Nkolo .*— Facteur’s rendering, sent \d{4}-\d\d-\d\d\./)]);
    // The delivery log shows the hash staff can look a copy up by.
    const sha = /sha256 ([0-9a-f]{64})/.exec(run.stdout)![1]!;
    expect((await runFacteur(['deliveries', '--customer', 'awa@example.cm'], env)).stdout).toContain(`facture-1273.pdf ${sha.slice(0, 16)} (rendered)`);
  });

  it('a rendering the customer got from `facteur ask`, after the invoice changed: the console’s delivery kept its hash', async () => {
    const out = path.join(dataDir, 'asked');
    await mkdir(out);
    expect((await runFacteur(['ask', '--as', 'paul@example.cm', '--out', out, 'facture 1268'], env)).code).toBe(0);
    // Cancelled since, as the billing system exports it: Facteur's rendering of it now says so, and is other bytes.
    const { invoices } = JSON.parse(await readFile(path.join(dataDir, 'db.json'), 'utf8')) as {
      invoices: { number: string; issuedAt: string; dueAt: string; currency: string; lines: unknown[]; taxes?: unknown[] }[];
    };
    const { issuedAt, dueAt, currency, lines, taxes } = invoices.find((invoice) => invoice.number === '1268')!;
    const cancelled = path.join(dataDir, 'cancel-1268.json');
    await writeFile(cancelled, JSON.stringify([{ number: '1268', customer: 'paul@example.cm', issuedAt, dueAt, currency, lines, taxes, status: 'cancelled' }]));
    expect((await runFacteur(['import', cancelled], env)).stdout).toMatch(/1 updated/);
    const run = await verify(path.join(out, 'facture-1268.pdf'));
    expect([run.code, run.stdout]).toEqual([0, expect.stringMatching(/^GENUINE: invoice 1268 of Paul Mbarga .*— Facteur’s rendering, sent \d{4}-\d\d-\d\d\./)]);
    const sha = /sha256 ([0-9a-f]{64})/.exec(run.stdout)![1]!;
    const log = (await runFacteur(['deliveries', '--customer', 'paul@example.cm'], env)).stdout;
    expect(log).toContain(`facture-1268.pdf ${sha.slice(0, 16)} (rendered)`);
    expect(log).toMatch(/console/);
  });
});

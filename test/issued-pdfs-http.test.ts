/**
 * The billing system's own PDFs over real HTTP: `facteur start` in a process of its own, the
 * SMTP peer taking what it pushes, `facteur import --pdfs` run beside it. What an attacker or a
 * broken billing system sends first: a PDF without a key, for an unknown number, that is no PDF,
 * that is another customer's invoice, that is too large, that makes a PDF reader spin; then the
 * contract: the bytes kept once, sent byte for byte, a newer one sent from then on, the hash of
 * each file in the delivery log.
 */
import { createHash } from 'node:crypto';
import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sign } from '../src/http/auth.js';
import { startSmtpPeer, type SmtpPeer } from './peers/smtp.js';
import { runFacteur, spawnFacteur, type Spawned } from './support/cli.js';

const KEY = 'k3y-for-the-billing-system-pdfs-0123456789';
const SECRET = 'whsec-the-billing-systems-pdf-secret-000';
const PDFS = path.join(import.meta.dirname, 'fixtures', 'billing-pdfs');
const pdf = (name: string) => readFile(path.join(PDFS, name));
const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

let smtp: SmtpPeer;
let service: Spawned;
let url: string;
let dataDir: string;
let env: Record<string, string>;

beforeAll(async () => {
  smtp = await startSmtpPeer();
  dataDir = await mkdtemp(path.join(tmpdir(), 'facteur-pdfs-'));
  env = {
    FACTEUR_DATA_DIR: dataDir,
    SMTP_HOST: '127.0.0.1',
    SMTP_PORT: String(smtp.port),
    SMTP_TLS: 'false',
    PUSH_CRON: '* * * * * *',
    FACTEUR_API_KEYS: KEY,
    FACTEUR_WEBHOOK_SECRET: SECRET,
    // Half a megabyte: the time bomb (0.47 MB) fits, so that it is its reading that is stopped.
    FACTEUR_PDF_MAX_MB: '0.5',
    FACTEUR_PDF_READ_SECONDS: '2',
  };
  service = spawnFacteur(['start'], env);
  const line = await service.logged((l) => l.event === 'http.listening' || l.level === 60, 20_000);
  if (line.event !== 'http.listening') throw new Error(`facteur start did not listen: ${JSON.stringify(line)}`);
  url = String(line.url);
});

afterAll(async () => {
  service?.child.kill('SIGTERM');
  await service?.exited;
  await smtp?.close();
  await rm(dataDir, { recursive: true, force: true });
});

function put(number: string, body: Uint8Array | string, headers: Record<string, string> = {}) {
  return fetch(`${url}/api/v1/invoices/${encodeURIComponent(number)}/pdf`, {
    method: 'PUT',
    headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/pdf', ...headers },
    body: typeof body === 'string' ? body : new Uint8Array(body),
  });
}

function post(body: unknown, headers: Record<string, string> = { authorization: `Bearer ${KEY}` }) {
  return fetch(`${url}/api/v1/invoices`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

async function pdfsOf(number: string): Promise<{ sha256: string; size: number }[]> {
  const response = await fetch(`${url}/api/v1/invoices/${number}`, { headers: { authorization: `Bearer ${KEY}` } });
  return ((await response.json()) as { pdfs: { sha256: string; size: number }[] }).pdfs;
}

const invoice = (number: string, changes: Record<string, unknown> = {}) => ({
  number,
  customer: 'compta@wouri-lumiere.example',
  customerName: 'Wouri Lumière SARL',
  issuedAt: '2026-11-20',
  dueAt: '2026-12-20',
  currency: 'XAF',
  lines: [{ label: 'Hébergement Pro (1 mois)', quantity: 1, unitPrice: 15_000 }],
  taxes: [{ label: 'TVA', rate: 19.25 }],
  status: 'unpaid',
  ...changes,
});

describe('a PDF of the billing system is refused, and nothing kept', () => {
  it('without a key, with a wrong one, or with a webhook signature (which stands only for POST /invoices)', async () => {
    const bytes = await pdf('1266.pdf');
    expect((await put('1266', bytes, { authorization: '' })).status).toBe(401);
    expect((await put('1266', bytes, { authorization: 'Bearer not-a-key-of-ours-0000000000000' })).status).toBe(401);
    const signed = await fetch(`${url}/api/v1/invoices/1266/pdf`, {
      method: 'PUT',
      headers: { 'content-type': 'application/pdf', 'facteur-signature': sign(SECRET, bytes, Math.floor(Date.now() / 1000)) },
      body: new Uint8Array(bytes),
    });
    expect(signed.status).toBe(401);
    expect(await pdfsOf('1266')).toEqual([]);
  });

  it('for a number that is no invoice: 404, and the body is not even read as a PDF', async () => {
    const response = await put('9999', await pdf('1266.pdf'));
    expect(response.status).toBe(404);
    expect(((await response.json()) as { message: string }).message).toMatch(/no invoice "9999"/);
  });

  it('that is no PDF, is cut short, or is sent as something else than application/pdf, saying why', async () => {
    const notPdf = await put('1266', await pdf('not-a-pdf.pdf'));
    expect(notPdf.status).toBe(422);
    expect(((await notPdf.json()) as { message: string }).message).toMatch(/is not a PDF: it does not start with %PDF-/);
    const cut = await put('1266', await pdf('truncated.pdf'));
    expect(cut.status).toBe(422);
    expect(((await cut.json()) as { message: string }).message).toMatch(/does not read as a PDF/);
    expect((await put('1266', await pdf('1266.pdf'), { 'content-type': 'application/octet-stream' })).status).toBe(415);
    const empty = await put('1266', '', {});
    expect(empty.status).toBe(422);
    expect(((await empty.json()) as { message: string }).message).toMatch(/is empty/);
    expect(await pdfsOf('1266')).toEqual([]);
  });

  it('that is another customer’s invoice (Paul’s 1268 sent as Awa’s 1266): it would show Awa someone else’s invoice', async () => {
    const response = await put('1266', await pdf('1268.pdf'));
    expect(response.status).toBe(422);
    expect(((await response.json()) as { message: string }).message).toMatch(/does not name invoice 1266/);
    expect(await pdfsOf('1266')).toEqual([]);
  });

  it('over FACTEUR_PDF_MAX_MB: 413 before it is read', async () => {
    const big = Buffer.concat([await pdf('1266.pdf'), Buffer.alloc(600 * 1024, 0x20)]);
    const response = await put('1266', big);
    expect(response.status).toBe(413);
    expect(((await response.json()) as { message: string }).message).toMatch(/more than the 0.5 MB allowed \(FACTEUR_PDF_MAX_MB\)/);
  });

  it('that makes a PDF reader spin or swell (a stream inflating to 480 MB, millions of pieces of text): stopped at its time limit off the main thread, which answers meanwhile', async () => {
    for (const bomb of ['bomb-time.pdf', 'bomb-memory.pdf']) {
      const refused = put('1266', await pdf(bomb));
      // The service answers while the bomb is being read: its reading is on another thread.
      const health = await fetch(`${url}/healthz`);
      expect(health.status).toBe(200);
      const response = await refused;
      expect(response.status).toBe(422);
      // The stream of 480 MB is refused as it inflates, past 64 MB; the millions of pieces of text at the time limit.
      expect(((await response.json()) as { message: string }).message).toMatch(
        bomb === 'bomb-time.pdf' ? /its compressed streams inflate to more than 64 MB/ : /took more than 2 s to read|needs more than \d+ MB of memory/,
      );
    }
    expect(await pdfsOf('1266')).toEqual([]);
    const refusals = service.logs.filter((l) => l.event === 'intake.pdf.refused');
    expect(refusals.length).toBeGreaterThanOrEqual(5);
  });

  it('in a POST: not base64, not a PDF, or not this invoice’s: the invoice is rejected whole, saying why, and not created', async () => {
    const response = await post([
      invoice('WL-1', { pdf: 'ceci n’est pas du base64 !' }),
      invoice('WL-2', { pdf: (await pdf('not-a-pdf.pdf')).toString('base64') }),
      invoice('WL-3', { pdf: (await pdf('1266.pdf')).toString('base64') }),
    ]);
    expect(response.status).toBe(200);
    const report = (await response.json()) as { created: number; rejected: number; invoices: { number: string; outcome: string; reason?: string }[] };
    expect(report).toMatchObject({ created: 0, rejected: 3 });
    expect(report.invoices.map((i) => i.reason)).toEqual([
      expect.stringMatching(/^pdf: is not base64/),
      expect.stringMatching(/^pdf: the file in "pdf" is not a PDF/),
      expect.stringMatching(/^pdf: the file in "pdf" does not name invoice WL-3/),
    ]);
    expect((await fetch(`${url}/api/v1/invoices/WL-1`, { headers: { authorization: `Bearer ${KEY}` } })).status).toBe(404);
  });
});

describe('the billing system’s PDF, kept once and sent byte for byte', () => {
  it('PUT keeps it under its SHA-256; the same bytes again change nothing', async () => {
    const bytes = await pdf('1266.pdf');
    const first = await put('1266', bytes);
    expect(first.status).toBe(200);
    expect(await first.json()).toMatchObject({ number: '1266', outcome: 'stored', pdf: { sha256: sha256(bytes), size: bytes.length } });
    expect(await (await put('1266', bytes)).json()).toMatchObject({ outcome: 'unchanged' });
    expect(await pdfsOf('1266')).toEqual([expect.objectContaining({ sha256: sha256(bytes) })]);
  });

  it('an invoice POSTed with its PDF (signed, as a webhook) is announced with exactly those bytes, and the delivery log says their hash', async () => {
    const bytes = Buffer.from((await pdf('1266.pdf')).toString('latin1').replaceAll('31323636', '574c2d39'), 'latin1');
    // A PDF naming WL-9: 1266.pdf with its number's bytes edited (1266 → WL-9), as the billing system would print it.
    const body = JSON.stringify(invoice('WL-9', { customer: 'annonces@wouri-lumiere.example', pdf: bytes.toString('base64') }));
    const response = await post(body, { 'facteur-signature': sign(SECRET, body, Math.floor(Date.now() / 1000)) });
    expect(await response.json()).toMatchObject({ created: 1, rejected: 0 });
    const mail = await smtp.waitForMessage((m) => m.envelope.to.includes('annonces@wouri-lumiere.example'), 15_000);
    expect(mail.files).toHaveLength(1);
    expect(sha256(mail.files[0]!.content)).toBe(sha256(bytes));
    expect(mail.files[0]!.content.equals(bytes)).toBe(true);
    await expect
      .poll(async () => {
        const log = (await (await fetch(`${url}/api/v1/deliveries?invoice=WL-9`, { headers: { authorization: `Bearer ${KEY}` } })).json()) as {
          deliveries: { status: string; files?: { sha256: string; source: string; invoice: string }[] }[];
        };
        return log.deliveries[0];
      })
      .toMatchObject({ status: 'sent', files: [{ sha256: sha256(bytes), source: 'billing', invoice: 'WL-9' }] });
  });

  it('a newer PDF of the same invoice (stamped paid) is the one sent from then on; the older stays known', async () => {
    const [older, newer] = [await pdf('1266.pdf'), await pdf('1266-paid.pdf')];
    expect(await (await put('1266', newer)).json()).toMatchObject({ outcome: 'stored' });
    expect((await pdfsOf('1266')).map((p) => p.sha256)).toEqual([sha256(older), sha256(newer)]);
  });

  it('facteur import FILE --pdfs DIR, through the running service: each invoice with its DIR/<number>.pdf (a / written _), the bad one rejected whole with its file named', async () => {
    const work = await mkdtemp(path.join(tmpdir(), 'facteur-pdfs-import-'));
    const dir = path.join(work, 'pdfs');
    await mkdir(dir);
    const good = Buffer.from((await pdf('1266.pdf')).toString('latin1').replaceAll('31323636', '4b2f3031'), 'latin1'); // "K/01"
    await writeFile(path.join(dir, 'K_01.pdf'), good);
    await copyFile(path.join(PDFS, 'not-a-pdf.pdf'), path.join(dir, 'K-02.pdf'));
    await copyFile(path.join(PDFS, '1266.pdf'), path.join(dir, 'stray.pdf'));
    const file = path.join(work, 'export.json');
    await writeFile(
      file,
      JSON.stringify([
        invoice('K/01', { customer: 'import@wouri-lumiere.example' }),
        invoice('K-02', { customer: 'import@wouri-lumiere.example' }),
        invoice('K-03', { customer: 'import@wouri-lumiere.example' }),
      ]),
    );
    const run = await runFacteur(['import', file, '--pdfs', dir], env);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/2 created/);
    expect(run.stdout).toMatch(/index 1 \(invoice K-02\): pdf: K-02\.pdf is not a PDF/);
    expect(run.stdout).toMatch(/1 PDF file\(s\) of the folder name no invoice of the file.*stray\.pdf/);
    expect((await pdfsOf('K%2F01')).map((p) => p.sha256)).toEqual([sha256(good)]);
    expect(await pdfsOf('K-03')).toEqual([]);
    await rm(work, { recursive: true, force: true });
  });
});

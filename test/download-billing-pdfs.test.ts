/**
 * Download links with PDF_SOURCE=billing, as a customer meets them when the billing system has
 * not sent every PDF a link names (a link given before the operator chose `billing`, say):
 * `facteur start` in a process of its own, the billing system's PDF of one invoice sent by
 * PUT, links signed for that invoice and one without its PDF. The page and the ZIP give what
 * is there, byte for byte, and say which PDF has not come; never a rendering, never a 500.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoData } from '../src/billing/demo.js';
import { dataPaths } from '../src/data-folder.js';
import { linkId, LinkSigner } from '../src/download-links/token.js';
import { LowdbStore } from '../src/store/lowdb/store.js';
import { freePort } from './peers/dovecot.js';
import { spawnFacteur, type Spawned } from './support/cli.js';
import { readZipBytes } from './support/read.js';
import { DAY_MS } from '../src/time.js';

const SECRET = 'the-link-secret-of-the-billing-pdf-test-01';
const KEY = 'k3y-for-the-billing-system-of-the-link-test';
const PDFS = path.join(import.meta.dirname, 'fixtures', 'billing-pdfs');

let service: Spawned;
let dataDir: string;
let url: string;
/** Awa's links: 1266 (whose PDF the billing system sent) with 1273 (whose it has not), and 1273 alone. */
let tokens: { both: string; missing: string };

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), 'facteur-link-billing-'));
  // The demo as the billing PDFs were made for it (test/fixtures/billing-pdfs/make.ts).
  const data = demoData(new Date('2026-11-25T12:00:00Z'));
  const store = await LowdbStore.open(dataPaths(dataDir).db);
  await store.save(data);
  await store.close();
  const awa = data.customers.find((customer) => customer.email === 'awa@example.cm')!;
  const signer = new LinkSigner(SECRET);
  const expiresAt = new Date(Date.now() + 7 * DAY_MS);
  tokens = {
    both: signer.sign({ customerId: awa.id, invoices: ['1266', '1273'], expiresAt })!,
    missing: signer.sign({ customerId: awa.id, invoices: ['1273'], expiresAt })!,
  };
  const port = await freePort();
  url = `http://127.0.0.1:${port}`;
  service = spawnFacteur(['start'], {
    FACTEUR_DATA_DIR: dataDir,
    FACTEUR_DEMO: 'false',
    HTTP_PORT: String(port),
    PUBLIC_URL: url,
    FACTEUR_LINK_SECRET: SECRET,
    FACTEUR_API_KEYS: KEY,
    PDF_SOURCE: 'billing',
  });
  const line = await service.logged((l) => l.event === 'http.listening' || l.level === 60);
  if (line.event !== 'http.listening') throw new Error(`facteur start did not listen: ${JSON.stringify(line)}`);
  const put = await fetch(`${url}/api/v1/invoices/1266/pdf`, {
    method: 'PUT',
    headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/pdf' },
    body: new Uint8Array(await readFile(path.join(PDFS, '1266.pdf'))),
  });
  expect(put.status).toBeLessThan(300);
});

afterAll(async () => {
  service?.child.kill('SIGTERM');
  await service?.exited;
  await rm(dataDir, { recursive: true, force: true });
});

/** What a browser asking in French gets for `pathname`: status, headers, the page's words as a reader sees them, and the bytes. */
async function asked(pathname: string): Promise<{ status: number; headers: Headers; text: string; bytes: Buffer }> {
  const response = await fetch(`${url}${pathname}`, { headers: { 'accept-language': 'fr-FR' } });
  const bytes = Buffer.from(await response.arrayBuffer());
  const text = bytes
    .toString('utf8')
    .replace(/<[^>]*>/g, ' ')
    .replaceAll('&#39;', "'")
    .replace(/\s+/g, ' ');
  return { status: response.status, headers: response.headers, text, bytes };
}

describe('a download link with PDF_SOURCE=billing', () => {
  it('gives the billing system’s PDFs it has, byte for byte, and says which has not come, staff told', async () => {
    const page = await asked(`/d/${tokens.both}`);
    expect(page.status).toBe(200);
    expect(page.text).toContain('1 fichier');
    expect(page.text).toContain('Le PDF de la facture n° 1273 ne nous est pas encore parvenu de notre service de facturation');

    const zip = await asked(`/d/${tokens.both}/zip`);
    expect(zip.status).toBe(200);
    expect(zip.headers.get('content-type')).toBe('application/zip');
    const entries = await readZipBytes(zip.bytes);
    expect(entries.map((entry) => entry.name)).toEqual(['facture-1266.pdf']);
    expect(entries[0]!.bytes.equals(await readFile(path.join(PDFS, '1266.pdf')))).toBe(true);
    expect(service.logs).toContainEqual(expect.objectContaining({ event: 'pdf.missing', invoices: ['1273'], what: 'a download link' }));
  });

  it('that names only invoices whose PDF has not come says so, page and ZIP alike, and no rendering is sent', async () => {
    for (const pathname of [`/d/${tokens.missing}`, `/d/${tokens.missing}/zip`]) {
      const answer = await asked(pathname);
      expect(answer.status).toBe(503);
      expect(answer.headers.get('content-type')).toMatch(/^text\/html/);
      expect(answer.text).toContain('Facture pas encore disponible');
      expect(answer.text).toContain('Le PDF de la facture n° 1273 ne nous est pas encore parvenu de notre service de facturation');
    }
    expect(service.logs.filter((line) => line.event === 'download.failed')).toEqual([]);
    expect(service.logs).toContainEqual(expect.objectContaining({ event: 'download.refused', link: linkId(tokens.missing), status: 503 }));
  });
});

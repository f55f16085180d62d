/**
 * What one download link, or many, may cost the service, as an attacker and a bad network
 * try it: `facteur start` in a process of its own with two ZIPs of one link and three in all
 * allowed at once, and a short idle limit; readers that ask for a ZIP of 400 invoices and
 * never read it; a flood of page views. Every answer is read as a browser or a download tool
 * would: status, headers, words, and the ZIP's bytes.
 */
import net from 'node:net';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newCustomer } from '../src/billing/customer.js';
import type { Invoice } from '../src/billing/types.js';
import { dataPaths } from '../src/data-folder.js';
import { linkId, LinkSigner } from '../src/download-links/token.js';
import { LowdbStore } from '../src/store/lowdb/store.js';
import { freePort } from './peers/dovecot.js';
import { spawnFacteur, type Spawned } from './support/cli.js';
import { readZip } from './support/read.js';
import { DAY_MS } from '../src/time.js';

const SECRET = 'the-link-secret-of-the-limits-test-0123';
const IDLE_SECONDS = 4;
const MANY = 400;

let service: Spawned;
let dataDir: string;
let url: string;
/** Two links to the big customer's invoices (all, and all but the last), one to the small customer's. */
let tokens: { all: string; most: string; small: string };
/** Raw connections opened by a test, closed after it. */
const sockets: net.Socket[] = [];

function invoicesOf(customerId: string, count: number, first: number): Invoice[] {
  return Array.from({ length: count }, (_, i) => ({
    number: String(first + i),
    customerId,
    issuedAt: new Date(Date.UTC(2019, 0, 1 + i * 6)).toISOString().slice(0, 10),
    dueAt: new Date(Date.UTC(2019, 0, 31 + i * 6)).toISOString().slice(0, 10),
    currency: 'XAF',
    lines: [{ label: 'Hébergement Pro (1 mois)', quantity: 1, unitPrice: 15_000 + i }],
    taxes: [{ label: 'TVA', rate: 19.25 }],
    status: 'paid',
    paidAt: new Date(Date.UTC(2019, 0, 10 + i * 6)).toISOString().slice(0, 10),
  }));
}

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), 'facteur-link-limits-'));
  const big = { ...newCustomer('grossiste@example.cm', 'Grossiste Douala SARL'), id: 'customer-big' };
  const small = { ...newCustomer('petit@example.cm', 'Petit Client'), id: 'customer-small' };
  const store = await LowdbStore.open(dataPaths(dataDir).db);
  const bigInvoices = invoicesOf(big.id, MANY, 50_000);
  await store.save({ customers: [big, small], invoices: [...bigInvoices, ...invoicesOf(small.id, 3, 60_000)] });
  await store.close();
  const signer = new LinkSigner(SECRET);
  const expiresAt = new Date(Date.now() + 7 * DAY_MS);
  const numbers = bigInvoices.map((invoice) => invoice.number);
  tokens = {
    all: signer.sign({ customerId: big.id, invoices: numbers, expiresAt })!,
    most: signer.sign({ customerId: big.id, invoices: numbers.slice(0, -1), expiresAt })!,
    small: signer.sign({ customerId: small.id, invoices: ['60000', '60001', '60002'], expiresAt })!,
  };
  const port = await freePort();
  url = `http://127.0.0.1:${port}`;
  service = spawnFacteur(['start'], {
    FACTEUR_DATA_DIR: dataDir,
    FACTEUR_DEMO: 'false',
    HTTP_PORT: String(port),
    PUBLIC_URL: url,
    FACTEUR_LINK_SECRET: SECRET,
    LINK_DOWNLOADS_PER_LINK: '2',
    LINK_DOWNLOADS_AT_ONCE: '3',
    LINK_IDLE_SECONDS: String(IDLE_SECONDS),
  });
  const line = await service.logged((l) => l.event === 'http.listening' || l.level === 60);
  if (line.event !== 'http.listening') throw new Error(`facteur start did not listen: ${JSON.stringify(line)}`);
  // Every PDF rendered once, by a first download read whole: what follows reads files.
  const warm = await fetch(`${url}/d/${tokens.all}/zip`);
  expect(warm.status).toBe(200);
  await warm.arrayBuffer();
}, 180_000);

afterAll(async () => {
  for (const socket of sockets) socket.destroy();
  service?.child.kill('SIGTERM');
  await service?.exited;
  await rm(dataDir, { recursive: true, force: true });
});

/**
 * A reader that asks for the ZIP and never reads it, as a stalled phone or an attacker
 * would: a raw connection whose bytes pile up unread (no 'data' listener: the socket reads a
 * little into its buffer and leaves the rest in the kernel's). Resolves once the service has
 * begun sending it (its `download` log line); `drain` then reads what the service let it have,
 * to the end of the connection, and resolves with its length.
 */
async function stalled(token: string): Promise<{ drain: () => Promise<number> }> {
  const already = downloadsOf(token);
  const socket = net.connect(Number(new URL(url).port), '127.0.0.1');
  sockets.push(socket);
  socket.on('error', () => {});
  socket.write(`GET /d/${token}/zip HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept-Language: fr-FR\r\n\r\n`);
  await service.logged(() => downloadsOf(token) > already);
  const drain = () =>
    new Promise<number>((resolve) => {
      let received = 0;
      socket.on('data', (chunk: Buffer) => (received += chunk.length));
      socket.once('close', () => resolve(received));
    });
  return { drain };
}

function downloadsOf(token: string): number {
  return service.logs.filter((line) => line.event === 'download' && line.link === linkId(token)).length;
}

/** What a browser asking in French gets for `path`: status, headers, and the page's text. */
async function asked(pathname: string, method = 'GET'): Promise<{ status: number; headers: Headers; text: string }> {
  const response = await fetch(`${url}${pathname}`, { method, headers: { 'accept-language': 'fr-FR' } });
  return { status: response.status, headers: response.headers, text: await response.text() };
}

describe('downloads of a link at once', { timeout: 60_000 }, () => {
  it('are two at most: the third is told to come back (429, Retry-After, the page’s words), the page still opens, and the stalled readers are cut off', async () => {
    const first = await stalled(tokens.all);
    const second = await stalled(tokens.all);
    const third = await asked(`/d/${tokens.all}/zip`);
    expect(third.status).toBe(429);
    expect(third.headers.get('retry-after')).toBe('60');
    expect(third.headers.get('content-type')).toMatch(/^text\/html/);
    expect(third.text).toContain('Téléchargements en cours');
    expect(third.text).toContain('Attendez qu&#39;un téléchargement se termine, puis réessayez dans une minute.');
    expect(third.text).toContain('Sanaga Hébergement SARL');
    expect((await asked(`/d/${tokens.all}/zip`, 'HEAD')).status).toBe(429);
    expect(service.logs.filter((line) => line.event === 'download.refused' && line.status === 429)).toContainEqual(
      expect.objectContaining({ link: linkId(tokens.all), why: 'already 2 downloads of this link at once' }),
    );
    // The page is no download: it still shows what the link gives.
    const page = await asked(`/d/${tokens.all}`);
    expect(page.status).toBe(200);
    expect(page.text).toContain(`${MANY} fichiers`);

    // A third link in use takes the last place of all: then every link is told to come back, the small one too.
    const other = await stalled(tokens.most);
    const full = await asked(`/d/${tokens.small}/zip`);
    expect(full.status).toBe(429);
    expect(full.headers.get('retry-after')).toBe('60');
    expect(full.text).toContain('Trop de téléchargements sont en cours en ce moment. Réessayez dans une minute : votre lien reste valable.');
    expect((await fetch(`${url}/healthz`)).status).toBe(200);

    // Readers that take nothing are cut off after LINK_IDLE_SECONDS, and the log says so; read then, each is short of its ZIP.
    const idle = () => service.logs.filter((line) => line.event === 'download.idle').map((line) => line.link);
    await service.logged(() => idle().length === 3);
    expect(idle().sort()).toEqual([linkId(tokens.all), linkId(tokens.all), linkId(tokens.most)].sort());
    const zipSize = Number(/([\d,]+) Mo/.exec(page.text)![1]!.replace(',', '.')) * 1024 * 1024;
    for (const reader of [first, second, other]) expect(await reader.drain()).toBeLessThan(zipSize * 0.8);

    // Their places are given back: the link downloads again, whole.
    const again = await fetch(`${url}/d/${tokens.all}/zip`);
    expect(again.status).toBe(200);
    const file = path.join(dataDir, 'again.zip');
    await writeFile(file, Buffer.from(await again.arrayBuffer()));
    expect(await readZip(file)).toHaveLength(MANY);
    expect((await asked(`/d/${tokens.small}/zip`)).status).toBe(200);
  });
});

describe('a flood', { timeout: 60_000 }, () => {
  it('of page views and of stalled ZIP readers leaves /healthz answering, every page shown and every extra reader refused at once', async () => {
    const pages = Array.from({ length: 300 }, () => asked(`/d/${tokens.all}`));
    const readers = Array.from({ length: 30 }, () => rawRequest(`/d/${tokens.most}/zip`));
    const health = await fetch(`${url}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: 'ok' });
    const shown = await Promise.all(pages);
    expect(shown.filter((page) => page.status === 200 && page.text.includes('Vos factures 2019–2025'))).toHaveLength(300);
    // Two readers of the link are sent their ZIP (and never read it); the other 28 are told at once to come back.
    const statuses = await Promise.all(readers);
    expect(statuses.toSorted()).toEqual([...Array<number>(2).fill(200), ...Array<number>(28).fill(429)]);
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
  });
});

/** Asks for `pathname` on a raw connection, reads its status line, and leaves the rest unread. */
function rawRequest(pathname: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(Number(new URL(url).port), '127.0.0.1');
    sockets.push(socket);
    socket.on('error', reject);
    socket.write(`GET ${pathname} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n`);
    socket.once('data', (chunk: Buffer) => resolve(Number(/^HTTP\/1\.1 (\d{3})/.exec(chunk.toString('latin1'))?.[1])));
  });
}

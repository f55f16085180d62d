/**
 * Download links under load: `facteur start` in a process of its own with PUBLIC_URL and its
 * default limits, one customer's link to the ZIP of 300 invoices (its PDFs rendered once
 * before), then a flood of 1,000 page views at once, then 1,000 readers asking for the ZIP at
 * once and never reading it. The baseline, in the same run, is `GET /healthz` asked one at a
 * time with nothing else going on; the same is asked all through each flood, and the service's
 * resident memory (/proc) is read before, during and after.
 *
 *   npx tsx bench/downloads.ts [--full]
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import http from 'node:http';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { LinkSigner } from '../src/download-links/token.js';
import { LowdbStore } from '../src/store/lowdb/store.js';
import { customer, invoices } from './support/fixtures.js';
import { heading, median, percentile, report, sized, type Figure } from './support/measure.js';
import { listening } from './support/service.js';
import { DAY_MS } from '../src/time.js';

const SECRET = 'the-link-secret-of-the-downloads-bench-0';
const INVOICES = sized(100, 300);
const PAGES = sized(200, 1_000);
const READERS = sized(200, 1_000);
/** How long a reader may take nothing: the README's default is 30 s; shorter here so that the run waits less for them to be cut off. */
const IDLE_SECONDS = 10;

/** The probe's one connection: one request at a time, each sent as soon as the last one answered. */
const probeAgent = new http.Agent({ keepAlive: true, maxSockets: 1 });

heading(
  'Download links under load',
  `a link to ${INVOICES} invoices; ${PAGES.toLocaleString('en')} page views at once, then ${READERS.toLocaleString('en')} ZIP readers at once that never read`,
);

const dir = await mkdtemp(path.join(tmpdir(), 'facteur-bench-downloads-'));
const store = await LowdbStore.open(path.join(dir, 'db.json'));
const list = invoices(INVOICES);
await store.save({ customers: [customer], invoices: list });
await store.close();
const token = new LinkSigner(SECRET).sign({
  customerId: customer.id,
  invoices: list.map((invoice) => invoice.number),
  expiresAt: new Date(Date.now() + 7 * DAY_MS),
})!;

const service = spawn(process.execPath, [path.resolve(import.meta.dirname, '..', 'bin', 'facteur.js'), 'start'], {
  env: {
    ...process.env,
    FACTEUR_DATA_DIR: dir,
    FACTEUR_DEMO: 'false',
    HTTP_PORT: '0',
    PUBLIC_URL: 'http://127.0.0.1',
    FACTEUR_LINK_SECRET: SECRET,
    LINK_IDLE_SECONDS: String(IDLE_SECONDS),
    LOG_LEVEL: 'info',
    PUSH_CRON: '0 0 1 1 *',
  },
  stdio: ['pipe', 'ignore', 'pipe'],
});
const sockets: net.Socket[] = [];
try {
  const url = new URL(await listening(service));
  const page = `/d/${token}`;
  // The PDFs rendered and cached by one download read whole, as after the link's first use.
  await get(url, `${page}/zip`);

  const baseline = await probe(url, delay(3_000));
  const before = rssMb(service);

  const pages = timedAll(Array.from({ length: PAGES }, () => () => get(url, page)));
  const [pageRun, duringPages, pagesRss] = await Promise.all([pages, probe(url, pages), peakRss(service, pages)]);
  if (pageRun.statuses.some((status) => status !== 200)) throw new Error(`downloads bench: page views answered ${[...new Set(pageRun.statuses)].join(', ')}`);

  const readers = timedAll(Array.from({ length: READERS }, () => () => stalledReader(url, `${page}/zip`)));
  const [readerRun, duringReaders, readersRss] = await Promise.all([
    readers,
    probe(
      url,
      readers.then(() => delay(2_000)),
    ),
    peakRss(
      service,
      readers.then(() => delay(2_000)),
    ),
  ]);
  const served = readerRun.statuses.filter((status) => status === 200).length;
  const refused = readerRun.statuses.filter((status) => status === 429).length;
  // The readers that were sent a ZIP take nothing: once cut off, their memory should go too.
  await delay((IDLE_SECONDS + 5) * 1000);
  const afterCutOff = await probe(url, delay(3_000));
  const after = rssMb(service);

  const latency = (values: number[]) => `${duration(median(values))} / ${duration(percentile(values, 99))} / ${duration(Math.max(...values))}`;
  const figures: Figure[] = [
    { label: 'baseline: GET /healthz alone, median / p99 / max', value: latency(baseline) },
    { label: 'service memory (RSS) before the floods', value: `${before.toFixed(0)} MB` },
    { label: `${PAGES.toLocaleString('en')} page views at once: all answered in`, value: duration(pageRun.ms) },
    { label: '  one page view, median / p99', value: `${duration(median(pageRun.latencies))} / ${duration(percentile(pageRun.latencies, 99))}` },
    { label: '  GET /healthz meanwhile, median / p99 / max', value: latency(duringPages) },
    { label: '  service memory (RSS), highest', value: `${pagesRss.toFixed(0)} MB` },
    { label: `${READERS.toLocaleString('en')} ZIP readers that never read: all answered in`, value: duration(readerRun.ms) },
    { label: '  sent the ZIP / told 429 to come back / other', value: `${served} / ${refused} / ${READERS - served - refused}` },
    { label: '  GET /healthz meanwhile, median / p99 / max', value: latency(duringReaders) },
    { label: '  service memory (RSS), highest', value: `${readersRss.toFixed(0)} MB` },
    { label: `after LINK_IDLE_SECONDS (${IDLE_SECONDS} s): GET /healthz, median / p99 / max`, value: latency(afterCutOff) },
    { label: '  service memory (RSS)', value: `${after.toFixed(0)} MB` },
  ];
  report(figures);
} finally {
  for (const socket of sockets) socket.destroy();
  service.kill('SIGTERM');
  await new Promise((resolve) => service.once('exit', resolve));
  await rm(dir, { recursive: true, force: true });
}

/** `GET /healthz` one after the other until `until` settles: each one's milliseconds. */
async function probe(url: URL, until: Promise<unknown>): Promise<number[]> {
  let done = false;
  void until.finally(() => (done = true));
  const latencies: number[] = [];
  while (!done) {
    const started = performance.now();
    const status = await get(url, '/healthz', probeAgent);
    if (status !== 200) throw new Error(`downloads bench: /healthz answered ${status}`);
    latencies.push(performance.now() - started);
  }
  return latencies;
}

/** Runs every request at once: how long until all had answered, each one's milliseconds and status. */
async function timedAll(requests: (() => Promise<number>)[]): Promise<{ ms: number; latencies: number[]; statuses: number[] }> {
  const started = performance.now();
  const latencies: number[] = [];
  const statuses = await Promise.all(
    requests.map(async (request) => {
      const status = await request();
      latencies.push(performance.now() - started);
      return status;
    }),
  );
  return { ms: performance.now() - started, latencies, statuses };
}

/** A GET read to its end on a connection of its own: its status. */
function get(url: URL, pathname: string, agent: http.Agent | false = false): Promise<number> {
  return new Promise((resolve, reject) => {
    http
      .get({ host: url.hostname, port: url.port, path: pathname, agent }, (response) => {
        response.resume();
        response.once('end', () => resolve(response.statusCode!));
      })
      .once('error', reject);
  });
}

/** A reader that asks for the ZIP, reads its status line and then nothing more: its status. */
function stalledReader(url: URL, pathname: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(Number(url.port), url.hostname);
    sockets.push(socket);
    socket.once('error', reject);
    socket.write(`GET ${pathname} HTTP/1.1\r\nHost: ${url.host}\r\n\r\n`);
    socket.once('data', (chunk: Buffer) => {
      socket.pause();
      socket.removeListener('error', reject);
      socket.on('error', () => {});
      resolve(Number(/^HTTP\/1\.1 (\d{3})/.exec(chunk.toString('latin1'))?.[1]));
    });
  });
}

/** The most resident memory the service had, read every 50 ms until `until` settles. */
async function peakRss(child: ChildProcess, until: Promise<unknown>): Promise<number> {
  let done = false;
  void until.finally(() => (done = true));
  let peak = rssMb(child);
  while (!done) {
    peak = Math.max(peak, rssMb(child));
    await delay(50);
  }
  return Math.max(peak, rssMb(child));
}

/** The service's resident memory now, in MB, threads included. */
function rssMb(child: ChildProcess): number {
  const kb = Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'))?.[1]);
  return kb / 1024;
}

function duration(value: number): string {
  return value < 10 ? `${value.toFixed(1)} ms` : value < 10_000 ? `${value.toFixed(0)} ms` : `${(value / 1000).toFixed(1)} s`;
}

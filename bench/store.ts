/**
 * The two stores side by side at a provider's scale: lowdb's files and PostgreSQL (a private
 * server started here, fsync on, so that writes cost what a real server's do). With `--full`,
 * 100,000 invoices of 20,000 customers and 1,000,000 of 200,000; quick, 10,000 of 2,000.
 *
 * For each size and store, in a process of its own (none inherits another's heap or warm
 * caches): start-up (opening the store and reading one customer), a customer's list, a
 * settings change (the attachments box), one delivery record written, and a push of new
 * invoices to a local SMTP server on top of it all; on PostgreSQL, the push again with two
 * Facteurs sharing the database. lowdb's baseline, in the same run, is what a write costs
 * when it rewrites the whole store (one `JSON.stringify` of everything, one file write).
 *
 *   npx tsx bench/store.ts [--full]
 */
import { spawn } from 'node:child_process';
import { mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { createApp, type App } from '../src/app.js';
import type { Customer } from '../src/billing/types.js';
import { loadConfig } from '../src/config.js';
import { createLogger } from '../src/log.js';
import { LowdbStore } from '../src/store/lowdb/store.js';
import { PostgresStore } from '../src/store/postgres/store.js';
import type { Store } from '../src/store/store.js';
import { startPostgres } from '../test/peers/postgres.js';
import { batchesOf, customerAt, deliveryOf, invoiceAt } from './support/provider.js';
import { FULL, heading, mb, median, ms, percentile, time } from './support/measure.js';
import { startSmtpSink } from './support/smtp-sink.js';

const SIZES = FULL
  ? [
      { invoices: 100_000, customers: 20_000 },
      { invoices: 1_000_000, customers: 200_000 },
    ]
  : [{ invoices: 10_000, customers: 2_000 }];
const LISTINGS = 2_000;
const WRITES = 200;
/** lowdb rewrites db.json for each settings change: past this much time, fewer are timed. */
const SETTINGS_BUDGET_MS = 20_000;
/** New invoices (one per new customer) each push announces. */
const PUSHED = FULL ? 2_000 : 500;
const SMTP_CONNECTIONS = 5;

type Kind = 'lowdb' | 'postgres';
/** What a measuring process hands back: figures by name, in ms unless the name says otherwise. */
type Measured = Record<string, number | string>;

const part = process.argv.indexOf('--part');
if (part > 0) {
  const [kind, invoices, customers] = process.argv.slice(part + 1) as [Kind, string, string];
  const url = process.argv.indexOf('--url');
  const measured = await measure(kind, Number(invoices), Number(customers), url > 0 ? process.argv[url + 1] : undefined);
  process.stdout.write(`${JSON.stringify(measured)}\n`);
} else {
  await compare();
}

/** The parent: one private PostgreSQL, a database per size, each store measured in a child process. */
async function compare(): Promise<void> {
  const postgres = await startPostgres({ fsync: true });
  try {
    for (const size of SIZES) {
      heading(
        'Store',
        `${size.invoices.toLocaleString('en')} invoices, ${size.customers.toLocaleString('en')} customers; pushes of ${PUSHED.toLocaleString('en')}`,
      );
      const lowdb = await child('lowdb', size);
      const pg = await child('postgres', size, await postgres.createDatabase());
      print(lowdb, pg);
    }
  } finally {
    await postgres.destroy();
  }
}

function child(kind: Kind, size: { invoices: number; customers: number }, url?: string): Promise<Measured> {
  // A million invoices held whole (lowdb) need more than Node's default heap.
  const args = [
    ...process.execArgv,
    '--max-old-space-size=12288',
    import.meta.filename,
    '--part',
    kind,
    String(size.invoices),
    String(size.customers),
    ...(url ? ['--url', url] : []),
    ...(FULL ? ['--full'] : []),
  ];
  const process_ = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  process_.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  return new Promise((resolve) =>
    process_.on('close', (code) => {
      const line = out.trim().split('\n').at(-1) ?? '';
      try {
        resolve(JSON.parse(line) as Measured);
      } catch {
        resolve({ error: `the measuring process exited (${code}) without figures` });
      }
    }),
  );
}

/** One row a figure: lowdb's value beside PostgreSQL's, the target judged on PostgreSQL's. */
function print(lowdb: Measured, pg: Measured): void {
  const duration = (n: number) => (n < 1 ? `${(n * 1000).toFixed(0)} µs` : ms(n));
  const rate = (n: number) => `${n.toFixed(0)}/s`;
  const rows: [label: string, key: string, format: (n: number) => string, target?: [text: string, met: (n: number) => boolean]][] = [
    ['seeding (not timed against a target)', 'seed', seconds],
    ['start-up (open, read one customer), median', 'startup', duration, ['< 2,000 ms', (n) => n < 2000]],
    ['a customer\u2019s list, median', 'listMedian', duration],
    ['a customer\u2019s list, p95', 'listP95', duration, ['< 5 ms', (n) => n < 5]],
    ['a settings change, median', 'settingsMedian', duration],
    ['a settings change, p95', 'settingsP95', duration, ['< 5 ms', (n) => n < 5]],
    ['  settings changes timed', 'settingsCount', String],
    ['one delivery write, median', 'deliveryMedian', duration],
    ['one delivery write, p95', 'deliveryP95', duration],
    ['baseline: rewriting the whole store', 'rewrite', duration],
    ['push without PDFs, one Facteur', 'push1', rate],
    ['  each customer exactly one message', 'push1Exact', String],
    ['push without PDFs, two Facteurs at once', 'push2', rate],
    ['  each customer exactly one message', 'push2Exact', String],
    ['  the two runs', 'push2Split', String],
    ['on disk', 'diskMb', mb],
  ];
  const show = (m: Measured, key: string, format: (n: number) => string) =>
    typeof m[key] === 'number' ? format(m[key]) : String(m[key] ?? (m.error && !(key in m) ? 'failed' : '\u2014'));
  const width = Math.max(...rows.map(([label]) => label.length));
  console.log(`  ${''.padEnd(width)}  ${'lowdb'.padStart(12)}  ${'PostgreSQL'.padStart(20)}`);
  for (const [label, key, format, target] of rows) {
    const verdict = target ? `   target ${target[0]}: ${typeof pg[key] === 'number' && target[1](pg[key]) ? 'met' : 'MISSED'}` : '';
    console.log(`  ${label.padEnd(width)}  ${show(lowdb, key, format).padStart(12)}  ${show(pg, key, format).padStart(20)}${verdict}`);
  }
  for (const [name, m] of [
    ['lowdb', lowdb],
    ['PostgreSQL', pg],
  ] as const)
    if (m.error) console.log(`  ${name}: ${m.error}`);
}

/** The child: seeds its store at this size, then times it. A figure it cannot take says why instead. */
async function measure(kind: Kind, invoiceCount: number, customerCount: number, url?: string): Promise<Measured> {
  const dir = await mkdtemp(path.join(tmpdir(), `facteur-bench-store-${kind}-`));
  const log = createLogger('silent');
  const open = (): Promise<Store> => (kind === 'lowdb' ? LowdbStore.open(path.join(dir, 'db.json')) : PostgresStore.open(url!, log));
  const measured: Measured = {};
  try {
    const seeding = performance.now();
    const seeded = await seed(await open(), kind, invoiceCount, customerCount).then(
      () => true,
      (error: Error) => ((measured.error = `could not be written: ${error.message}`), false),
    );
    if (!seeded) return measured;
    measured.seed = performance.now() - seeding;

    const startups: number[] = [];
    for (let i = 0; i < 3; i++) {
      const started = performance.now();
      const opened = await open();
      await opened.customerById(customerAt(i).id);
      startups.push(performance.now() - started);
      await opened.close();
    }
    measured.startup = median(startups);

    const store = await open();
    const listings: number[] = [];
    for (let i = 0; i < LISTINGS; i++) listings.push(await time(() => store.invoices(customerAt((i * 7919) % customerCount).id)));
    measured.listMedian = median(listings);
    measured.listP95 = percentile(listings, 95);

    const settings: number[] = [];
    const budget = performance.now() + SETTINGS_BUDGET_MS;
    for (let i = 0; i < WRITES && (settings.length < 5 || performance.now() < budget); i++) {
      settings.push(
        await time(() =>
          store.updateCustomer(customerAt(i).id, (c: Customer) => ({ ...c, notifications: { ...c.notifications, attachPdf: !c.notifications.attachPdf } })),
        ),
      );
    }
    measured.settingsMedian = median(settings);
    measured.settingsP95 = percentile(settings, 95);
    measured.settingsCount = settings.length;

    const writes: number[] = [];
    for (let i = 0; i < WRITES; i++) writes.push(await time(() => store.save({ deliveries: [deliveryOf(customerAt(i), invoiceAt(i, customerCount), i)] })));
    measured.deliveryMedian = median(writes);
    measured.deliveryP95 = percentile(writes, 95);
    await store.close();

    if (kind === 'lowdb') measured.rewrite = await wholeRewrite(dir, invoiceCount, customerCount);

    Object.assign(measured, await pushes(kind, dir, url, customerCount));
    if (kind === 'lowdb') measured.diskMb = (await sizeOf(dir)) / 2 ** 20;
    else measured.diskMb = await databaseMb(url!);
    return measured;
  } catch (error) {
    return { ...measured, error: (error as Error).message };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * Writes the provider into the store as it would stand after years of running: every invoice
 * there already announced. lowdb takes it in one save (its one file is written whole);
 * PostgreSQL in transactions of a few thousand, as `facteur db copy` writes it.
 */
async function seed(store: Store, kind: Kind, invoiceCount: number, customerCount: number): Promise<void> {
  try {
    const announcingSince = '2019-01-01T00:00:00.000Z';
    if (kind === 'lowdb') {
      const customers = Array.from({ length: customerCount }, (_, i) => customerAt(i));
      const invoices = Array.from({ length: invoiceCount }, (_, i) => invoiceAt(i, customerCount));
      await store.save({ customers, invoices, announced: invoices.map((invoice) => invoice.number), announcingSince });
      return;
    }
    for (const customers of batchesOf(customerCount, 2_000, customerAt)) await store.save({ customers });
    for (const invoices of batchesOf(invoiceCount, 5_000, (i) => invoiceAt(i, customerCount)))
      await store.save({ invoices, announced: invoices.map((invoice) => invoice.number) });
    await store.save({ announcingSince });
  } finally {
    await store.close();
  }
}

/** What lowdb's single file cost per write: the whole store serialised and written. */
async function wholeRewrite(dir: string, invoiceCount: number, customerCount: number): Promise<number | string> {
  const whole = {
    customers: Array.from({ length: customerCount }, (_, i) => customerAt(i)),
    invoices: Array.from({ length: invoiceCount }, (_, i) => invoiceAt(i, customerCount)),
  };
  const file = path.join(dir, 'whole.json');
  const rewrites: number[] = [];
  for (let i = 0; i < 3; i++) rewrites.push(await time(() => writeFile(file, JSON.stringify(whole))));
  await rm(file);
  return median(rewrites);
}

/**
 * New invoices pushed on top of the seeded store, one Facteur; on PostgreSQL, then two started
 * together on the same database (each with a data folder of its own, as on two machines):
 * one takes the push, the other finds it taken. Each customer must get exactly one message.
 */
async function pushes(kind: Kind, dir: string, url: string | undefined, customerCount: number): Promise<Measured> {
  const sink = await startSmtpSink();
  const config = (folder: string) =>
    loadConfig({
      FACTEUR_DATA_DIR: folder,
      FACTEUR_DEMO: 'false',
      // The push alone is timed: reminders of the seeded invoices would ride along.
      REMINDERS_ENABLED: 'false',
      SMTP_HOST: '127.0.0.1',
      SMTP_PORT: String(sink.port),
      SMTP_TLS: 'false',
      SMTP_MAX_CONNECTIONS: String(SMTP_CONNECTIONS),
      ...(url ? { DATABASE_URL: url } : {}),
    });
  const log = createLogger('silent');
  const measured: Measured = {};
  const apps: App[] = [];
  try {
    apps.push(await createApp(config(dir), log));
    const first = newCustomers(customerCount, 0);
    await apps[0]!.store.save(first);
    const started = performance.now();
    await apps[0]!.push.run();
    measured.push1 = PUSHED / ((performance.now() - started) / 1000);
    measured.push1Exact = (await exactlyOnce(sink, first.customers)) ? 'yes' : 'NO';
    if (kind === 'postgres') {
      apps.push(await createApp(config(await mkdtemp(path.join(dir, 'second-'))), log));
      const second = newCustomers(customerCount, 1);
      await apps[0]!.store.save(second);
      const twoStarted = performance.now();
      const runs = await Promise.all(apps.map((app) => app.push.run()));
      measured.push2 = PUSHED / ((performance.now() - twoStarted) / 1000);
      measured.push2Exact = (await exactlyOnce(sink, second.customers)) ? 'yes' : 'NO';
      measured.push2Split = runs.map((run) => (run ? `${run.sent} sent` : 'skipped')).join(' / ');
    }
    return measured;
  } finally {
    for (const app of apps) await app.close();
    sink.close();
  }
}

/** `PUSHED` customers beyond the seeded ones, each with one new invoice; `round` keeps two rounds apart. */
function newCustomers(customerCount: number, round: number): { customers: Customer[]; invoices: ReturnType<typeof invoiceAt>[] } {
  // Without PDFs, so that the push times the store and the mail, not rendering (bench/push.ts times that).
  const customers = Array.from({ length: PUSHED }, (_, i) => {
    const customer = customerAt(customerCount + round * PUSHED + i);
    return { ...customer, notifications: { ...customer.notifications, attachPdf: false } };
  });
  const invoices = customers.map((customer, i) => ({
    ...invoiceAt(i, 1),
    number: `N${round}-${i}`,
    customerId: customer.id,
    issuedAt: '2026-11-01',
    status: 'unpaid' as const,
    paidAt: null,
  }));
  return { customers, invoices };
}

async function exactlyOnce(sink: Awaited<ReturnType<typeof startSmtpSink>>, customers: Customer[]): Promise<boolean> {
  const counts = await sink.counts();
  return customers.every((customer) => counts.byRecipient[customer.email]?.length === 1);
}

function seconds(milliseconds: number): string {
  return `${(milliseconds / 1000).toFixed(1)} s`;
}

async function sizeOf(folder: string): Promise<number> {
  let total = 0;
  for (const entry of await readdir(folder, { recursive: true, withFileTypes: true }))
    if (entry.isFile()) total += (await stat(path.join(entry.parentPath, entry.name))).size;
  return total;
}

async function databaseMb(url: string): Promise<number> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ size: string }>('select pg_database_size(current_database()) as size');
    return Number(rows[0]!.size) / 2 ** 20;
  } finally {
    await client.end();
  }
}

/**
 * The embedded store at a provider's scale: 100,000 invoices and 20,000 customers
 * (`--full`; quick sizes are a tenth). Measures start-up (opening the files, validating
 * and indexing), listing one customer's invoices, and writing one delivery record, with
 * the size of the files on disk. The baseline, in the same run, is what a write costs when
 * it rewrites the whole store: one `JSON.stringify` of everything and one file write.
 *
 *   npx tsx bench/store.ts [--full]
 */
import { mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { newCustomer } from '../src/billing/customer.js';
import type { Customer, Invoice } from '../src/billing/types.js';
import type { Delivery } from '../src/store/delivery.js';
import { LowdbStore } from '../src/store/lowdb-store.js';
import { heading, mb, median, ms, percentile, report, sized, time, times } from './support/measure.js';

const INVOICES = sized(10_000, 100_000);
const CUSTOMERS = sized(2_000, 20_000);
const LISTINGS = 2_000;
const WRITES = 200;

heading('Store', `${INVOICES.toLocaleString('en')} invoices, ${CUSTOMERS.toLocaleString('en')} customers`);
const dir = await mkdtemp(path.join(tmpdir(), 'facteur-bench-store-'));
try {
  const { customers, invoices } = provider(CUSTOMERS, INVOICES);
  const seeding = await LowdbStore.open(path.join(dir, 'db.json'));
  await seeding.save({ customers, invoices });

  const startups: number[] = [];
  let store!: LowdbStore;
  for (let i = 0; i < 5; i++) startups.push(await time(async () => (store = await LowdbStore.open(path.join(dir, 'db.json')))));

  const listings: number[] = [];
  for (let i = 0; i < LISTINGS; i++) {
    const customer = customers[(i * 7919) % customers.length]!;
    const started = performance.now();
    await store.invoices(customer.id);
    listings.push(performance.now() - started);
  }

  const writes: number[] = [];
  for (let i = 0; i < WRITES; i++) writes.push(await time(() => store.save({ deliveries: [delivery(customers[i % customers.length]!, invoices[i]!, i)] })));

  const whole = { customers, invoices, deliveries: [] };
  const wholeFile = path.join(dir, 'whole.json');
  const rewrites: number[] = [];
  for (let i = 0; i < 10; i++) rewrites.push(await time(() => writeFile(wholeFile, JSON.stringify(whole))));

  const size = await sizeOf(dir, wholeFile);
  report([
    { label: 'start-up (median of 5)', value: ms(median(startups)), target: '< 2,000 ms', met: median(startups) < 2000 },
    { label: 'a customer\u2019s list, median', value: us(median(listings)) },
    { label: 'a customer\u2019s list, p95', value: us(percentile(listings, 95)), target: '< 5 ms', met: percentile(listings, 95) < 5 },
    { label: 'one delivery write, median', value: ms(median(writes)) },
    { label: 'one delivery write, p95', value: ms(percentile(writes, 95)) },
    { label: 'baseline: rewriting the whole store', value: ms(median(rewrites)) },
    { label: 'delivery write / whole rewrite', value: times(median(writes) / median(rewrites)), target: 'does not grow with the store', met: median(writes) < median(rewrites) / 10 },
    { label: 'files on disk', value: mb(size / 2 ** 20) },
  ]);
} finally {
  await rm(dir, { recursive: true, force: true });
}

/** A provider's customers and their invoices, spread unevenly as real ones are (some have many). */
function us(milliseconds: number): string {
  return `${(milliseconds * 1000).toFixed(1)} µs`;
}

function provider(customerCount: number, invoiceCount: number): { customers: Customer[]; invoices: Invoice[] } {
  const customers = Array.from({ length: customerCount }, (_, i) => newCustomer(`client${i}@example.cm`, `Client ${i}`, i % 5 === 0 ? 'en' : 'fr'));
  const invoices = Array.from({ length: invoiceCount }, (_, i): Invoice => {
    const customer = customers[Math.floor((((i * 2654435761) % 2 ** 32) / 2 ** 32) * customers.length)]!;
    const issued = new Date(Date.UTC(2019, 0, 1 + Math.floor(i / 40)));
    return {
      number: String(100_000 + i),
      customerId: customer.id,
      issuedAt: issued.toISOString().slice(0, 10),
      dueAt: new Date(issued.getTime() + 30 * 86_400_000).toISOString().slice(0, 10),
      currency: 'XAF',
      lines: [
        { label: 'Hébergement Pro (1 mois)', quantity: 1, unitPrice: 15_000 },
        { label: 'Nom de domaine .cm', quantity: 1, unitPrice: 15_000 },
      ],
      taxes: [{ label: 'TVA', rate: 19.25 }],
      status: i % 4 === 0 ? 'unpaid' : 'paid',
      paidAt: i % 4 === 0 ? null : issued.toISOString().slice(0, 10),
    };
  });
  return { customers, invoices };
}

function delivery(customer: Customer, invoice: Invoice, i: number): Delivery {
  const at = new Date(Date.UTC(2026, 10, 25, 8, 0, i)).toISOString();
  return {
    id: `bench-${i}`,
    customerId: customer.id,
    invoices: [invoice.number],
    channel: 'email',
    recipient: customer.email,
    reason: 'push',
    status: 'sent',
    attempts: 1,
    lastError: null,
    messageId: `<bench-${i}@facteur.example>`,
    attachPdf: false,
    requestedBy: null,
    createdAt: at,
    updatedAt: at,
    nextAttemptAt: null,
  };
}

async function sizeOf(folder: string, except: string): Promise<number> {
  let total = 0;
  for (const entry of await readdir(folder, { recursive: true, withFileTypes: true })) {
    const file = path.join(entry.parentPath, entry.name);
    if (entry.isFile() && file !== except) total += (await stat(file)).size;
  }
  return total;
}

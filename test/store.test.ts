import { mkdtemp, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { demoData } from '../src/billing/demo.js';
import { LowdbStore } from '../src/store/lowdb/store.js';
import { StoreError } from '../src/store/store.js';
import type { Delivery } from '../src/billing/delivery.js';

type Data = { version: 1 } & ReturnType<typeof demoData>;

let dir: string;
let file: string;

beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'facteur-store-'));
  file = path.join(dir, 'db.json');
});

describe('the lowdb store', () => {
  it('keeps what was saved across a restart', async () => {
    const store = await LowdbStore.open(file);
    const demo = demoData(new Date('2026-11-25'));
    await store.save(demo);
    const reopened = await LowdbStore.open(file);
    const awa = (await reopened.customerByAddress('AWA@example.cm'))!;
    expect(awa.name).toBe('Awa Nkolo');
    expect(await reopened.invoice('1210')).toMatchObject({ customerId: awa.id, issuedAt: '2019-01-17' });
    expect((await reopened.invoices(awa.id)).length).toBeGreaterThanOrEqual(13);
    expect((await reopened.invoices(awa.id, { year: 2019 })).map((i) => i.number)).toEqual(['1217', '1214', '1210']);
  });

  it.each([
    [
      'a second invoice 1210 for another customer',
      (data: Data) => data.invoices.push({ ...data.invoices.find((i) => i.number === '1210')!, customerId: data.customers[1]!.id }),
      /invoice 1210 appears twice/,
    ],
    ['an invoice of a customer who is not there', (data: Data) => (data.invoices[0]!.customerId = 'nobody'), /names customer nobody, who is not in the file/],
    [
      'two customers with one login email',
      (data: Data) => (data.customers[1]!.email = data.customers[0]!.email.toUpperCase()),
      /login email awa@example\.cm appears twice/,
    ],
    ['two customers with one id', (data: Data) => (data.customers[1]!.id = data.customers[0]!.id), /customer id .* appears twice/],
  ])('refuses a hand-edited file with %s, naming where, and leaves it untouched', async (_what, edit, problem) => {
    const data: Data = { version: 1, ...demoData(new Date('2026-11-25')) };
    edit(data);
    const text = JSON.stringify(data);
    await writeFile(file, text);
    const error = await LowdbStore.open(file).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StoreError);
    expect((error as Error).message).toMatch(problem);
    expect(await readFile(file, 'utf8')).toBe(text);
  });

  it('forgets staff actions, idle link records and used held requests past their retention, and keeps the rest', async () => {
    const store = await LowdbStore.open(file);
    const attempt = (account: string, updatedAt: string) => ({
      account,
      customerId: null,
      codeHash: null,
      expiresAt: updatedAt,
      failures: 0,
      lockedUntil: null,
      requestedAt: [],
      failedFor: [],
      updatedAt,
    });
    await store.save({
      staffActions: [
        { id: 'old', staff: 'discord:1', action: 'log', target: null, detail: null, at: '2025-01-01T00:00:00.000Z' },
        { id: 'new', staff: 'discord:1', action: 'log', target: null, detail: null, at: '2026-11-20T00:00:00.000Z' },
      ],
      linkAttempts: [attempt('discord:1', '2026-09-01T00:00:00.000Z'), attempt('discord:2', '2026-11-24T00:00:00.000Z')],
      heldRequests: [{ staff: 'email:a@x', numbers: ['1'], codeHash: null, expiresAt: '2026-11-24T00:00:00.000Z', attempts: 0 }],
    });
    await store.forget({
      inbound: '2026-10-26T00:00:00.000Z',
      staffActions: '2026-05-29T00:00:00.000Z',
      linkAttempts: '2026-10-26T00:00:00.000Z',
      receipts: '2026-10-26T00:00:00.000Z',
    });
    const reopened = await LowdbStore.open(file);
    expect((await reopened.staffActions()).map((action) => action.id)).toEqual(['new']);
    expect(await reopened.linkAttempt('discord:1')).toBeUndefined();
    expect(await reopened.linkAttempt('discord:2')).toBeDefined();
    expect(await reopened.heldRequest('email:a@x')).toBeUndefined();
  });

  it('refuses a file that is not JSON, names it, and leaves it untouched', async () => {
    await writeFile(file, '{"version": 1, "customers": [');
    const before = await stat(file);
    const error = await LowdbStore.open(file).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StoreError);
    expect((error as Error).message).toContain(file);
    expect((error as Error).message).toMatch(/JSON/);
    expect(await readFile(file, 'utf8')).toBe('{"version": 1, "customers": [');
    expect((await stat(file)).mtimeMs).toBe(before.mtimeMs);
  });

  it('refuses valid JSON that is not a Facteur store, saying where it is wrong', async () => {
    const content = JSON.stringify({ version: 1, customers: [], invoices: [{ number: '1', customerId: 'x', issuedAt: '17/01/2019' }] });
    await writeFile(file, content);
    const error = await LowdbStore.open(file).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StoreError);
    expect((error as Error).message).toMatch(/invoices\.0\.issuedAt/);
    expect(await readFile(file, 'utf8')).toBe(content);
  });

  it('shows a customer only their own invoices', async () => {
    const store = await LowdbStore.open(file);
    await store.save(demoData(new Date('2026-11-25')));
    const paul = (await store.customerByAddress('paul@example.cm'))!;
    const awa = (await store.customerByAddress('awa@example.cm'))!;
    const paulsNumbers = new Set((await store.invoices(paul.id)).map((i) => i.number));
    expect(paulsNumbers.size).toBeGreaterThan(0);
    expect((await store.invoices(awa.id)).some((i) => paulsNumbers.has(i.number))).toBe(false);
  });

  it('writes a delivery record without rewriting the invoices', async () => {
    const store = await LowdbStore.open(file);
    const demo = demoData(new Date('2026-11-25'));
    await store.save(demo);
    const before = await stat(file);
    const awa = (await store.customerByAddress('awa@example.cm'))!;
    await store.save({ deliveries: [delivery('d1', awa.id)] });
    expect((await stat(file)).mtimeMs).toBe(before.mtimeMs);
    const reopened = await LowdbStore.open(file);
    expect(await reopened.delivery('d1')).toMatchObject({ customerId: awa.id, status: 'sent' });
  });

  it('keeps every one of many concurrent writes', async () => {
    const store = await LowdbStore.open(file);
    await store.save(demoData(new Date('2026-11-25')));
    const customers = await store.customers();
    await Promise.all(Array.from({ length: 300 }, (_, i) => store.save({ deliveries: [delivery(`d${i}`, customers[i % customers.length]!.id)] })));
    const reopened = await LowdbStore.open(file);
    expect(await reopened.deliveries()).toHaveLength(300);
    expect((await reopened.unannouncedInvoices()).map((i) => i.number)).not.toContain('1210');
  });

  it('refuses a db.json that holds more than customers and invoices, rather than drop the rest', async () => {
    const content = JSON.stringify({ version: 1, customers: [], invoices: [], deliveries: [{ id: 'x' }] });
    await writeFile(file, content);
    const error = await LowdbStore.open(file).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StoreError);
    expect((error as Error).message).toMatch(/deliveries/);
    expect(await readFile(file, 'utf8')).toBe(content);
  });

  it('refuses a corrupt delivery file, naming it', async () => {
    const store = await LowdbStore.open(file);
    await store.save(demoData(new Date('2026-11-25')));
    await store.save({ deliveries: [delivery('d1', (await store.customers())[0]!.id)] });
    const [shard] = await readdir(path.join(dir, 'deliveries', '2026-11'));
    const shardFile = path.join(dir, 'deliveries', '2026-11', shard!);
    await writeFile(shardFile, '{"deliveries": [');
    const error = await LowdbStore.open(file).catch((e: unknown) => e);
    expect((error as Error).message).toContain(shardFile);
    expect(await readFile(shardFile, 'utf8')).toBe('{"deliveries": [');
  });
});

/** A sent push of invoice 1210, as the delivery log records it. */
function delivery(id: string, customerId: string): Delivery {
  const at = '2026-11-25T08:00:00.000Z';
  return {
    id,
    customerId,
    invoices: ['1210'],
    channel: 'email',
    recipient: 'awa@example.cm',
    reason: 'push',
    status: 'sent',
    attempts: 1,
    lastError: null,
    messageId: `<${id}@facteur.example>`,
    attachPdf: true,
    requestedBy: null,
    createdAt: at,
    updatedAt: at,
    nextAttemptAt: null,
  };
}

import { mkdtemp, readFile, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { demoData } from '../src/billing/demo.js';
import { LowdbStore } from '../src/store/lowdb-store.js';
import { StoreError } from '../src/store/store.js';

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
    const awa = reopened.customerByAddress('AWA@example.cm')!;
    expect(awa.name).toBe('Awa Nkolo');
    expect(reopened.invoice('1210')).toMatchObject({ customerId: awa.id, issuedAt: '2019-01-17' });
    expect(reopened.invoices(awa.id).length).toBeGreaterThanOrEqual(13);
    expect(reopened.invoices(awa.id, { year: 2019 }).map((i) => i.number)).toEqual(['1217', '1214', '1210']);
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
    const paul = store.customerByAddress('paul@example.cm')!;
    const awa = store.customerByAddress('awa@example.cm')!;
    const paulsNumbers = new Set(store.invoices(paul.id).map((i) => i.number));
    expect(paulsNumbers.size).toBeGreaterThan(0);
    expect(store.invoices(awa.id).some((i) => paulsNumbers.has(i.number))).toBe(false);
  });
});

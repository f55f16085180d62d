import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { demoData } from '../src/billing/demo.js';
import { LowdbStore } from '../src/store/lowdb/store.js';
import { inboundRecord as record } from './support/records.js';
import { inboundRecords } from './support/read.js';

let file: string;

beforeEach(async () => {
  file = path.join(await mkdtemp(path.join(tmpdir(), 'facteur-claims-')), 'db.json');
});

describe('inbound message records in the store', () => {
  it('keeps a claim across a restart, found by its key or as a copy: the same Message-ID from the same sender', async () => {
    const store = await LowdbStore.open(file);
    await store.save({
      inbound: [record('imap:INBOX:7:0', { sender: 'squatter@x.test', messageId: '<imap:INBOX:7:1@example.cm>' }), record('imap:INBOX:7:1')],
    });
    await store.save({ inbound: [record('imap:INBOX:7:1', { status: 'replied', sent: 1 })] });
    const reopened = await LowdbStore.open(file);
    expect(await reopened.inboundMessage('imap:INBOX:7:1', null)).toMatchObject({ status: 'replied', sent: 1 });
    expect((await reopened.inboundMessage('imap:Processed:9:4', { messageId: '<imap:INBOX:7:1@example.cm>', sender: 'Awa@example.cm' }))?.key).toBe(
      'imap:INBOX:7:1',
    );
    expect(await reopened.inboundMessage('imap:Processed:9:5', { messageId: '<imap:INBOX:7:1@example.cm>', sender: 'paul@example.cm' })).toBeUndefined();
    expect(await reopened.inboundMessage('imap:INBOX:7:2', { messageId: '<other@example.cm>', sender: 'awa@example.cm' })).toBeUndefined();
  });

  it('counts the answered messages since a time, from one address whatever its case, or from strangers only', async () => {
    const store = await LowdbStore.open(file);
    await store.save({
      inbound: [
        record('a', { receivedAt: '2026-11-25T08:00:00.000Z', sent: 1 }),
        record('b', { receivedAt: '2026-11-25T09:30:00.000Z', sent: 1, customerId: 'awa' }),
        record('c', { receivedAt: '2026-11-25T09:40:00.000Z', sent: 0 }),
        record('d', { receivedAt: '2026-11-25T09:45:00.000Z', sent: 2, sender: 'stranger@x.test' }),
      ],
    });
    const since = '2026-11-25T09:00:00.000Z';
    expect(await store.answeredInbound({ since, sender: 'AWA@example.cm' })).toBe(1);
    expect(await store.answeredInbound({ since, strangers: true })).toBe(1);
    expect(await store.answeredInbound({ since: '2026-11-25T07:00:00.000Z', sender: 'awa@example.cm', strangers: true })).toBe(1);
  });

  it('forgets old finished records but never one still under way', async () => {
    const store = await LowdbStore.open(file);
    const old = '2026-10-01T00:00:00.000Z';
    await store.save({
      inbound: [record('done', { status: 'replied', receivedAt: old }), record('stuck', { status: 'sending', receivedAt: old }), record('new')],
    });
    await store.forget({
      inbound: '2026-11-01T00:00:00.000Z',
      staffActions: '2026-01-01T00:00:00.000Z',
      linkAttempts: '2026-11-01T00:00:00.000Z',
      receipts: '2026-11-01T00:00:00.000Z',
    });
    const reopened = await LowdbStore.open(file);
    expect(await reopened.inboundMessage('done', null)).toBeUndefined();
    expect((await reopened.inboundMessage('stuck', null))?.status).toBe('sending');
    expect(await reopened.inboundMessage('new', null)).toBeDefined();
  });

  it('opens a store written before the mail channel existed', async () => {
    const { customers, invoices } = demoData(new Date('2026-11-25'));
    await writeFile(file, JSON.stringify({ version: 1, customers, invoices }));
    const store = await LowdbStore.open(file);
    expect(await store.customerByAddress('awa@example.cm')).toBeDefined();
    await store.save({ inbound: [record('x')] });
    expect(await inboundRecords(path.dirname(file))).toHaveLength(1);
    expect(JSON.parse(await readFile(file, 'utf8'))).toEqual({ version: 1, customers, invoices });
  });

  it('moves the records of a store that kept them all in inbound.json into day files, and removes that file', async () => {
    const dir = path.dirname(file);
    await writeFile(
      path.join(dir, 'inbound.json'),
      JSON.stringify({ inbound: [record('a', { status: 'replied', sent: 1 }), record('b', { receivedAt: '2026-11-26T08:00:00.000Z' })] }),
    );
    const store = await LowdbStore.open(file);
    expect(await store.inboundMessage('a', null)).toMatchObject({ status: 'replied', sent: 1, inDoubt: [] });
    expect(existsSync(path.join(dir, 'inbound.json'))).toBe(false);
    expect((await readdir(path.join(dir, 'inbound'))).sort()).toEqual(['2026-11-25', '2026-11-26']);
    const reopened = await LowdbStore.open(file);
    expect((await reopened.inboundMessage('b', null))?.status).toBe('claimed');
  });

  it('writes one small file per step, however many records the inbox has kept', async () => {
    const dir = path.dirname(file);
    const store = await LowdbStore.open(file);
    const days = Array.from({ length: 30 }, (_, i) => `2026-11-${String(i + 1).padStart(2, '0')}T10:00:00.000Z`);
    await store.save({
      inbound: Array.from({ length: 60_000 }, (_, i) =>
        record(`old-${i}`, { status: 'replied', sent: 1, receivedAt: days[i % 30]!, sender: `s${i % 500}@x.test` }),
      ),
    });
    const before = new Map(
      await Promise.all(
        (await readdir(path.join(dir, 'inbound'), { recursive: true }))
          .filter((n) => n.endsWith('.json'))
          .map(async (n) => [n, (await stat(path.join(dir, 'inbound', n))).mtimeMs] as const),
      ),
    );
    await store.save({ inbound: [record('fresh', { receivedAt: '2026-11-30T11:00:00.000Z' })] });
    const after = await Promise.all([...before.keys()].map(async (n) => [n, (await stat(path.join(dir, 'inbound', n))).mtimeMs] as const));
    const rewritten = after.filter(([n, mtime]) => mtime !== before.get(n));
    expect(rewritten.length).toBeLessThanOrEqual(1);
    const written = (await readdir(path.join(dir, 'inbound', '2026-11-30'))).map((n) => path.join(dir, 'inbound', '2026-11-30', n));
    const sizes = await Promise.all(written.map(async (f) => (await stat(f)).size));
    expect(Math.max(...sizes)).toBeLessThan(200_000);
    expect(await store.answeredInbound({ since: '2026-11-30T00:00:00.000Z', sender: 's29@x.test' })).toBe(40);
  });

  it('finds a customer by a new address only once the owner approved it, and only for confirming it', async () => {
    const store = await LowdbStore.open(file);
    const { customers, invoices } = demoData(new Date('2026-11-25'));
    const awa = customers.find((c) => c.email === 'awa@example.cm')!;
    const code = { codeHash: 'x', expiresAt: '2026-11-25T11:00:00.000Z', attempts: 0 };
    const approval = { replyHashes: ['y'], expiresAt: '2026-11-26T10:00:00.000Z' };
    const waiting = {
      change: { kind: 'address' as const, address: 'compta@exemple.cm' },
      approval,
      confirmation: null,
      requestedAt: '2026-11-25T10:00:00.000Z',
    };
    await store.save({ customers: [...customers.filter((c) => c !== awa), { ...awa, pending: [waiting] }], invoices });
    expect(await store.customerByPendingAddress('compta@exemple.cm')).toBeUndefined();
    await store.updateCustomer(awa.id, (customer) => ({ ...customer, pending: [{ ...waiting, approval: null, confirmation: code }] }));
    expect((await store.customerByPendingAddress('Compta@Exemple.cm'))?.id).toBe(awa.id);
    expect(await store.customerByAddress('compta@exemple.cm')).toBeUndefined();
  });

  it('drops an address change written before changes needed the owner, and keeps the rest of the customer', async () => {
    const { customers, invoices } = demoData(new Date('2026-11-25'));
    const old = customers.map(({ pending: _p, codeFailures: _f, codesMailed: _m, ...customer }) => ({
      ...customer,
      notifications: { ...customer.notifications, pending: { address: 'evil@x.test', codeHash: 'x', expiresAt: '2030-01-01T00:00:00.000Z', attempts: 0 } },
    }));
    await writeFile(file, JSON.stringify({ version: 1, customers: old, invoices }));
    const store = await LowdbStore.open(file);
    const awa = (await store.customerByAddress('awa@example.cm'))!;
    expect(awa).toMatchObject({ pending: [], codeFailures: [], codesMailed: [], notifications: { address: 'awa@example.cm', attachPdf: true } });
    expect(awa.notifications).not.toHaveProperty('pending');
    expect(await store.customerByPendingAddress('evil@x.test')).toBeUndefined();
  });
});

import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { demoData } from '../src/billing/demo.js';
import { LowdbStore } from '../src/store/lowdb-store.js';
import type { InboundMessage } from '../src/store/store.js';

let file: string;

beforeEach(async () => {
  file = path.join(await mkdtemp(path.join(tmpdir(), 'facteur-claims-')), 'db.json');
});

function record(key: string, changes: Partial<InboundMessage> = {}): InboundMessage {
  return {
    key,
    messageId: `<${key}@example.cm>`,
    sender: 'awa@example.cm',
    customerId: null,
    status: 'claimed',
    attempts: 1,
    sent: 0,
    reason: null,
    receivedAt: '2026-11-25T10:00:00.000Z',
    updatedAt: '2026-11-25T10:00:00.000Z',
    ...changes,
  };
}

describe('inbound message records in the store', () => {
  it('keeps a claim across a restart, found by its key or by its Message-ID', async () => {
    const store = await LowdbStore.open(file);
    await store.save({ inbound: [record('imap:INBOX:7:1')] });
    await store.save({ inbound: [record('imap:INBOX:7:1', { status: 'replied', sent: 1 })] });
    const reopened = await LowdbStore.open(file);
    expect(reopened.inboundMessage('imap:INBOX:7:1', null)).toMatchObject({ status: 'replied', sent: 1 });
    expect(reopened.inboundMessage('imap:Processed:9:4', '<imap:INBOX:7:1@example.cm>')?.key).toBe('imap:INBOX:7:1');
    expect(reopened.inboundMessage('imap:INBOX:7:2', '<other@example.cm>')).toBeUndefined();
  });

  it('lists what came from an address since a time, whatever the case of the address', async () => {
    const store = await LowdbStore.open(file);
    await store.save({
      inbound: [
        record('a', { receivedAt: '2026-11-25T08:00:00.000Z' }),
        record('b', { receivedAt: '2026-11-25T09:30:00.000Z' }),
        record('c', { receivedAt: '2026-11-25T09:45:00.000Z', sender: 'paul@example.cm' }),
      ],
    });
    expect(store.inboundFrom('AWA@example.cm', '2026-11-25T09:00:00.000Z').map((m) => m.key)).toEqual(['b']);
  });

  it('forgets old finished records but never one still under way', async () => {
    const store = await LowdbStore.open(file);
    const old = '2026-10-01T00:00:00.000Z';
    await store.save({
      inbound: [record('done', { status: 'replied', receivedAt: old }), record('stuck', { status: 'sending', receivedAt: old }), record('new')],
    });
    await store.forgetInbound('2026-11-01T00:00:00.000Z');
    const reopened = await LowdbStore.open(file);
    expect(reopened.inboundMessage('done', null)).toBeUndefined();
    expect(reopened.inboundMessage('stuck', null)?.status).toBe('sending');
    expect(reopened.inboundMessage('new', null)).toBeDefined();
  });

  it('opens a store written before the mail channel existed', async () => {
    const { customers, invoices } = demoData(new Date('2026-11-25'));
    await writeFile(file, JSON.stringify({ version: 1, customers, invoices }));
    const store = await LowdbStore.open(file);
    expect(store.customerByAddress('awa@example.cm')).toBeDefined();
    await store.save({ inbound: [record('x')] });
    expect(JSON.parse(await readFile(path.join(path.dirname(file), 'inbound.json'), 'utf8')).inbound).toHaveLength(1);
    expect(JSON.parse(await readFile(file, 'utf8'))).toEqual({ version: 1, customers, invoices });
  });

  it('finds a customer by the address waiting for confirmation, and only by that', async () => {
    const store = await LowdbStore.open(file);
    const { customers, invoices } = demoData(new Date('2026-11-25'));
    const awa = customers.find((c) => c.email === 'awa@example.cm')!;
    const pending = { address: 'compta@exemple.cm', codeHash: 'x', expiresAt: '2026-11-25T11:00:00.000Z', attempts: 0 };
    await store.save({ customers: [...customers.filter((c) => c !== awa), { ...awa, notifications: { ...awa.notifications, pending } }], invoices });
    expect(store.customerByPendingAddress('Compta@Exemple.cm')?.id).toBe(awa.id);
    expect(store.customerByAddress('compta@exemple.cm')).toBeUndefined();
  });
});

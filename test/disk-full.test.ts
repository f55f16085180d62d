import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, rename, rm, statfs, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { simpleParser } from 'mailparser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoData } from '../src/billing/demo.js';
import type { Delivery } from '../src/billing/delivery.js';
import { LowdbStore } from '../src/store/lowdb/store.js';
import type { Store } from '../src/store/store.js';
import { deliveryRecord, inboundRecord } from './support/records.js';
import { importInvoices } from '../src/import/import.js';
import { linkSecret, MIN_LINK_SECRET } from '../src/download-links/secret.js';
import { demoApp } from './support/app.js';
import { eventually, letter, startFacteur, type RunningFacteur } from './support/mail.js';
import { startSmtpPeer } from './peers/smtp.js';
import { inboundRecords } from './support/read.js';
import { attachedFiles } from './peers/smtp.js';

/**
 * A data folder on a disk of its own that fills up: a small tmpfs, mounted for the test
 * (the suite runs as root, as CI does). Nothing may be lost, nothing closed as answered.
 */
const BIN = path.resolve(import.meta.dirname, '..', 'bin', 'facteur.js');
const run = promisify(execFile);

let base: string;
let disk: string;

beforeAll(async () => {
  base = await mkdtemp(path.join(tmpdir(), 'facteur-disk-'));
  disk = path.join(base, 'disk');
  await mkdir(disk);
  await run('mount', ['-t', 'tmpfs', '-o', 'size=8m', 'tmpfs', disk]).catch((error: Error) => {
    throw new Error(`this test mounts a small tmpfs to fill it, which needs root (as CI runs): ${error.message}`);
  });
});

afterAll(async () => {
  await run('umount', [disk]).catch(() => {});
  await rm(base, { recursive: true, force: true });
});

/** Fills the disk until only `free` bytes are left; resolves with a function that empties it again. */
async function fillLeaving(free: number): Promise<() => Promise<void>> {
  const { bavail, bsize } = await statfs(disk);
  const ballast = path.join(disk, `ballast-${Date.now()}`);
  await writeFile(ballast, Buffer.alloc(Math.max(0, bavail * bsize - free)));
  return () => rm(ballast, { force: true });
}

describe('a full disk', () => {
  let facteur: RunningFacteur;

  afterAll(async () => {
    await facteur?.stop();
  });

  it('leaves a request for later instead of answering it with an apology, and answers once there is room', async () => {
    const dataDir = path.join(disk, 'mail');
    facteur = await startFacteur({}, { dataDir });
    const inbox = path.join(dataDir, 'mail', 'inbox');
    await eventually('the local inbox watched', () => facteur.logs.find((line) => line.msg === 'mail: watching the local inbox folder'));
    // Room for the message's record, none for the invoice's PDF (about 30 KB).
    const empty = await fillLeaving(12 * 1024);
    const asked = letter({ from: 'awa@example.cm', subject: 'facture 1214' });
    try {
      await writeFile(path.join(inbox, 'request.eml'), asked.raw);
      await eventually('the request left for later', () => facteur.logs.find((line) => String(line.msg).includes('the machine cannot answer now')));
      expect(await readdir(inbox)).toContain('request.eml');
      expect(await readdir(path.join(dataDir, 'mail', 'outbox')).catch((): string[] => [])).toEqual([]);
      const record = (await inboundRecords(dataDir)).find((m) => m.messageId === asked.messageId);
      // Not the message's fault: the attempt is not counted against it.
      expect(record).toMatchObject({ status: 'claimed', sent: 0, attempts: 0 });
    } finally {
      await empty();
    }
    const processed = path.join(dataDir, 'mail', 'Processed');
    await eventually(
      'the request answered and filed',
      async () => ((await readdir(processed).catch((): string[] => [])).includes('request.eml') ? true : undefined),
      30_000,
    );
    const [reply] = await Promise.all(
      (await readdir(path.join(dataDir, 'mail', 'outbox'))).map(async (name) => simpleParser(await readFile(path.join(dataDir, 'mail', 'outbox', name)))),
    );
    expect(attachedFiles(reply!).map((file) => file.filename)).toEqual(['facture-1214.pdf']);
    expect(reply!.text).not.toContain('Un problème nous empêche de répondre');
  });

  // Two rounds of the machine's 5-second retry, then the answer: ten seconds at the least.
  it('counts no attempt against a message while no record can be written, and answers it once there is room', { timeout: 60_000 }, async () => {
    const dataDir = path.join(disk, 'full');
    const second = await startFacteur({}, { dataDir });
    try {
      const inbox = path.join(dataDir, 'mail', 'inbox');
      await eventually('the local inbox watched', () => second.logs.find((line) => line.msg === 'mail: watching the local inbox folder'));
      const asked = letter({ from: 'awa@example.cm', subject: 'facture 1214' });
      // Written aside (a dot file is not read), then moved in once the disk is full: a rename needs no room.
      await writeFile(path.join(inbox, '.request.eml'), asked.raw);
      const empty = await fillLeaving(0);
      const waited = (line: Record<string, unknown>) => typeof line.key === 'string' && line.key.startsWith('file:request.eml:') && line.level === 50;
      try {
        await rename(path.join(inbox, '.request.eml'), path.join(inbox, 'request.eml'));
        // Rounds that could write nothing: none of them may count, nor be taken for done.
        await eventually('two rounds without room', () => (second.logs.filter(waited).length >= 2 ? true : undefined));
        expect(await readdir(inbox)).toContain('request.eml');
        const key = String(second.logs.find(waited)!.key);
        expect(await second.app.store.inboundMessage(key, null)).toBeUndefined();
        expect(second.logs.filter((line) => String(line.msg).includes('failed folder'))).toEqual([]);
        expect(second.logs.filter(waited).map((line) => line.msg)).toContain('mail: the machine cannot answer now (no space left?); the message waits');
      } finally {
        await empty();
      }
      const processed = path.join(dataDir, 'mail', 'Processed');
      await eventually(
        'the request answered and filed',
        async () => ((await readdir(processed).catch((): string[] => [])).includes('request.eml') ? true : undefined),
        30_000,
      );
      const record = (await inboundRecords(dataDir)).find((m) => m.messageId === asked.messageId);
      expect(record).toMatchObject({ status: 'replied', sent: 1, attempts: 1 });
      const [reply] = await Promise.all(
        (await readdir(path.join(dataDir, 'mail', 'outbox'))).map(async (name) => simpleParser(await readFile(path.join(dataDir, 'mail', 'outbox', name)))),
      );
      expect(attachedFiles(reply!).map((file) => file.filename)).toEqual(['facture-1214.pdf']);
    } finally {
      await second.stop();
    }
  });

  it('answers a request once when the disk fills while the answer is with the mail server', async () => {
    const peer = await startSmtpPeer();
    const dataDir = path.join(disk, 'answer');
    const third = await startFacteur({ SMTP_HOST: peer.host, SMTP_PORT: String(peer.port), SMTP_TLS: 'false' }, { dataDir });
    try {
      const inbox = path.join(dataDir, 'mail', 'inbox');
      await eventually('the local inbox watched', () => third.logs.find((line) => line.msg === 'mail: watching the local inbox folder'));
      const asked = letter({ from: 'awa@example.cm', subject: 'facture 1214' });
      const held = peer.holdNext();
      await writeFile(path.join(inbox, 'request.eml'), asked.raw);
      await held.arrived;
      const empty = await fillLeaving(0);
      try {
        held.release();
        await eventually('the server took the answer', () => (peer.messages.length > 0 ? true : undefined));
        await eventually('the machine waited on', () => third.logs.find((line) => String(line.msg).includes('the machine cannot')));
      } finally {
        await empty();
      }
      const processed = path.join(dataDir, 'mail', 'Processed');
      await eventually(
        'the request filed',
        async () => ((await readdir(processed).catch((): string[] => [])).includes('request.eml') ? true : undefined),
        30_000,
      );
      expect(peer.messages.filter((mail) => mail.parsed.inReplyTo === asked.messageId)).toHaveLength(1);
      const record = (await inboundRecords(dataDir)).find((m) => m.messageId === asked.messageId);
      expect(record).toMatchObject({ status: 'replied', sent: 1 });
      // The delivery log is told that it went at the next send or push run.
      const query = { customerId: (await third.app.store.customerByAddress('awa@example.cm'))!.id, reason: 'request' as const };
      await third.app.push.run();
      expect(await third.app.store.deliveries(query)).toMatchObject([{ status: 'sent', messageId: peer.messages[0]!.parsed.messageId }]);
    } finally {
      await third.stop();
      await peer.close();
    }
  });

  it('stops an import with one clear line, leaving the store as it was and no temp file behind', async () => {
    const dataDir = path.join(disk, 'import');
    await mkdir(dataDir, { recursive: true });
    const rows = (count: number, from: number) =>
      Array.from({ length: count }, (_, i) => ({
        number: `F-${from + i}`,
        customer: `client${(from + i) % 50}@example.cm`,
        issuedAt: '2024-01-17',
        dueAt: '2024-02-17',
        currency: 'XAF',
        lines: [{ label: 'Hébergement Pro (4 mois)', quantity: 1, unitPrice: 60000 }],
        status: 'unpaid',
      }));
    const small = path.join(base, 'small.json');
    const large = path.join(base, 'large.json');
    await writeFile(small, JSON.stringify(rows(5, 0)));
    await writeFile(large, JSON.stringify(rows(3000, 100)));
    const env = { ...process.env, FACTEUR_DATA_DIR: dataDir, LOG_LEVEL: 'silent', FACTEUR_DEMO: 'false' };
    await run(process.execPath, [BIN, 'import', small], { env });
    const before = await readFile(path.join(dataDir, 'db.json'), 'utf8');

    const empty = await fillLeaving(64 * 1024);
    try {
      const failed = await run(process.execPath, [BIN, 'import', large], { env }).then(
        () => ({ code: 0, stderr: '' }),
        (error: { code: number; stderr: string }) => error,
      );
      expect(failed.code).toBe(1);
      expect(failed.stderr.trim().split('\n')).toHaveLength(1);
      expect(failed.stderr).toMatch(/db\.json: could not be written \(ENOSPC\)/);
      expect(failed.stderr).not.toMatch(/at .*\.ts:\d+/);
      expect((await readdir(dataDir)).filter((name) => name.endsWith('.tmp'))).toEqual([]);
      expect(await readFile(path.join(dataDir, 'db.json'), 'utf8')).toBe(before);
    } finally {
      await empty();
    }
  });
});

describe('a push while the disk fills', () => {
  it('sends each announcement once: a mail the server took is not sent again because its record could not say so', async () => {
    const peer = await startSmtpPeer();
    const dataDir = path.join(disk, 'push');
    const app = await demoApp({
      FACTEUR_DATA_DIR: dataDir,
      SMTP_HOST: peer.host,
      SMTP_PORT: String(peer.port),
      SMTP_TLS: 'false',
      DELIVERY_RETRY_SECONDS: '0.05',
    });
    try {
      const file = path.join(base, 'new-invoice.json');
      const row = {
        number: '8801',
        customer: 'awa@example.cm',
        issuedAt: '2026-11-20',
        dueAt: '2026-12-20',
        currency: 'XAF',
        lines: [{ label: 'Hébergement', quantity: 1, unitPrice: 12000 }],
        status: 'unpaid',
      };
      await writeFile(file, JSON.stringify([row]));
      expect((await importInvoices(app.store, file)).created).toBe(1);
      const held = peer.holdNext();
      const first = app.push.run().then(
        (summary) => summary,
        (error: Error) => error,
      );
      await held.arrived;
      // The mail is with the server; the disk fills before the server says it took it.
      const empty = await fillLeaving(0);
      try {
        held.release();
        await first;
      } finally {
        await empty();
      }
      // Room again: the next runs find nothing left to send, and the log says the announcement went.
      await app.push.run();
      await app.push.run();
      const announced = peer.messages.filter((mail) => mail.envelope.to.includes('awa@example.cm'));
      expect(announced.map((mail) => mail.parsed.subject)).toHaveLength(1);
      const [delivery] = await app.store.deliveries({ customerId: (await app.store.customerByAddress('awa@example.cm'))!.id, reason: 'push' });
      expect(delivery).toMatchObject({ status: 'sent', attempts: 1, messageId: announced[0]!.parsed.messageId });
    } finally {
      await app.dispose();
      await peer.close();
    }
  });
});

describe('the link secret made on a full disk', () => {
  it('is made at the next start once there is room, rather than left empty for good', async () => {
    const dataDir = path.join(disk, 'secret');
    await mkdir(dataDir);
    const empty = await fillLeaving(0);
    try {
      await expect(linkSecret(null, dataDir)).rejects.toThrow(/ENOSPC/);
    } finally {
      await empty();
    }
    const secret = await linkSecret(null, dataDir);
    expect(secret.length).toBeGreaterThanOrEqual(MIN_LINK_SECRET);
    expect(await linkSecret(null, dataDir)).toBe(secret);
    expect(await readdir(dataDir)).toEqual(['link-secret']);
  });
});

describe('a store write the disk refuses', () => {
  const at = '2026-11-25T10:00:00.000Z';
  const delivery = (id: string, changes: Partial<Delivery> = {}): Delivery => deliveryRecord(id, 'c-awa', { invoices: ['1214'], ...changes });

  const inbound = inboundRecord;

  /** Everything a reader of the store can see of the records below. */
  async function seen(store: Store, customerId: string) {
    return {
      customer: await store.customerById(customerId),
      invoices: await store.invoices(customerId),
      unannounced: (await store.unannouncedInvoices()).map((invoice) => invoice.number),
      announcingSince: await store.announcingSince(),
      deliveries: await store.deliveries(),
      inbound: [await store.inboundMessage('k1', null), await store.inboundMessage('k2', null)],
      answered: await store.answeredInbound({ since: '2026-11-01T00:00:00.000Z' }),
      link: await store.linkAttempt('discord:1'),
      held: await store.heldRequest('email:staff@example.cm'),
      staffActions: await store.staffActions(),
    };
  }

  it('changes nothing anyone reads, for every kind of record, and what is read once there is room is what the files hold', async () => {
    const file = path.join(disk, 'store', 'db.json');
    let store = await LowdbStore.open(file);
    const demo = demoData(new Date('2026-11-25'));
    const awa = demo.customers.find((customer) => customer.email === 'awa@example.cm')!;
    const one = demo.invoices.find((invoice) => invoice.customerId === awa.id && invoice.status === 'unpaid')!;
    await store.save({
      ...demo,
      deliveries: [delivery('d1', { customerId: awa.id })],
      announced: demo.invoices.slice(1).map((invoice) => invoice.number),
      announcingSince: at,
      inbound: [inbound('k1', { sent: 1, status: 'replied' })],
      linkAttempts: [
        {
          account: 'discord:1',
          customerId: awa.id,
          codeHash: 'h',
          expiresAt: at,
          failures: 1,
          lockedUntil: null,
          requestedAt: [],
          failedFor: [],
          updatedAt: at,
        },
      ],
      heldRequests: [{ staff: 'email:staff@example.cm', numbers: ['1214'], codeHash: 'h', expiresAt: at, attempts: 0 }],
      staffActions: [{ id: 's1', staff: 'discord:9', action: 'log', target: null, detail: null, at }],
    });
    const before = await seen(store, awa.id);

    const empty = await fillLeaving(0);
    try {
      // All at once, as a busy service would ask them: several share a file, and so a write.
      const refused = await Promise.allSettled([
        store.save({ customers: [{ ...awa, name: 'Awa (renamed)' }] }),
        store.save({ invoices: [{ ...one, number: '9999' }] }),
        store.updateCustomer(awa.id, (customer) => ({
          ...customer,
          notifications: { ...customer.notifications, attachPdf: !customer.notifications.attachPdf },
        })),
        store.updateInvoice(one.number, (invoice) => ({ invoice: { ...invoice, status: 'paid', paidAt: '2026-11-25' }, result: 'paid' })),
        store.updateLinkAttempt('discord:1', (attempt) => ({ attempt: { ...attempt!, failures: attempt!.failures + 1 }, result: 'counted' })),
        store.updateHeldRequest('email:staff@example.cm', (held) => ({ held: { ...held!, codeHash: null }, result: 'used' })),
        store.save({ staffActions: [{ id: 's2', staff: 'discord:9', action: 'resend', target: '1214', detail: null, at }] }),
        store.updateDelivery('d1', (found) => ({ ...found, status: 'failed', lastError: 'bounced' })),
        store.save({
          deliveries: [delivery('d2', { customerId: awa.id, reason: 'push', invoices: [demo.invoices[0]!.number], createdAt: '2026-12-01T08:00:00.000Z' })],
        }),
        store.save({ announced: [demo.invoices[0]!.number] }),
        store.updateInbound('k1', null, (found) => ({ record: { ...found!, status: 'failed', reason: 'no room' }, result: 'failed' })),
        store.updateInbound('k2', null, () => ({ record: inbound('k2', { receivedAt: '2026-11-26T09:00:00.000Z' }), result: 'written' })),
        // Dropping the old inbound files frees room, rather than taking it: only the chat file's part is refused.
        store.forget({
          inbound: '2026-01-01T00:00:00.000Z',
          staffActions: '2026-12-31T00:00:00.000Z',
          linkAttempts: '2026-12-31T00:00:00.000Z',
          receipts: '2026-12-31T00:00:00.000Z',
        }),
      ]);
      expect(refused.map((outcome) => (outcome.status === 'rejected' ? String(outcome.reason) : 'written'))).toEqual(
        refused.map(() => expect.stringMatching(/ENOSPC/)),
      );
      expect(await seen(store, awa.id)).toEqual(before);
    } finally {
      await empty();
    }
    await store.updateInvoice(one.number, (invoice) => ({ invoice: { ...invoice, status: 'paid', paidAt: '2026-11-25' }, result: 'paid' }));
    await store.updateInbound('k2', null, () => ({ record: inbound('k2', { receivedAt: '2026-11-26T09:00:00.000Z' }), result: 'written' }));
    const after = await seen(store, awa.id);
    expect(after.invoices.find((invoice) => invoice.number === one.number)?.status).toBe('paid');
    await store.close();
    store = await LowdbStore.open(file);
    expect(await seen(store, awa.id)).toEqual(after);
    await store.close();
  });
});

/**
 * What every store must do, asserted the same way against both: lowdb files in a temp data
 * folder, and a real PostgreSQL (test/peers/postgres.ts), a database of its own per test.
 * A behaviour that one store has and the other lacks fails here.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoData } from '../src/billing/demo.js';
import type { Customer, Invoice } from '../src/billing/types.js';
import { createHash } from 'node:crypto';
import { importCandidates } from '../src/import/import.js';
import { issuedPdf } from '../src/import/pdfs.js';
import { candidatesOf } from '../src/import/json.js';
import { createLogger } from '../src/log.js';
import { deliveryRecord as delivery, inboundRecord as inbound } from './support/records.js';
import { LowdbStore } from '../src/store/lowdb/store.js';
import { PostgresStore } from '../src/store/postgres/store.js';
import { MAX_CHAT_MESSAGES, type ChatMessage, type LinkAttempt, type Store } from '../src/store/store.js';
import { startPostgres, type Postgres } from './peers/postgres.js';

const log = createLogger('silent');
const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');
const DEMO = () => demoData(new Date('2026-11-25'));

/** A store to test, and how to open the same data again (a restart). */
interface Opened {
  store: Store;
  reopen(): Promise<Store>;
  /** A second process on the same data, where the store allows one. */
  another?(): Promise<Store>;
}

let postgres: Postgres;
const cleanup: (() => Promise<unknown>)[] = [];

beforeAll(async () => {
  postgres = await startPostgres();
});

afterAll(async () => {
  for (const done of cleanup.reverse()) await done().catch(() => {});
  await postgres?.destroy();
});

const kinds: [string, () => Promise<Opened>][] = [
  [
    'lowdb',
    async () => {
      const dir = await mkdtemp(path.join(tmpdir(), 'facteur-contract-'));
      const file = path.join(dir, 'db.json');
      const store = await LowdbStore.open(file);
      cleanup.push(() => rm(dir, { recursive: true, force: true }));
      return {
        store,
        async reopen() {
          await store.close();
          return LowdbStore.open(file);
        },
      };
    },
  ],
  [
    'postgres',
    async () => {
      const url = await postgres.createDatabase();
      const open = async () => {
        const store = await PostgresStore.open(url, log);
        cleanup.push(() => store.close());
        return store;
      };
      const store = await open();
      return { store, reopen: open, another: open };
    },
  ],
];

function attempt(account: string, changes: Partial<LinkAttempt> = {}): LinkAttempt {
  const at = '2026-11-25T10:00:00.000Z';
  return {
    account,
    customerId: null,
    codeHash: null,
    expiresAt: at,
    failures: 0,
    lockedUntil: null,
    requestedAt: [],
    failedFor: [],
    updatedAt: at,
    ...changes,
  };
}

for (const [kind, open] of kinds) {
  describe(`the ${kind} store`, () => {
    async function withDemo(): Promise<Opened & { awa: Customer; paul: Customer }> {
      const opened = await open();
      await opened.store.save(DEMO());
      return { ...opened, awa: (await opened.store.customerByAddress('awa@example.cm'))!, paul: (await opened.store.customerByAddress('paul@example.cm'))! };
    }

    it('finds customers by login or notification address in any case, the login first, and lists them by name', async () => {
      const { store, awa, paul } = await withDemo();
      expect((await store.customerByAddress('  AWA@Example.CM '))?.id).toBe(awa.id);
      await store.updateCustomer(paul.id, (c) => ({ ...c, notifications: { ...c.notifications, address: 'Compta@Mbarga.cm' } }));
      expect((await store.customerByAddress('compta@mbarga.cm'))?.id).toBe(paul.id);
      // Someone else's notification address never hides a login email.
      await store.updateCustomer(paul.id, (c) => ({ ...c, notifications: { ...c.notifications, address: 'awa@example.cm' } }));
      expect((await store.customerByAddress('awa@example.cm'))?.id).toBe(awa.id);
      expect(await store.customerByAddress('nobody@example.cm')).toBeUndefined();
      expect(await store.countCustomers()).toBe(DEMO().customers.length);
      const names = (await store.customers()).map((c) => c.name);
      expect(names).toEqual(names.toSorted((a, b) => a.localeCompare(b)));
      expect((await store.customers({ offset: 1, limit: 2 })).map((c) => c.name)).toEqual(names.slice(1, 3));
      expect((await store.customersByEmail(['PAUL@example.cm', 'nobody@x.cm'])).map((c) => c.id)).toEqual([paul.id]);
    });

    it('lists a customer’s invoices newest first, filtered as the assistant asks, and no one else’s', async () => {
      const { store, awa, paul } = await withDemo();
      expect((await store.invoices(awa.id, { year: 2019 })).map((i) => i.number)).toEqual(['1217', '1214', '1210']);
      expect((await store.invoices(awa.id, { year: 2019, month: 1 })).map((i) => i.number)).toEqual(['1210']);
      expect((await store.invoices(awa.id, { from: '2019-02-01', to: '2019-09-30' })).map((i) => i.number)).toEqual(['1217', '1214']);
      expect((await store.invoices(awa.id, { status: 'unpaid' })).map((i) => i.number)).toEqual(['1266']);
      expect((await store.invoices(awa.id, { status: 'unpaid', dueBefore: '2026-02-17' })).map((i) => i.number)).toEqual([]);
      expect((await store.invoices(awa.id, { status: 'unpaid', dueBefore: '2026-02-18' })).map((i) => i.number)).toEqual(['1266']);
      expect((await store.invoices(awa.id, { numbers: ['1210', '1214', '1211'] })).map((i) => i.number)).toEqual(['1214', '1210']);
      // Unions, the day paid and what is left out, as the reading of « 2019 sauf 1214 », « janvier et septembre 2019 » asks them.
      expect((await store.invoices(awa.id, { year: 2019, except: { numbers: ['1214'] } })).map((i) => i.number)).toEqual(['1217', '1210']);
      expect((await store.invoices(awa.id, { year: 2019, except: { spans: [{ from: '2019-02-01', to: '2019-09-30' }] } })).map((i) => i.number)).toEqual([
        '1210',
      ]);
      expect(
        (
          await store.invoices(awa.id, {
            union: [
              { from: '2019-01-01', to: '2019-01-31' },
              { from: '2019-09-01', to: '2019-12-31' },
            ],
          })
        ).map((i) => i.number),
      ).toEqual(['1217', '1210']);
      const paid = (await store.invoices(awa.id, { status: 'paid' })).find((i) => i.paidAt !== null)!;
      expect((await store.invoices(awa.id, { paid: { from: paid.paidAt!, to: paid.paidAt! } })).map((i) => i.number)).toContain(paid.number);
      expect((await store.invoices(awa.id, { status: 'unpaid', paid: { from: '2000-01-01' } })).map((i) => i.number)).toEqual([]);
      const awas = new Set((await store.invoices(awa.id)).map((i) => i.number));
      expect((await store.invoices(paul.id)).some((i) => awas.has(i.number))).toBe(false);
      expect((await store.invoice('1210'))?.customerId).toBe(awa.id);
      expect((await store.invoicesByNumber(['1210', 'nope', '1214'])).map((i) => i.number).sort()).toEqual(['1210', '1214']);
    });

    it('orders invoices of one day by their number read as a number', async () => {
      const { store, awa } = await withDemo();
      const [model] = await store.invoices(awa.id);
      const day = (number: string): Invoice => ({ ...model!, number, issuedAt: '2030-01-01' });
      await store.save({ invoices: [day('A-9'), day('A-10'), day('A-100')] });
      expect((await store.invoices(awa.id, { year: 2030 })).map((i) => i.number)).toEqual(['A-100', 'A-10', 'A-9']);
    });

    it('keeps what was saved across a restart', async () => {
      const { reopen, store, awa } = await withDemo();
      await store.save({
        deliveries: [delivery('d1', awa.id)],
        inbound: [inbound('k1')],
        linkAttempts: [attempt('discord:1')],
        staffActions: [{ id: 's1', staff: 'discord:9', action: 'log', target: null, detail: null, at: '2026-11-25T10:00:00.000Z' }],
      });
      const again = await reopen();
      expect((await again.customerByAddress('awa@example.cm'))?.name).toBe('Awa Nkolo');
      expect(await again.delivery('d1')).toMatchObject({ customerId: awa.id, status: 'sent' });
      expect(await again.inboundMessage('k1', null)).toMatchObject({ status: 'claimed' });
      expect(await again.linkAttempt('discord:1')).toMatchObject({ failures: 0 });
      expect((await again.staffActions()).map((a) => a.id)).toEqual(['s1']);
    });

    it('finds a customer by a linked chat account, and by an address waiting for its code only once that code is on its way', async () => {
      const { store, awa, paul } = await withDemo();
      await store.updateCustomer(awa.id, (c) => ({ ...c, links: { discord: ['111'] } }));
      expect((await store.customerByLink('discord', '111'))?.id).toBe(awa.id);
      // Linked to Paul, the account is no longer Awa's.
      await store.updateCustomer(awa.id, (c) => ({ ...c, links: { discord: [] } }));
      await store.updateCustomer(paul.id, (c) => ({ ...c, links: { discord: ['111'] } }));
      expect((await store.customerByLink('discord', '111'))?.id).toBe(paul.id);
      expect(await store.customerByLink('discord', '222')).toBeUndefined();
      const pending = {
        change: { kind: 'address' as const, address: 'Compta@Nkolo.cm' },
        approval: null,
        confirmation: null,
        requestedAt: '2026-11-25T10:00:00.000Z',
      };
      await store.updateCustomer(awa.id, (c) => ({ ...c, pending: [pending] }));
      expect(await store.customerByPendingAddress('compta@nkolo.cm')).toBeUndefined();
      await store.updateCustomer(awa.id, (c) => ({
        ...c,
        pending: [{ ...pending, confirmation: { codeHash: 'h', expiresAt: '2026-11-25T11:00:00.000Z', attempts: 0 } }],
      }));
      expect((await store.customerByPendingAddress('COMPTA@nkolo.cm'))?.id).toBe(awa.id);
    });

    it('never finds a customer by an invoice contact, unless that contact may ask, and kept across a reopening; an address two customers allowed names neither', async () => {
      const { reopen, store, awa, paul } = await withDemo();
      const contact = (address: string, mayAsk: boolean) => ({ address, mayAsk, addedAt: '2026-11-25T10:00:00.000Z' });
      await store.updateCustomer(awa.id, (c) => ({ ...c, contacts: [contact('compta@nkolo.cm', false), contact('dg@nkolo.cm', true)] }));
      // A contact is no identity.
      expect(await store.customerByAddress('compta@nkolo.cm')).toBeUndefined();
      expect(await store.customerByAddress('dg@nkolo.cm')).toBeUndefined();
      expect(await store.customerByAskingContact('compta@nkolo.cm')).toBeUndefined();
      expect((await store.customerByAskingContact(' DG@Nkolo.cm '))?.id).toBe(awa.id);
      expect((await (await reopen()).customerByAskingContact('dg@nkolo.cm'))?.contacts).toEqual([
        contact('compta@nkolo.cm', false),
        contact('dg@nkolo.cm', true),
      ]);
      await store.updateCustomer(paul.id, (c) => ({ ...c, contacts: [contact('dg@nkolo.cm', true)] }));
      expect(await store.customerByAskingContact('dg@nkolo.cm')).toBeUndefined();
      await store.updateCustomer(paul.id, (c) => ({ ...c, contacts: [contact('dg@nkolo.cm', false)] }));
      expect((await store.customerByAskingContact('dg@nkolo.cm'))?.id).toBe(awa.id);
      await store.updateCustomer(awa.id, (c) => ({ ...c, contacts: [] }));
      expect(await store.customerByAskingContact('dg@nkolo.cm')).toBeUndefined();
    });

    it('queries the delivery log, oldest first', async () => {
      const { store, awa, paul } = await withDemo();
      await store.save({
        deliveries: [
          delivery('b-2', awa.id, { createdAt: '2026-11-25T12:00:00.000Z', status: 'failed', invoices: ['1214'] }),
          delivery('a-1', awa.id, { createdAt: '2026-11-25T11:00:00.000Z', reason: 'resend', requestedBy: 'discord:9' }),
          delivery('c-3', paul.id, { createdAt: '2026-11-25T13:00:00.000Z', status: 'pending', nextAttemptAt: '2026-11-25T14:00:00.000Z' }),
        ],
      });
      const ids = async (query: Parameters<Store['deliveries']>[0]) => (await store.deliveries(query)).map((d) => d.id);
      expect(await ids({})).toEqual(['a-1', 'b-2', 'c-3']);
      expect(await ids({ customerId: awa.id })).toEqual(['a-1', 'b-2']);
      expect(await ids({ status: 'failed' })).toEqual(['b-2']);
      expect(await ids({ reason: 'resend', requestedBy: 'discord:9' })).toEqual(['a-1']);
      expect(await ids({ invoice: '1214' })).toEqual(['b-2']);
      expect(await ids({ idPrefix: 'b-' })).toEqual(['b-2']);
      expect(await ids({ idPrefix: '%' })).toEqual([]);
      expect(await ids({ since: '2026-11-25T11:30:00.000Z' })).toEqual(['b-2', 'c-3']);
      expect(await ids({ status: 'pending', dueAt: '2026-11-25T13:59:00.000Z' })).toEqual([]);
      expect(await ids({ status: 'pending', dueAt: '2026-11-25T14:00:00.000Z' })).toEqual(['c-3']);
      expect(await ids({ status: ['failed', 'pending'] })).toEqual(['b-2', 'c-3']);
      await store.updateDelivery('a-1', (d) => ({ ...d, messageId: '<a-1@billing.test>' }));
      expect(await ids({ messageId: '<a-1@billing.test>' })).toEqual(['a-1']);
      expect(await ids({ messageId: '<nothing@billing.test>' })).toEqual([]);
    });

    it('keeps suppressed addresses across a restart, found in any case, changed and lifted one at a time', async () => {
      const opened = await withDemo();
      const suppression = (address: string, since: string) => ({
        address,
        customerId: opened.awa.id,
        kind: 'bounce' as const,
        status: '5.1.1',
        diagnostic: 'unknown user',
        deliveryId: 'd-1',
        since,
      });
      const made = await opened.store.updateSuppression('Awa@Example.cm', (found) => ({
        suppression: found ?? suppression('awa@example.cm', '2026-11-25T10:00:00.000Z'),
        result: found === undefined,
      }));
      expect(made).toBe(true);
      // Of two reports at once, one suppresses and the other finds it done.
      const again = await Promise.all(
        [1, 2].map(() =>
          opened.store.updateSuppression('awa@example.cm', (found) => ({
            suppression: found ?? suppression('awa@example.cm', 'x'),
            result: found === undefined,
          })),
        ),
      );
      expect(again).toEqual([false, false]);
      await opened.store.save({ suppressions: [suppression('compta@nkolo.cm', '2026-11-24T10:00:00.000Z')] });
      const store = await opened.reopen();
      expect(await store.suppression('AWA@example.cm')).toMatchObject({ address: 'awa@example.cm', since: '2026-11-25T10:00:00.000Z' });
      expect((await store.suppressions()).map((s) => s.address)).toEqual(['compta@nkolo.cm', 'awa@example.cm']);
      expect(await store.updateSuppression('awa@example.cm', (found) => ({ suppression: null, result: found?.address }))).toBe('awa@example.cm');
      expect(await store.suppression('awa@example.cm')).toBeUndefined();
      expect(await store.updateSuppression('nobody@example.cm', (found) => ({ suppression: null, result: found }))).toBeUndefined();
      expect((await store.suppressions()).map((s) => s.address)).toEqual(['compta@nkolo.cm']);
    });

    it('counts an invoice announced once a push delivery carries it or the push marks it, and meets the push once', async () => {
      const { store, awa } = await withDemo();
      expect((await store.unannouncedInvoices()).length).toBe(DEMO().invoices.length);
      const oldest = await store.unannouncedInvoices();
      expect(oldest.map((i) => i.issuedAt)).toEqual(oldest.map((i) => i.issuedAt).toSorted());
      await store.save({ deliveries: [delivery('p1', awa.id, { reason: 'push', invoices: ['1210'] })], announced: ['1214'] });
      const left = (await store.unannouncedInvoices()).map((i) => i.number);
      expect(left).not.toContain('1210');
      expect(left).not.toContain('1214');
      expect(left).toContain('1217');
      expect(await store.announcingSince()).toBeNull();
      await store.save({ announcingSince: '2026-11-25T10:00:00.000Z' });
      await store.save({ announcingSince: '2026-12-01T10:00:00.000Z' });
      expect(await store.announcingSince()).toBe('2026-11-25T10:00:00.000Z');
    });

    it('marks 150,000 invoices announced in one save, as the first push meets a big store, and counts each once', async () => {
      const { store, reopen } = await withDemo();
      const numbers = Array.from({ length: 150_000 }, (_, i) => `A${i}`);
      await store.save({ announced: [...numbers, ...numbers.slice(0, 10)] });
      await store.save({ announced: ['1210', 'A0'] });
      const left = (await store.unannouncedInvoices()).map((i) => i.number);
      expect(left).not.toContain('1210');
      expect(left).toContain('1214');
      // On disk as in memory: a restart finds the same.
      expect((await (await reopen()).unannouncedInvoices()).map((i) => i.number)).toEqual(left);
    });

    it('lists every customer\u2019s unpaid invoices due by a day, and the highest offset reminders carried for each', async () => {
      const { store } = await withDemo();
      const due = await store.unpaidDueBy('2026-11-25');
      // The same as each customer's own list, put together.
      const everyone = (await Promise.all((await store.customers()).map((c) => store.invoices(c.id, { status: 'unpaid' })))).flat();
      expect(due.map((invoice) => invoice.number).toSorted()).toEqual(
        everyone
          .filter((invoice) => invoice.dueAt <= '2026-11-25')
          .map((invoice) => invoice.number)
          .toSorted(),
      );
      expect(new Set(due.map((invoice) => invoice.customerId)).size).toBeGreaterThan(1);
      expect(due.map((invoice) => invoice.dueAt)).toEqual(due.map((invoice) => invoice.dueAt).toSorted());
      expect(await store.unpaidDueBy('2000-01-01')).toEqual([]);
      const [a, b] = due;
      await store.save({
        deliveries: [
          delivery('r1', a!.customerId, { reason: 'reminder', invoices: [a!.number], reminded: { [a!.number]: -3 } }),
          delivery('r2', a!.customerId, {
            reason: 'reminder',
            invoices: [a!.number, b!.number],
            reminded: { [a!.number]: 7, [b!.number]: 1 },
            status: 'failed',
          }),
          // Not a reminder: its invoices were not reminded of.
          delivery('p1', a!.customerId, { reason: 'push', invoices: ['1217'] }),
        ],
      });
      expect(Object.fromEntries(await store.remindedOffsets([a!.number, b!.number, '1217', 'nope']))).toEqual({ [a!.number]: 7, [b!.number]: 1 });
      expect((await store.remindedOffsets([])).size).toBe(0);
    });

    it('finds an inbound record by its key, or as a copy from the same sender only, and counts answers', async () => {
      const { store, awa } = await withDemo();
      await store.save({
        inbound: [inbound('k1', { sent: 1, customerId: awa.id }), inbound('k2', { messageId: '<x@y>', sender: 'someone@else.cm', sent: 1 })],
      });
      expect((await store.inboundMessage('k9', { messageId: '<k1@example.cm>', sender: 'AWA@example.cm' }))?.key).toBe('k1');
      expect(await store.inboundMessage('k9', { messageId: '<k1@example.cm>', sender: 'mallory@example.cm' })).toBeUndefined();
      expect(await store.answeredInbound({ since: '2026-11-25T00:00:00.000Z' })).toBe(2);
      expect(await store.answeredInbound({ since: '2026-11-25T00:00:00.000Z', sender: 'awa@example.cm' })).toBe(1);
      expect(await store.answeredInbound({ since: '2026-11-25T00:00:00.000Z', strangers: true })).toBe(1);
      expect(await store.answeredInbound({ since: '2026-11-26T00:00:00.000Z' })).toBe(0);
    });

    it('lets one of many claims of a message at once win, and shows it to the others', async () => {
      const opened = await withDemo();
      const stores = [opened.store, ...(opened.another ? [await opened.another()] : [])];
      const claims = await Promise.all(
        Array.from({ length: 12 }, (_, i) =>
          stores[i % stores.length]!.updateInbound('imap:INBOX:1:7', null, (found) => {
            const record = found ? null : inbound('imap:INBOX:1:7', { claimedBy: `p${i}` });
            return { record, result: record };
          }),
        ),
      );
      expect(claims.filter((claim) => claim !== null)).toHaveLength(1);
      const winner = claims.find((claim) => claim !== null)!;
      expect((await opened.store.inboundMessage('imap:INBOX:1:7', null))?.claimedBy).toBe(winner.claimedBy);
    });

    it('lands every one of many changes of one record made at once, from every process sharing the store', async () => {
      const opened = await withDemo();
      const stores = [opened.store, ...(opened.another ? [await opened.another()] : [])];
      const { awa } = opened;
      await opened.store.save({ deliveries: [delivery('d1', awa.id, { attempts: 0 })] });
      const n = 20;
      await Promise.all(
        Array.from({ length: n }, (_, i) => {
          const store = stores[i % stores.length]!;
          return Promise.all([
            store.updateCustomer(awa.id, (c) => ({ ...c, links: { discord: [...(c.links.discord ?? []), String(i)] } })),
            store.updateLinkAttempt('discord:1', (a) => ({ attempt: attempt('discord:1', { failures: (a?.failures ?? 0) + 1 }), result: null })),
            store.updateHeldRequest('email:s@x', (h) => ({
              held: { staff: 'email:s@x', numbers: [...(h?.numbers ?? []), String(i)], codeHash: 'h', expiresAt: '2030-01-01T00:00:00.000Z', attempts: 0 },
              result: null,
            })),
            store.updateDelivery('d1', (d) => ({ ...d, attempts: d.attempts + 1 })),
            store.updateInvoice('1210', (invoice) => ({
              invoice: { ...invoice, lines: [...invoice.lines, { label: `L${i}`, quantity: 1, unitPrice: i }] },
              result: null,
            })),
          ]);
        }),
      );
      expect((await opened.store.customerById(awa.id))!.links.discord).toHaveLength(n);
      expect((await opened.store.linkAttempt('discord:1'))!.failures).toBe(n);
      expect((await opened.store.heldRequest('email:s@x'))!.numbers).toHaveLength(n);
      expect((await opened.store.delivery('d1'))!.attempts).toBe(n);
      const invoice = (await opened.store.invoice('1210'))!;
      expect(invoice.lines.filter((line) => line.label.startsWith('L'))).toHaveLength(n);
      // Its owner's list reads the same record.
      expect((await opened.store.invoices(invoice.customerId)).find((i) => i.number === '1210')).toEqual(invoice);
      expect(await opened.store.updateInvoice('nope', (i) => ({ invoice: i, result: i }))).toBeUndefined();
      // A change cannot renumber an invoice.
      await opened.store.updateInvoice('1210', (i) => ({ invoice: { ...i, number: '9999', status: 'paid', paidAt: '2026-11-30' }, result: null }));
      expect(await opened.store.invoice('9999')).toBeUndefined();
      expect((await opened.store.invoice('1210'))!.status).toBe('paid');
      expect(await opened.store.updateDelivery('nope', (d) => d)).toBeUndefined();
      expect(await opened.store.updateCustomer('nope', (c) => c)).toBeUndefined();
    });

    it('runs a job once at a time, across every process sharing the store, and frees it when done', async () => {
      const opened = await open();
      const other = opened.another ? await opened.another() : opened.store;
      let finish: (() => void) | undefined;
      const running = opened.store.exclusive('push', () => new Promise<string>((resolve) => (finish = () => resolve('done'))));
      // The job holds its lock once its work has begun.
      while (!finish) await new Promise((resolve) => setImmediate(resolve));
      expect(await other.exclusive('push', async () => 'twice')).toEqual({ ran: false });
      expect(await opened.store.exclusive('push', async () => 'twice')).toEqual({ ran: false });
      expect(await other.exclusive('another job', async () => 'free')).toEqual({ ran: true, result: 'free' });
      finish();
      expect(await running).toEqual({ ran: true, result: 'done' });
      expect(await other.exclusive('push', async () => 'again')).toEqual({ ran: true, result: 'again' });
    });

    it('runs serial work one at a time across every process, each waiting its turn', async () => {
      const opened = await open();
      const stores = [opened.store, ...(opened.another ? [await opened.another(), await opened.another()] : [])];
      let inside = 0;
      let most = 0;
      const order: number[] = [];
      await Promise.all(
        Array.from({ length: 12 }, (_, i) =>
          stores[i % stores.length]!.serially('import', async () => {
            most = Math.max(most, ++inside);
            await new Promise((resolve) => setTimeout(resolve, 5));
            order.push(i);
            inside--;
          }),
        ),
      );
      expect(most).toBe(1);
      expect(order).toHaveLength(12);
      // A failed turn does not block the next.
      await expect(opened.store.serially('import', async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
      expect(await opened.store.serially('import', async () => 'next')).toBe('next');
    });

    it('gives a new invoice number to one customer only when two imports send it at once, from every process', async () => {
      const opened = await withDemo();
      const stores = [opened.store, ...(opened.another ? [await opened.another()] : [])];
      const row = (customer: string) => ({
        number: 'RACE-1',
        customer,
        issuedAt: '2026-11-01',
        dueAt: '2026-12-01',
        currency: 'XAF',
        lines: [{ label: 'Hébergement', quantity: 1, unitPrice: 1000 }],
        status: 'unpaid',
      });
      const reports = await Promise.all(
        ['awa@example.cm', 'nouveau@example.cm'].map((customer, i) => importCandidates(stores[i % stores.length]!, candidatesOf([row(customer)]))),
      );
      expect(reports.map((r) => r.created).sort()).toEqual([0, 1]);
      expect(reports.flatMap((r) => r.rejected.map((x) => x.reason))).toEqual([expect.stringMatching(/already belongs to another customer/)]);
    });

    it('writes nothing when an update says so, and hands back what the change returned', async () => {
      const { store } = await withDemo();
      expect(await store.updateLinkAttempt('discord:5', () => ({ attempt: null, result: 'nothing' }))).toBe('nothing');
      expect(await store.linkAttempt('discord:5')).toBeUndefined();
      expect(await store.updateHeldRequest('email:s@x', () => ({ held: null, result: 3 }))).toBe(3);
      expect(await store.heldRequest('email:s@x')).toBeUndefined();
      expect(await store.updateInbound('k5', null, () => ({ record: null, result: null }))).toBeNull();
      expect(await store.inboundMessage('k5', null)).toBeUndefined();
    });

    it('keeps signed requests’ receipts across a restart: found by signature, the latest signing time per invoice, the expired forgotten', async () => {
      const opened = await withDemo();
      const receipt = (signature: string, signedAt: string, invoices: string[], expiresAt = '2099-01-01T00:00:00.000Z') => ({
        signature,
        signedAt,
        invoices,
        expiresAt,
      });
      // Saving drops the receipts already expired: these expire in an hour, and in 2099.
      const soon = new Date(Date.now() + 3_600_000);
      await opened.store.save({ receipts: [receipt('t1.aa', '2026-11-25T10:00:00.000Z', ['1210', '1214'], soon.toISOString())] });
      await opened.store.save({ receipts: [receipt('t2.bb', '2026-11-25T10:01:00.000Z', ['1214'])] });
      const store = await opened.reopen();
      expect(await store.signedReceipt('t1.aa')).toMatchObject({ invoices: ['1210', '1214'] });
      expect(await store.signedReceipt('t3.cc')).toBeUndefined();
      expect(Object.fromEntries(await store.lastSigned(['1210', '1214', '1266']))).toEqual({
        '1210': '2026-11-25T10:00:00.000Z',
        '1214': '2026-11-25T10:01:00.000Z',
      });
      await store.forget({
        inbound: '2026-01-01T00:00:00.000Z',
        staffActions: '2026-01-01T00:00:00.000Z',
        linkAttempts: '2026-01-01T00:00:00.000Z',
        receipts: new Date(soon.getTime() + 1).toISOString(),
      });
      expect(await store.signedReceipt('t1.aa')).toBeUndefined();
      expect(await store.signedReceipt('t2.bb')).toBeDefined();
    });

    it('keeps the billing system’s PDFs once by hash across a restart: the latest received of each invoice, every older one, the bytes, and the deliveries that carried one', async () => {
      const opened = await withDemo();
      const bytes = (text: string) => Buffer.from(`%PDF-1.4 ${text}`);
      const [first, second] = [bytes('1266 v1'), bytes('1266 v2')];
      await opened.store.save({ pdfs: [{ pdf: issuedPdf('1266', first, '2026-11-25T10:00:00.000Z'), bytes: first }] });
      await opened.store.save({
        pdfs: [
          { pdf: issuedPdf('1266', second, '2026-11-25T11:00:00.000Z'), bytes: second },
          { pdf: issuedPdf('1268', first, '2026-11-25T11:00:00.000Z'), bytes: first },
        ],
      });
      await opened.store.save({
        deliveries: [
          delivery('d-pdf', opened.awa.id, {
            invoices: ['1266'],
            files: [{ name: 'facture-1266.pdf', sha256: sha256(second), invoice: '1266', source: 'billing' }],
          }),
          delivery('d-none', opened.awa.id),
        ],
      });
      const store = await opened.reopen();
      expect([...(await store.issuedPdfs(['1266', '1268', '1210']))].map(([number, pdf]) => [number, pdf.sha256])).toEqual([
        ['1266', sha256(second)],
        ['1268', sha256(first)],
      ]);
      expect((await store.issuedPdfHistory({ invoice: '1266' })).map((pdf) => pdf.sha256)).toEqual([sha256(first), sha256(second)]);
      expect((await store.issuedPdfHistory({ sha256: sha256(first) })).map((pdf) => pdf.invoice)).toEqual(['1266', '1268']);
      expect(await store.pdfBytes(sha256(second))).toEqual(second);
      expect(await store.pdfBytes(sha256(bytes('never sent')))).toBeUndefined();
      expect((await store.deliveries({ file: sha256(second) })).map((d) => d.id)).toEqual(['d-pdf']);
      // The first bytes received again: they are the ones sent from now on.
      await store.save({ pdfs: [{ pdf: issuedPdf('1266', first, '2026-11-25T12:00:00.000Z'), bytes: first }] });
      expect((await store.issuedPdfs(['1266'])).get('1266')).toMatchObject({ sha256: sha256(first), receivedAt: '2026-11-25T12:00:00.000Z' });
      expect(await store.issuedPdfHistory({ invoice: '1266' })).toHaveLength(2);
    });

    it('sums a customer’s wrong link codes over every chat account', async () => {
      const { store, awa, paul } = await withDemo();
      const failure = (customerId: string, at: string) => ({ customerId, at });
      await store.save({
        linkAttempts: [
          attempt('discord:1', { failedFor: [failure(awa.id, '2026-11-25T09:00:00.000Z'), failure(paul.id, '2026-11-25T09:00:00.000Z')] }),
          attempt('discord:2', { failedFor: [failure(awa.id, '2026-11-24T09:00:00.000Z'), failure(awa.id, '2026-11-25T09:30:00.000Z')] }),
        ],
      });
      expect(await store.linkFailuresFor(awa.id, '2026-11-25T00:00:00.000Z')).toBe(2);
      expect(await store.linkFailuresFor(awa.id, '2026-11-01T00:00:00.000Z')).toBe(3);
      expect(await store.linkFailuresFor('nobody', '2026-11-01T00:00:00.000Z')).toBe(0);
    });

    it('keeps what the bot’s chat messages carried, across a restart, a customer’s latest MAX_CHAT_MESSAGES at most', async () => {
      const { store, awa, paul, reopen } = await withDemo();
      const message = (id: string, customerId: string, minute: number): ChatMessage => ({
        id,
        customerId,
        invoices: [`${id}-inv`],
        sentAt: new Date(Date.UTC(2026, 10, 25, 9, minute)).toISOString(),
      });
      const awas = Array.from({ length: MAX_CHAT_MESSAGES + 2 }, (_, i) => message(`a${i}`, awa.id, i));
      await store.save({ chatMessages: [message('p0', paul.id, 0), ...awas.slice(0, 100)] });
      await store.save({ chatMessages: awas.slice(100) });
      // Written again, a message is not doubled, nor changed.
      await store.save({ chatMessages: [{ ...awas.at(-1)!, invoices: ['other'] }] });
      const again = await reopen();
      expect(await again.chatMessage('a0')).toBeUndefined();
      expect(await again.chatMessage('a1')).toBeUndefined();
      expect(await again.chatMessage('a2')).toEqual(awas[2]);
      expect(await again.chatMessage(awas.at(-1)!.id)).toEqual(awas.at(-1));
      expect(await again.chatMessage('p0')).toEqual(message('p0', paul.id, 0));
      expect(await again.chatMessage('nothing')).toBeUndefined();
      await again.close();
    });

    it('forgets what is kept only for a while, and keeps the rest', async () => {
      const { store } = await withDemo();
      await store.save({
        inbound: [
          inbound('old-done', { status: 'replied', receivedAt: '2026-09-01T00:00:00.000Z' }),
          inbound('old-open', { status: 'claimed', receivedAt: '2026-09-01T00:00:00.000Z' }),
          inbound('new-done', { status: 'replied' }),
        ],
        staffActions: [
          { id: 'old', staff: 'discord:1', action: 'log', target: null, detail: null, at: '2025-01-01T00:00:00.000Z' },
          { id: 'new', staff: 'discord:1', action: 'log', target: null, detail: null, at: '2026-11-20T00:00:00.000Z' },
        ],
        linkAttempts: [attempt('discord:1', { updatedAt: '2026-09-01T00:00:00.000Z' }), attempt('discord:2', { updatedAt: '2026-11-24T00:00:00.000Z' })],
        heldRequests: [
          { staff: 'email:used@x', numbers: ['1'], codeHash: null, expiresAt: '2026-11-24T00:00:00.000Z', attempts: 0 },
          { staff: 'email:live@x', numbers: ['1'], codeHash: 'h', expiresAt: '2026-11-24T00:00:00.000Z', attempts: 0 },
        ],
        chatMessages: [
          { id: 'old', customerId: 'c', invoices: ['1'], sentAt: '2026-09-01T00:00:00.000Z' },
          { id: 'new', customerId: 'c', invoices: ['1'], sentAt: '2026-11-24T00:00:00.000Z' },
        ],
      });
      await store.forget({
        inbound: '2026-10-26T00:00:00.000Z',
        staffActions: '2026-05-29T00:00:00.000Z',
        linkAttempts: '2026-10-26T00:00:00.000Z',
        receipts: '2026-10-26T00:00:00.000Z',
      });
      expect(await store.inboundMessage('old-done', null)).toBeUndefined();
      expect(await store.inboundMessage('old-open', null)).toBeDefined();
      expect(await store.inboundMessage('new-done', null)).toBeDefined();
      expect((await store.staffActions()).map((a) => a.id)).toEqual(['new']);
      expect((await store.staffActions('2026-11-21T00:00:00.000Z')).map((a) => a.id)).toEqual([]);
      expect(await store.linkAttempt('discord:1')).toBeUndefined();
      expect(await store.linkAttempt('discord:2')).toBeDefined();
      expect(await store.heldRequest('email:used@x')).toBeUndefined();
      expect(await store.heldRequest('email:live@x')).toBeDefined();
      expect(await store.chatMessage('old')).toBeUndefined();
      expect(await store.chatMessage('new')).toBeDefined();
    });
  });
}

describe('postgres: a job whose connection is lost', () => {
  it('is told so while it runs, and another process can take the job at once', async () => {
    const url = await postgres.createDatabase();
    const [holder, other] = [await PostgresStore.open(url, log), await PostgresStore.open(url, log)];
    cleanup.push(
      () => holder.close(),
      () => other.close(),
    );
    let began!: () => void;
    const beganHolding = new Promise<void>((resolve) => (began = resolve));
    const holding = holder.exclusive('discord-gateway', (lost) => {
      began();
      return new Promise<string>((resolve) => lost.addEventListener('abort', () => resolve('let go')));
    });
    await beganHolding;
    expect(await other.exclusive('discord-gateway', async () => 'twice')).toEqual({ ran: false });
    // What a server restart does to the session holding the lock, done to that session alone.
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    cleanup.push(() => admin.end());
    // Session locks of this database only: the server is shared by every test of this file.
    const { rows } = await admin.query<{ ended: boolean }>(
      "select pg_terminate_backend(pid) as ended from pg_locks where locktype = 'advisory' and granted and database = (select oid from pg_database where datname = current_database())",
    );
    expect(rows).toEqual([{ ended: true }]);
    expect(await holding).toEqual({ ran: true, result: 'let go' });
    expect(await other.exclusive('discord-gateway', async () => 'taken over')).toEqual({ ran: true, result: 'taken over' });
    // The holder's pool is whole: its next query opens another connection.
    expect(await holder.countCustomers()).toBe(0);
  });
});

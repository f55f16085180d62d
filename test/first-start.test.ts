/**
 * The first start does not flood with payment reminders: nothing is reminded for an offset
 * that came before Facteur met the store (a provider installing it over years of billing
 * history, or the demo's ten-month-old debts); staff remind what they choose by hand.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { newCustomer } from '../src/billing/customer.js';
import { addDays, dayIn } from '../src/billing/dates.js';
import type { Customer, Invoice } from '../src/billing/types.js';
import { createLogger } from '../src/log.js';
import { Reminders } from '../src/notifications/reminders.js';
import { LowdbStore } from '../src/store/lowdb/store.js';
import { PostgresStore } from '../src/store/postgres/store.js';
import type { Store } from '../src/store/store.js';
import { startPostgres, type Postgres } from './peers/postgres.js';
import { demoApp, outbox } from './support/app.js';
import { runFacteur } from './support/cli.js';

const today = dayIn(new Date(), 'Africa/Douala');
const REMINDING = { REMINDERS_ENABLED: 'true', REMINDERS_AT: '00:00', REMINDER_DAYS: '-3,1,7,15' };

let dataDir: string;

beforeEach(async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), 'facteur-first-start-'));
});

afterEach(() => rm(dataDir, { recursive: true, force: true }));

const subjects = async () => (await outbox(dataDir)).map((mail) => mail.subject);

describe('the first start on the demo data', () => {
  it('sends no reminder for the invoices overdue for months, and the dry run says how many it leaves to staff', async () => {
    const env = { FACTEUR_DATA_DIR: dataDir, ...REMINDING };
    const pushed = await runFacteur(['push'], env);
    expect(pushed).toMatchObject({ code: 0, stdout: '0 new invoices; 0 messages sent, 0 not sent, 0 customers skipped (no address).\n' });
    expect(await subjects()).toEqual([]);
    const dry = await runFacteur(['reminders', '--dry-run'], env);
    expect(dry.stdout).toBe(
      '0 invoices of 0 customers would be reminded; 0 missed offsets not sent late, 0 customers turned reminders off, 0 have no address. ' +
        '5 overdue invoices are not reminded: their reminder days came before Facteur met the store (staff may send them: facteur reminders NUMBER…). Nothing was sent.\n',
    );
  });

  it('lets staff remind the invoices they choose, once, and says which of them cannot be', async () => {
    const env = { FACTEUR_DATA_DIR: dataDir, ...REMINDING };
    await runFacteur(['push'], env);
    const dry = await runFacteur(['reminders', '--dry-run', '1266', '1267'], env);
    expect(dry.stdout).toMatch(/^1266 \(\+\d+\) +email awa@example\.cm$/m);
    expect(dry.stdout).toMatch(/^1267 \(\+\d+\) +email contact@ndjock-sarl\.cm$/m);
    expect(dry.stdout.split('\n').at(-2)).toMatch(/^2 invoices of 2 customers would be reminded;/);
    expect(await subjects()).toEqual([]);
    const sent = await runFacteur(['reminders', '1266', '1210', '9999'], env);
    expect(sent.stderr).toBe('facteur reminders: not reminded: 1210 (paid), 9999 (no such invoice)\n');
    expect(sent.stdout).toBe('1 message sent, 0 not sent (new invoices announced on the way: 0).\n');
    expect(sent.code).toBe(1);
    const [reminder, ...more] = await outbox(dataDir);
    expect(more).toEqual([]);
    expect(reminder!.subject).toMatch(/^Rappel : facture n° 1266/);
    expect(JSON.stringify(reminder!.to)).toContain('awa@example.cm');
    // Reminded by hand, it is not reminded again by the schedule.
    await runFacteur(['push'], env);
    expect(await outbox(dataDir)).toHaveLength(1);
  });
});

describe('a store Facteur meets for the first time, over years of billing history', () => {
  let postgres: Postgres;

  beforeAll(async () => {
    postgres = await startPostgres();
  });

  afterAll(async () => {
    await postgres?.destroy();
  });

  const owner = newCustomer('history@example.cm', 'Historique SARL', 'fr');
  const invoice = (number: string, dueInDays: number): Invoice => {
    const dueAt = addDays(today, dueInDays);
    return {
      number,
      customerId: owner.id,
      issuedAt: addDays(dueAt, -30),
      dueAt,
      currency: 'XAF',
      lines: [{ label: 'Hébergement', quantity: 1, unitPrice: 15_000 }],
      taxes: [],
      status: 'unpaid',
      paidAt: null,
    };
  };
  // Overdue for a year, for two days (its +1 came yesterday), and due in three days (its -3 is today, whose day had begun when Facteur met the store).
  const history: { customers: Customer[]; invoices: Invoice[] } = {
    customers: [{ ...owner, notifications: { ...owner.notifications, attachPdf: false } }],
    invoices: [invoice('H-1', -365), invoice('H-2', -2), invoice('H-3', 3)],
  };

  const stores: [string, () => Promise<{ store: Store; env: Record<string, string> }>][] = [
    ['lowdb', async () => ({ store: await LowdbStore.open(path.join(dataDir, 'db.json')), env: {} })],
    [
      'PostgreSQL',
      async () => {
        const url = await postgres.createDatabase();
        return { store: await PostgresStore.open(url, createLogger('silent')), env: { DATABASE_URL: url } };
      },
    ],
  ];

  for (const [kind, open] of stores) {
    it(`sends nothing on the first start, and reminds what falls due from the next day on (${kind})`, async () => {
      const { store, env } = await open();
      await store.save(history);
      await store.close();
      const app = await demoApp({ FACTEUR_DATA_DIR: dataDir, FACTEUR_DEMO: 'false', ...REMINDING, ...env });
      try {
        const first = await app.push.run();
        expect(first).toMatchObject({ invoices: 0, attempted: 0 });
        expect(await outbox(dataDir)).toEqual([]);
        // Four days on, H-3 is a day overdue: its +1 came after the meeting, and is owed; H-1 and H-2 are left to staff (H-2's +7 is not there yet).
        const later = new Reminders(app.store, createLogger('silent'), {
          offsets: [-3, 1, 7, 15],
          optOut: true,
          chat: false,
          claimDays: 14,
          today: () => addDays(today, 4),
          timeZone: 'Africa/Douala',
        });
        const plan = await later.plan();
        expect(plan.specs.map((spec) => spec.reminded)).toEqual([{ 'H-3': 1 }]);
        expect(plan.beforeMeeting).toBe(2);
      } finally {
        await app.close();
      }
    });
  }
});

/**
 * Facteur on PostgreSQL, as an operator moves to it: a data folder copied in with `facteur db
 * copy`, then the same commands run with DATABASE_URL, against a private server the test starts.
 */
import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { metDaysAgo } from './support/app.js';
import { eventually } from './support/mail.js';
import { runFacteur, spawnFacteur } from './support/cli.js';
import { startPostgres, type Postgres } from './peers/postgres.js';
import { LowdbStore } from '../src/store/lowdb/store.js';
import { DAY_MS } from '../src/time.js';

/** Each `facteur` run starts a process (about 1.5 s on two cores): the budget counts the runs a test makes, eight at most. */
const PROCESSES = { timeout: 60_000 };

let postgres: Postgres;
let dataDir: string;

beforeAll(async () => {
  postgres = await startPostgres();
  dataDir = await mkdtemp(path.join(tmpdir(), 'facteur-pg-app-'));
});

afterAll(async () => {
  await postgres?.destroy();
  await rm(dataDir, { recursive: true, force: true });
});

describe('moving a data folder to PostgreSQL', PROCESSES, () => {
  it('copies every record, twice without doubling any, and then answers from the database as it did from the folder', async () => {
    const folder = { FACTEUR_DATA_DIR: dataDir };
    // A folder with history: demo data met by the push, a resend in the delivery log, and the billing system's PDF of 1266.
    const resent = await runFacteur(['resend', '1210'], folder);
    expect(resent.code).toBe(0);
    const pdfs = path.join(dataDir, 'from-billing');
    await mkdir(pdfs);
    await copyFile(path.join(import.meta.dirname, 'fixtures', 'billing-pdfs', '1266.pdf'), path.join(pdfs, '1266.pdf'));
    const invoice = {
      number: '1266',
      customer: 'awa@example.cm',
      issuedAt: '2026-01-17',
      dueAt: '2026-02-17',
      currency: 'XAF',
      lines: [
        { label: 'Hébergement Pro (4 mois)', quantity: 1, unitPrice: 81000 },
        { label: 'Nom de domaine .cm', quantity: 1, unitPrice: 20500 },
      ],
      taxes: [{ label: 'TVA', rate: 19.25 }],
      status: 'unpaid',
    };
    await writeFile(path.join(pdfs, 'export.json'), JSON.stringify([invoice]));
    expect((await runFacteur(['import', path.join(pdfs, 'export.json'), '--pdfs', pdfs], folder)).stdout).toMatch(/0 rejected/);
    // And an address whose mail bounced.
    const kept = await LowdbStore.open(path.join(dataDir, 'db.json'));
    await kept.updateSuppression('paul@example.cm', () => ({
      suppression: {
        address: 'paul@example.cm',
        customerId: null,
        kind: 'bounce',
        status: '5.1.1',
        diagnostic: 'unknown user',
        deliveryId: 'd-1',
        since: '2026-11-25T10:00:00.000Z',
      },
      result: null,
    }));
    await kept.close();
    const url = await postgres.createDatabase();
    const first = await runFacteur(['db', 'copy', '--to', url], folder);
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/customers +5 → +5/);
    expect(first.stdout).toMatch(/deliveries +1 → +1/);
    expect(first.stdout).toMatch(/issuedPdfs +1 → +1/);
    expect(first.stdout).toMatch(/suppressions +1 → +1/);
    const invoices = /invoices +(\d+) → +(\d+)/.exec(first.stdout)!;
    expect(invoices[1]).toBe(invoices[2]);
    const again = await runFacteur(['db', 'copy', '--to', url], folder);
    expect(again.code).toBe(0);
    expect(again.stdout.replace(/\d+\/s/g, '')).toBe(first.stdout.replace(/\d+\/s/g, ''));

    const database = { FACTEUR_DATA_DIR: await mkdtemp(path.join(tmpdir(), 'facteur-pg-files-')), DATABASE_URL: url };
    const answered = await runFacteur(['ask', '--as', 'awa@example.cm', 'facture 1214'], database);
    expect(answered.code).toBe(0);
    expect(answered.stdout).toContain('facture-1214.pdf');
    // The billing system's PDF, byte for byte from the database, by an instance that never saw the folder.
    expect((await runFacteur(['ask', '--as', 'awa@example.cm', '--out', database.FACTEUR_DATA_DIR, 'facture 1266'], database)).code).toBe(0);
    expect((await readFile(path.join(database.FACTEUR_DATA_DIR, 'facture-1266.pdf'))).equals(await readFile(path.join(pdfs, '1266.pdf')))).toBe(true);
    expect((await runFacteur(['resend', '1214'], database)).code).toBe(0);
    const log = await runFacteur(['deliveries', '--customer', 'awa@example.cm'], database);
    expect(log.stdout).toContain('1210');
    expect(log.stdout).toContain('1214');
    expect((await runFacteur(['suppressions'], database)).stdout).toMatch(/paul@example\.cm .* bounce +5\.1\.1 +unknown user/);
    // Nothing was added as demo data on top of the copy, and nothing announced again.
    const push = await runFacteur(['push'], database);
    expect(push.stdout).toMatch(/^0 new invoices;/);
    await rm(database.FACTEUR_DATA_DIR, { recursive: true, force: true });
  });

  it('says what `db migrate` applied, and that nothing is left the second time', async () => {
    const url = await postgres.createDatabase();
    const first = await runFacteur(['db', 'migrate'], { DATABASE_URL: url, FACTEUR_DATA_DIR: dataDir });
    expect(first.code).toBe(0);
    expect(first.stdout).toContain('Applied: 0001_records');
    const second = await runFacteur(['db', 'migrate'], { DATABASE_URL: url, FACTEUR_DATA_DIR: dataDir });
    expect(second.stdout).toContain('up to date');
  });

  it('refuses a copy with no database, and a migration with none configured', async () => {
    expect((await runFacteur(['db', 'copy'], { FACTEUR_DATA_DIR: dataDir })).code).toBe(2);
    expect((await runFacteur(['db', 'copy', '--to', 'mysql://x'], { FACTEUR_DATA_DIR: dataDir })).stderr).toContain('postgres://');
    expect((await runFacteur(['db', 'migrate'], { FACTEUR_DATA_DIR: dataDir, DATABASE_URL: '' })).code).toBe(2);
  });
});

describe('a copy killed in the middle (kill -9)', () => {
  it(
    'leaves a database nothing runs on until the copy is run again, after which the push announces what the folder had not, and no reminder goes twice',
    { timeout: 120_000 },
    async () => {
      const folder = { FACTEUR_DATA_DIR: await mkdtemp(path.join(tmpdir(), 'facteur-pg-killed-')), REMINDERS_ENABLED: 'true' };
      // A folder with history: the push met it long ago, today's reminders went, and 30 invoices came since, not yet announced.
      await metDaysAgo(folder.FACTEUR_DATA_DIR, 500);
      expect((await runFacteur(['push'], { ...folder, REMINDERS_ENABLED: 'false' })).code).toBe(0);
      const reminded = await runFacteur(['reminders'], folder);
      expect(reminded.code).toBe(0);
      expect(reminded.stdout).not.toMatch(/^0 messages sent/);
      const file = path.join(folder.FACTEUR_DATA_DIR, 'new.json');
      const dueAt = new Date(Date.now() + 30 * DAY_MS).toISOString().slice(0, 10);
      await writeFile(
        file,
        JSON.stringify(
          Array.from({ length: 30 }, (_, i) => ({
            number: `N-${i + 1}`,
            customer: 'awa@example.cm',
            issuedAt: '2026-11-25',
            dueAt,
            currency: 'XAF',
            lines: [{ label: 'Hébergement', quantity: 1, unitPrice: 15000 }],
            status: 'unpaid',
          })),
        ),
      );
      expect((await runFacteur(['import', file], folder)).stdout).toMatch(/^30 created/);

      const url = await postgres.createDatabase();
      expect((await runFacteur(['db', 'migrate'], { ...folder, DATABASE_URL: url })).code).toBe(0);
      // The copy is held where it writes what was announced, then killed there: every invoice is in, none marked announced.
      const holder = new pg.Client({ connectionString: url });
      await holder.connect();
      try {
        await holder.query('begin');
        await holder.query('lock table announced in access exclusive mode');
        const copy = spawnFacteur(['db', 'copy', '--to', url], folder);
        await eventually(
          'the copy waiting on the lock',
          async () => (Number((await holder.query('select count(*) from pg_locks where not granted')).rows[0].count) > 0 ? true : undefined),
          30_000,
        );
        copy.child.kill('SIGKILL');
        await copy.exited;
        await holder.query('rollback');
        expect(Number((await holder.query('select count(*) from invoices')).rows[0].count)).toBeGreaterThan(30);
      } finally {
        await holder.end();
      }

      const database = { FACTEUR_DATA_DIR: await mkdtemp(path.join(tmpdir(), 'facteur-pg-killed-files-')), DATABASE_URL: url, REMINDERS_ENABLED: 'false' };
      const refused = await runFacteur(['push'], database);
      expect(refused.stdout).toBe('');
      expect(refused.code).toBe(1);
      expect(refused.stderr).toContain(`holds a copy of ${folder.FACTEUR_DATA_DIR} that did not finish`);
      expect(refused.stderr).toContain('facteur db copy --to');
      expect(refused.stderr.trim().split('\n')).toHaveLength(1);
      const start = spawnFacteur(['start'], database);
      await start.exited;
      expect(start.child.exitCode).toBe(1);

      const finished = await runFacteur(['db', 'copy', '--to', url], folder);
      expect(finished.code).toBe(0);
      expect(finished.stdout).toContain('Every record is there');
      const pushed = await runFacteur(['push'], database);
      expect(pushed.code).toBe(0);
      expect(pushed.stdout).toMatch(/^30 new invoices;/);
      const reminders = await runFacteur(['reminders', '--dry-run'], { ...database, REMINDERS_ENABLED: 'true' });
      expect(reminders.stdout).toMatch(/^0 invoices of 0 customers would be reminded/m);
      await rm(folder.FACTEUR_DATA_DIR, { recursive: true, force: true });
      await rm(database.FACTEUR_DATA_DIR, { recursive: true, force: true });
    },
  );
});

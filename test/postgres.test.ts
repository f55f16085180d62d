/**
 * Facteur on PostgreSQL, as an operator moves to it: a data folder copied in with `facteur db
 * copy`, then the same commands run with DATABASE_URL, against a private server the test starts.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runFacteur } from './support/cli.js';
import { startPostgres, type Postgres } from './peers/postgres.js';

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
    // A folder with history: demo data met by the push, and a resend in the delivery log.
    const resent = await runFacteur(['resend', '1210'], folder);
    expect(resent.code).toBe(0);
    const url = await postgres.createDatabase();
    const first = await runFacteur(['db', 'copy', '--to', url], folder);
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/customers +5 → +5/);
    expect(first.stdout).toMatch(/deliveries +1 → +1/);
    const invoices = /invoices +(\d+) → +(\d+)/.exec(first.stdout)!;
    expect(invoices[1]).toBe(invoices[2]);
    const again = await runFacteur(['db', 'copy', '--to', url], folder);
    expect(again.code).toBe(0);
    expect(again.stdout.replace(/\d+\/s/g, '')).toBe(first.stdout.replace(/\d+\/s/g, ''));

    const database = { FACTEUR_DATA_DIR: await mkdtemp(path.join(tmpdir(), 'facteur-pg-files-')), DATABASE_URL: url };
    const answered = await runFacteur(['ask', '--as', 'awa@example.cm', 'facture 1214'], database);
    expect(answered.code).toBe(0);
    expect(answered.stdout).toContain('facture-1214.pdf');
    expect((await runFacteur(['resend', '1214'], database)).code).toBe(0);
    const log = await runFacteur(['deliveries', '--customer', 'awa@example.cm'], database);
    expect(log.stdout).toContain('1210');
    expect(log.stdout).toContain('1214');
    // Nothing was added as demo data on top of the copy, and nothing announced again.
    const push = await runFacteur(['push'], database);
    expect(push.stdout).toMatch(/^0 new invoice\(s\)/);
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

/**
 * What an operator reads when Facteur cannot start: the setting or the folder named, why, and
 * what to do, in one message without a stack trace, and exit code 1 as for any setting to fix
 * (70 is kept for bugs). And a data folder that does not exist yet is made, PostgreSQL or not.
 */
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { freePort } from './peers/dovecot.js';
import { startPostgres, type Postgres } from './peers/postgres.js';
import { runFacteur, type Run } from './support/cli.js';

const run = promisify(execFile);
const STACK = /^\s+at .*:\d+/m;

let postgres: Postgres;
let base: string;

beforeAll(async () => {
  postgres = await startPostgres();
});

afterAll(async () => {
  await postgres?.destroy();
});

beforeEach(async () => {
  base = await mkdtemp(path.join(tmpdir(), 'facteur-start-up-'));
});

afterEach(() => rm(base, { recursive: true, force: true }));

/** `facteur start`, its console ended at once (no one at a terminal: it stops at the end of its input). */
const start = (env: Record<string, string>): Promise<Run> => runFacteur(['start'], { LOG_LEVEL: 'silent', ...env }, '');

/** The one message a failed start printed, checked for what every such message must be. */
function refusal(result: Run): string {
  expect(result.code).toBe(1);
  expect(result.stdout).toBe('');
  expect(result.stderr).not.toMatch(STACK);
  expect(result.stderr.trim().split('\n')).toHaveLength(1);
  return result.stderr;
}

describe('a database Facteur cannot use', () => {
  it('that is down: names DATABASE_URL without its password, and says to start it or fix the setting', async () => {
    const port = await freePort();
    const said = refusal(await start({ FACTEUR_DATA_DIR: base, DATABASE_URL: `postgres://facteur:s3cr3t-pw@127.0.0.1:${port}/facteur` }));
    expect(said).toContain(`DATABASE_URL (postgres://facteur@127.0.0.1:${port}/facteur)`);
    expect(said).not.toContain('s3cr3t-pw');
    expect(said).toMatch(/nothing answers at 127\.0\.0\.1:\d+/);
    expect(said).toMatch(/start PostgreSQL/i);
  });

  it('that does not exist on the server: says so, and how to make it', async () => {
    const url = (await postgres.createDatabase()).replace(/\/[^/]+$/, '/no_such_base');
    const said = refusal(await start({ FACTEUR_DATA_DIR: base, DATABASE_URL: url }));
    expect(said).toContain(`DATABASE_URL (${url})`);
    expect(said).toContain('the database "no_such_base" does not exist');
    expect(said).toContain('createdb');
  });
});

describe('the data folder', () => {
  it('is made where it does not exist, with PostgreSQL too (it holds the PDFs, the mail folders and the service file)', async () => {
    const dataDir = path.join(base, 'new', 'data');
    const result = await start({ FACTEUR_DATA_DIR: dataDir, DATABASE_URL: await postgres.createDatabase(), FACTEUR_DEMO: 'true' });
    expect({ code: result.code, stderr: result.stderr }).toEqual({ code: 0, stderr: '' });
    expect(await readdir(dataDir)).toContain('mail');
  });

  it('that cannot be made: names the folder, why, and what to do', async () => {
    await writeFile(path.join(base, 'a-file'), 'not a folder');
    const dataDir = path.join(base, 'a-file', 'data');
    const said = refusal(await start({ FACTEUR_DATA_DIR: dataDir, DATABASE_URL: await postgres.createDatabase() }));
    expect(said).toContain(`FACTEUR_DATA_DIR (${dataDir})`);
    expect(said).toContain(`${path.join(base, 'a-file')} is a file`);
    expect(said).toMatch(/point FACTEUR_DATA_DIR at/);
  });

  describe('on a read-only file system', () => {
    let readOnly: string;

    beforeEach(async () => {
      readOnly = path.join(base, 'ro');
      await mkdir(readOnly);
      await run('mount', ['-t', 'tmpfs', '-o', 'ro,size=1m', 'tmpfs', readOnly]).catch((error: Error) => {
        throw new Error(`this test mounts a read-only tmpfs, which needs root (as npm test runs): ${error.message}`);
      });
    });

    afterEach(async () => {
      await run('umount', [readOnly]);
    });

    for (const store of ['lowdb', 'PostgreSQL']) {
      it(`names the folder and what to do, not a raw EROFS (${store})`, async () => {
        const env = { FACTEUR_DATA_DIR: readOnly, ...(store === 'PostgreSQL' ? { DATABASE_URL: await postgres.createDatabase() } : {}) };
        for (const command of [['start'], ['push'], ['ask', '--as', 'awa@example.cm', 'factures']]) {
          const said = refusal(await runFacteur(command, { LOG_LEVEL: 'silent', ...env }, ''));
          expect(said).toContain(`FACTEUR_DATA_DIR (${readOnly}) is on a read-only file system`);
          expect(said).toMatch(/point FACTEUR_DATA_DIR at a folder Facteur can write/);
          expect(said).not.toContain('EROFS');
        }
      });
    }
  });
});

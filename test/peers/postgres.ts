/**
 * A real, private PostgreSQL for tests: Debian's server binaries, a cluster initialised in a
 * fresh temp dir, started on 127.0.0.1 and a free high port with its socket in that dir, never
 * the system's cluster. See /work/shared/postgres-testing.md for how each step was found.
 *
 * initdb and postgres refuse to run as root: as root (CI), they run as the `postgres` user the
 * package creates, in a dir it owns. `fsync=off` unless asked for: a test cluster has nothing to
 * keep, and a benchmark asks for it to time writes as a server would make them.
 */
import { execFile } from 'node:child_process';
import { chmod, chown, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir, userInfo } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { freePort } from './dovecot.js';
import { postgresBin } from './programs.js';

const run = promisify(execFile);
const HOST = '127.0.0.1';

export interface Postgres {
  port: number;
  /** `postgres://facteur@127.0.0.1:PORT/NAME`: a database of its own for each caller. */
  createDatabase(name?: string): Promise<string>;
  /** `pg_ctl stop`: `fast` ends sessions cleanly, `immediate` is a crash. */
  stop(mode?: 'fast' | 'immediate'): Promise<void>;
  /** Starts again on the same port and data. */
  start(): Promise<void>;
  /** stop() then remove the temp dir. */
  destroy(): Promise<void>;
}

export async function startPostgres(options: { fsync?: boolean } = {}): Promise<Postgres> {
  const bin = postgresBin();
  if (!bin) throw new Error('PostgreSQL is not installed (no /usr/lib/postgresql/*/bin/initdb): apt-get install postgresql');
  const dir = await mkdtemp(path.join(tmpdir(), 'facteur-pg-'));
  const data = path.join(dir, 'data');
  const asRoot = userInfo().uid === 0;
  if (asRoot) {
    const { stdout } = await run('id', ['-u', 'postgres']);
    const { stdout: group } = await run('id', ['-g', 'postgres']);
    await chown(dir, Number(stdout.trim()), Number(group.trim()));
  }
  await chmod(dir, 0o700);
  // As the `postgres` user when root; `su` takes one command line, so every argument is quoted.
  const as = (command: string, args: string[]) => {
    const line = [path.join(bin, command), ...args].map((a) => `'${a.replaceAll("'", "'\\''")}'`).join(' ');
    return asRoot ? run('su', ['postgres', '-s', '/bin/sh', '-c', line]) : run(path.join(bin, command), args);
  };
  await as('initdb', ['-D', data, '-U', 'facteur', '--auth=trust', '-E', 'UTF8', '--locale=C.UTF-8']);
  const port = await freePort();
  const start = () =>
    as('pg_ctl', [
      '-D',
      data,
      '-o',
      `-p ${port} -k ${dir} -c listen_addresses=${HOST} -c fsync=${options.fsync ? 'on' : 'off'} -c max_connections=200`,
      '-l',
      path.join(dir, 'log'),
      '-w',
      'start',
    ]);
  const stop = (mode: 'fast' | 'immediate' = 'fast') => as('pg_ctl', ['-D', data, '-m', mode, '-w', 'stop']);
  await start();
  let databases = 0;
  return {
    port,
    async createDatabase(name = `facteur_${++databases}_${process.pid}`) {
      const admin = new pg.Client({ host: HOST, port, user: 'facteur', database: 'postgres' });
      await admin.connect();
      try {
        await admin.query(`CREATE DATABASE "${name}"`);
      } finally {
        await admin.end();
      }
      return `postgres://facteur@${HOST}:${port}/${name}`;
    },
    async stop(mode) {
      await stop(mode);
    },
    async start() {
      await start();
    },
    async destroy() {
      await stop('immediate').catch(() => {});
      await rm(dir, { recursive: true, force: true });
    },
  };
}

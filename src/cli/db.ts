import path from 'node:path';
import type { Config } from '../config.js';
import { createLogger } from '../log.js';
import { copyStore } from '../store/copy.js';
import { LowdbStore } from '../store/lowdb/store.js';
import { PostgresStore } from '../store/postgres/store.js';
import { err, out, progressBar, type ExitCode } from './terminal.js';

/** `facteur db migrate`: brings DATABASE_URL's schema up to date (what every start does first), and says what it applied. */
export async function migrate(config: Config): Promise<ExitCode> {
  if (!config.databaseUrl) {
    err('facteur db migrate: DATABASE_URL is not set; the data folder needs no migration\n');
    return 2;
  }
  const log = createLogger(config.logLevel);
  const store = await PostgresStore.open(config.databaseUrl, log, { migrate: false });
  try {
    const applied = await store.migrate(log);
    out(applied.length === 0 ? 'The database schema is up to date.\n' : `Applied: ${applied.join(', ')}\n`);
    return 0;
  } finally {
    await store.close();
  }
}

/**
 * `facteur db copy --to postgres://…`: the data folder's records into PostgreSQL. It reads
 * the folder without taking it (a running Facteur keeps writing; stop it first so that the
 * copy is whole, or run the copy again: records already there are replaced, not doubled).
 * Exit code 1 when the database ends up with fewer records of a kind than the folder.
 */
export async function copy(config: Config, to: string | undefined): Promise<ExitCode> {
  if (!to || !/^postgres(ql)?:\/\//.test(to)) {
    err('facteur db copy: --to takes the database to copy into, postgres://user:password@host:port/database\n');
    return 2;
  }
  const from = await LowdbStore.open(path.join(config.dataDir, 'db.json'), { readOnly: true });
  const into = await PostgresStore.open(to, createLogger(config.logLevel), { copying: true });
  try {
    const bar = progressBar();
    const report = await copyStore(from, config.dataDir, into, bar && ((done, total, what) => bar(done, total, what)));
    const rows = Object.entries(report.counts).map(
      ([kind, { source, destination }]) => `  ${kind.padEnd(14)} ${String(source).padStart(9)} → ${String(destination).padStart(9)}`,
    );
    out(`Copied ${config.dataDir} into the database (folder → database):\n${rows.join('\n')}\n`);
    if (report.short.length > 0) {
      err(
        `facteur db copy: the database holds fewer ${report.short.join(', ')} than the folder; run the copy again (until then, nothing runs on the database)\n`,
      );
      return 1;
    }
    out('Every record is there. Set DATABASE_URL to this database to run Facteur on it.\n');
    return 0;
  } finally {
    await into.close();
    await from.close();
  }
}

import path from 'node:path';
import type { Logger } from '../log.js';
import { LowdbStore } from './lowdb/store.js';
import type { Store } from './store.js';
import { timedStore } from './timed.js';

/** Where the data is: PostgreSQL when a URL is given, else the lowdb files of the data folder. */
export interface StoreLocation {
  dataDir: string;
  databaseUrl: string | null;
}

/**
 * Opens the store. `readOnly` is for the commands that only look (the delivery log, the
 * failed folder): a data folder that a running `facteur start` holds may then be read. A
 * PostgreSQL database is shared by nature, so it needs no such care.
 */
export async function openStore(where: StoreLocation, log: Logger, options: { readOnly?: boolean } = {}): Promise<Store> {
  // pg and Kysely are loaded only for a database (~0.1 s, Kysely alone some 250 modules).
  const store = where.databaseUrl
    ? await (await import('./postgres/store.js')).PostgresStore.open(where.databaseUrl, log)
    : await LowdbStore.open(path.join(where.dataDir, 'db.json'), options);
  return timedStore(store);
}

import path from 'node:path';
import { Assistant } from './assistant/assistant.js';
import { demoData } from './billing/demo.js';
import type { Config } from './config.js';
import { InvoiceDocuments } from './documents/index.js';
import { createLogger, type Logger } from './log.js';
import type { Mailer } from './outbound/mail.js';
import { outboxMailer } from './outbound/mailer.js';
import { LowdbStore } from './store/lowdb-store.js';
import type { Store } from './store/store.js';
import { Catalog } from './templates/catalog.js';

/** Everything a command needs, built once from the configuration. */
export interface App {
  config: Config;
  log: Logger;
  store: Store;
  catalog: Catalog;
  assistant: Assistant;
  mailer: Mailer;
  close(): Promise<void>;
}

/** Where things live under the data folder. */
export function dataPaths(dataDir: string) {
  return {
    db: path.join(dataDir, 'db.json'),
    out: path.join(dataDir, 'out'),
    outbox: path.join(dataDir, 'mail', 'outbox'),
    inbox: path.join(dataDir, 'mail', 'inbox'),
  };
}

export async function createApp(config: Config, log: Logger = createLogger(config.logLevel)): Promise<App> {
  const paths = dataPaths(config.dataDir);
  const store = await LowdbStore.open(paths.db);
  if (config.demo && store.customers().length === 0) {
    await store.save(demoData());
    log.info({ file: paths.db }, 'empty store: demo customers and invoices added (set FACTEUR_DEMO=false to start empty)');
  }
  const catalog = await Catalog.load(config.templatesDir);
  const documents = await InvoiceDocuments.create({ dataDir: config.dataDir, templatesDir: config.templatesDir });
  const mailer = outboxMailer(config.mailFrom, paths.outbox);
  const assistant = new Assistant({ store, documents, catalog, mailer, log, pageSize: config.pageSize, now: () => new Date() });
  return { config, log, store, catalog, assistant, mailer, close: () => mailer.close() };
}

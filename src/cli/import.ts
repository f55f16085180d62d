import { prepareStore } from '../app.js';
import type { Config } from '../config.js';
import { importInvoices } from '../import/import.js';
import { formatReport } from '../import/report.js';
import { createLogger } from '../log.js';
import { out, type ExitCode } from './terminal.js';

/**
 * Import opens the store alone: no demo data is added to a store that is about to get real
 * invoices. It still meets the push first, so what it imports counts as new and is announced.
 */
export async function importFile(config: Config, file: string): Promise<ExitCode> {
  const log = createLogger(config.logLevel);
  const store = await prepareStore(config, log, { seedDemo: false });
  try {
    const report = await importInvoices(store, file, { maxBytes: config.importMaxBytes });
    log.info({ file, created: report.created, updated: report.updated, rejected: report.rejected.length }, 'import finished');
    out(`${formatReport(report)}\n`);
    return 0;
  } finally {
    await store.close();
  }
}

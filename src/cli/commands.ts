import { createApp, dataPaths } from '../app.js';
import { runConsole } from '../channels/console/console.js';
import { saveAttachments } from '../channels/files.js';
import { renderText } from '../channels/text.js';
import type { Config } from '../config.js';
import { importInvoices } from '../import/import.js';
import { formatReport } from '../import/report.js';
import { createLogger } from '../log.js';
import { LowdbStore } from '../store/lowdb-store.js';

/** A command's result: what to print and the process exit code. */
export type ExitCode = 0 | 1 | 2;

export async function start(config: Config): Promise<ExitCode> {
  const app = await createApp(config);
  try {
    await runConsole({
      assistant: app.assistant,
      store: app.store,
      catalog: app.catalog,
      speakAs: config.consoleAs,
      outDir: dataPaths(config.dataDir).out,
      input: process.stdin,
      output: process.stdout,
    });
    return 0;
  } finally {
    await app.close();
  }
}

export async function ask(config: Config, as: string, text: string, outDir: string | undefined): Promise<ExitCode> {
  const app = await createApp(config);
  try {
    const customer = app.store.customerByAddress(as);
    if (!customer) {
      process.stderr.write(`facteur ask: no customer has the address ${as}\n`);
      return 1;
    }
    const reply = await app.assistant.handle({ customerId: customer.id, text, conversation: `cli:${customer.id}` });
    process.stdout.write(`${renderText(reply)}\n`);
    for (const file of await saveAttachments(reply.attachments, outDir ?? dataPaths(config.dataDir).out)) {
      process.stdout.write(`${app.catalog.t(reply.locale, 'console.saved', { path: file })}\n`);
    }
    return reply.outcome === 'answered' ? 0 : 1;
  } finally {
    await app.close();
  }
}

/** Import opens the store alone: no demo data is added to a store that is about to get real invoices. */
export async function importFile(config: Config, file: string): Promise<ExitCode> {
  const log = createLogger(config.logLevel);
  const store = await LowdbStore.open(dataPaths(config.dataDir).db);
  const report = await importInvoices(store, file);
  log.info({ file, created: report.created, updated: report.updated, rejected: report.rejected.length }, 'import finished');
  process.stdout.write(`${formatReport(report)}\n`);
  return 0;
}

import { prepareStore } from '../app.js';
import type { Config } from '../config.js';
import { PdfReader, READER_LIMITS } from '../documents/reading/reader.js';
import { importInvoices } from '../import/import.js';
import { formatReport } from '../import/report.js';
import { importThroughService } from '../http/client.js';
import { readServiceFile } from '../http/service-file.js';
import { createLogger } from '../log.js';
import { Catalog } from '../templates/catalog.js';
import { out, type ExitCode } from './terminal.js';
import { operatorWords } from './words.js';

/**
 * While `facteur start` runs, the file is sent to it (the service file in the data folder says
 * where). Otherwise import opens the store alone: no demo data is added to a store that is
 * about to get real invoices. It still meets the push first, so what it imports counts as new
 * and is announced.
 */
export async function importFile(config: Config, file: string, pdfDir?: string): Promise<ExitCode> {
  const log = createLogger(config.logLevel);
  const say = operatorWords(await Catalog.load(config.templatesDir));
  // A running service holds the data folder: the file goes to it, and the report comes back.
  const service = await readServiceFile(config.dataDir);
  const viaService = service
    ? await importThroughService(service, file, config.importMaxBytes, pdfDir ? { dir: pdfDir, maxBytes: config.pdfs.maxBytes } : undefined)
    : null;
  if (viaService) {
    log.info(
      { file, service: service!.url, created: viaService.created, updated: viaService.updated, rejected: viaService.rejected.length },
      'import sent to the running Facteur',
    );
    out(`${formatReport(viaService, say)}\n`);
    return 0;
  }
  const store = await prepareStore(config, log, { seedDemo: false });
  const reader = new PdfReader({ ...READER_LIMITS, timeoutMs: config.pdfs.readTimeoutMs });
  try {
    const report = await importInvoices(store, file, {
      maxBytes: config.importMaxBytes,
      pdfs: { maxBytes: config.pdfs.maxBytes, reader, ...(pdfDir ? { dir: pdfDir } : {}) },
    });
    log.info({ file, created: report.created, updated: report.updated, rejected: report.rejected.length }, 'import finished');
    out(`${formatReport(report, say)}\n`);
    return 0;
  } finally {
    await reader.close();
    await store.close();
  }
}

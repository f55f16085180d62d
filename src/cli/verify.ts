import { stat, readFile } from 'node:fs/promises';
import type { Config } from '../config.js';
import { InvoiceDocuments } from '../documents/index.js';
import { PdfReader, READER_LIMITS } from '../documents/reading/reader.js';
import { createLogger } from '../log.js';
import { openStore } from '../store/open.js';
import { describeVerdict } from '../verification/words.js';
import { Verifier } from '../verification/verify.js';
import { err, out, type ExitCode } from './terminal.js';

/**
 * `facteur verify FILE.pdf`: whether a copy is a PDF Facteur holds or sent, and which invoice;
 * otherwise what in it differs from ours. Exit 0 for a genuine copy, 1 for any other. It only
 * reads the store, so it runs while `facteur start` does.
 */
export async function verifyFile(config: Config, file: string): Promise<ExitCode> {
  const size = await stat(file).then(
    (info) => info.size,
    () => null,
  );
  if (size === null) {
    err(`facteur verify: ${file} cannot be read\n`);
    return 2;
  }
  const log = createLogger(config.logLevel);
  const store = await openStore(config, log, { readOnly: true });
  const reader = new PdfReader({ ...READER_LIMITS, timeoutMs: config.pdfs.readTimeoutMs });
  try {
    const documents = await InvoiceDocuments.create({ dataDir: config.dataDir, templatesDir: config.templatesDir, issued: store, source: config.pdfs.source });
    const verifier = new Verifier({ store, documents, reader, maxBytes: config.pdfs.maxBytes, providerName: documents.brand.name });
    // A file over the limit is refused unread, as it is from a customer.
    const verdict =
      size > config.pdfs.maxBytes
        ? { kind: 'unreadable' as const, sha256: '', reason: `is more than the ${Math.round(config.pdfs.maxBytes / 1048576)} MB allowed (FACTEUR_PDF_MAX_MB)` }
        : await verifier.verify(await readFile(file));
    out(`${describeVerdict(verdict, config.push.timezone)}\n`);
    return verdict.kind === 'genuine' ? 0 : 1;
  } finally {
    await reader.close();
    await store.close();
  }
}

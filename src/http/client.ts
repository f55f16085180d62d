import { ImportError, folderPdfsFor, readBytes, type ImportReport } from '../import/import.js';
import { ImportEnvelope } from './envelope.js';
import type { ServiceFile } from './service-file.js';
import type { Suppression } from '../store/store.js';
import { MINUTE_MS } from '../time.js';

/**
 * `facteur import FILE` while `facteur start` runs: the file's bytes go to the service, which
 * imports them as the command would and answers with the same report. Null when the service
 * cannot be reached (it stopped without removing its file): the command then opens the store itself.
 */
/** An import of a million invoices takes under a minute; past this, something is wrong. */
const IMPORT_TIMEOUT_MS = 10 * MINUTE_MS;

function isReport(body: Partial<ImportReport>): body is ImportReport {
  return [body.created, body.updated, body.unchanged].every((n) => typeof n === 'number') && Array.isArray(body.rejected) && Array.isArray(body.notes);
}

export async function importThroughService(
  service: ServiceFile,
  file: string,
  maxBytes: number,
  pdfs?: { dir: string; maxBytes: number },
): Promise<ImportReport | null> {
  const bytes = await readBytes(file, maxBytes);
  // With --pdfs, the PDFs of the file's invoices go with it, for the service to check and keep with them.
  const sent = pdfs ? ImportEnvelope.write(bytes, await folderPdfsFor(file, bytes, pdfs.dir, pdfs.maxBytes)) : bytes;
  if (sent.length > maxBytes)
    throw new ImportError(
      file,
      `and its PDFs are more than the ${Math.round(maxBytes / 1048576)} MB the running Facteur takes at once (FACTEUR_IMPORT_MAX_MB): import them in several files`,
    );
  let response: Response;
  try {
    response = await fetch(`${service.url}/api/v1/imports?name=${encodeURIComponent(file)}${pdfs ? '&pdfs=1' : ''}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${service.key}`, 'content-type': 'application/octet-stream' },
      body: typeof sent === 'string' ? sent : new Uint8Array(sent),
      signal: AbortSignal.timeout(IMPORT_TIMEOUT_MS),
    });
  } catch (error) {
    if ((error as Error).name === 'TimeoutError')
      throw new Error(
        `the running Facteur at ${service.url} did not answer the import within ${IMPORT_TIMEOUT_MS / MINUTE_MS} minutes; its log says how far it went`,
        { cause: error },
      );
    return null;
  }
  const body = (await response.json().catch(() => ({}))) as Partial<ImportReport> & { file?: string; problem?: string; message?: string };
  if (response.ok && isReport(body)) return body;
  if (body.file !== undefined && body.problem !== undefined) throw new ImportError(body.file, body.problem);
  throw new Error(`the running Facteur at ${service.url} refused the import (${response.status}): ${body.message ?? 'no reason given'}`);
}

/**
 * `facteur suppressions --lift` while `facteur start` runs: the lift goes to the service. What was
 * lifted, undefined when the address was not suppressed, null when the service cannot be reached
 * (the command then opens the store itself).
 */
export async function liftThroughService(service: ServiceFile, address: string): Promise<Suppression | undefined | null> {
  let response: Response;
  try {
    response = await fetch(`${service.url}/api/v1/suppressions/${encodeURIComponent(address)}`, {
      method: 'DELETE',
      headers: { authorization: `Bearer ${service.key}` },
      signal: AbortSignal.timeout(30_000),
    });
  } catch {
    return null;
  }
  if (response.status === 404) return undefined;
  const body = (await response.json().catch(() => ({}))) as { lifted?: Suppression; message?: string };
  if (response.ok && body.lifted) return body.lifted;
  throw new Error(`the running Facteur at ${service.url} refused the lift (${response.status}): ${body.message ?? 'no reason given'}`);
}

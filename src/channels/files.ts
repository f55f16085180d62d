import { createWriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { Attachment } from '../documents/attachment.js';
import type { Deliveries } from '../notifications/deliveries.js';
import { ActionableError } from '../faults.js';

/** Files could not be written where the operator asked (`--out` names a file, a full disk, a dangling link); the message says which and why. */
export class SaveError extends ActionableError {
  override name = 'SaveError';
}

/** Writes a reply's files into `dir` (streamed, so a large ZIP never sits in memory) and returns their paths. */
export async function saveAttachments(attachments: Attachment[], dir: string): Promise<string[]> {
  if (attachments.length === 0) return [];
  await mkdir(dir, { recursive: true }).catch((error: NodeJS.ErrnoException) => {
    throw new SaveError(`cannot write files to ${dir}: ${reason(error)}`);
  });
  const paths: string[] = [];
  for (const attachment of attachments) {
    const target = path.join(dir, path.basename(attachment.filename));
    await pipeline(await attachment.open(), createWriteStream(target)).catch((error: NodeJS.ErrnoException) => {
      throw new SaveError(`cannot write ${target}: ${reason(error)}`);
    });
    paths.push(target);
  }
  return paths;
}

function reason(error: NodeJS.ErrnoException): string {
  const known: Record<string, string> = {
    EEXIST: 'it is a file, not a folder',
    ENOTDIR: 'a part of that path is a file, not a folder',
    ENOENT: 'that path leads nowhere (a link to nothing?)',
    ENOSPC: 'the disk is full',
    EDQUOT: 'the disk quota is used up',
    EACCES: 'permission denied',
    EROFS: 'the file system is read-only',
  };
  return known[error.code ?? ''] ?? error.message;
}

/**
 * Writes a reply's files for the person at the console (the console chat, `facteur ask`) and
 * records them as a delivery of the console's, by the SHA-256 of each file: a copy handed on
 * from there is recognised later (`facteur verify`), as one sent by mail or Discord is.
 */
export async function handOver(
  attachments: Attachment[],
  dir: string,
  to: { customerId: string; deliveries: Pick<Deliveries, 'handedOver'> },
): Promise<string[]> {
  const paths = await saveAttachments(attachments, dir);
  const files = attachments.flatMap((attachment) => attachment.files);
  if (files.length === 0) return paths;
  const invoices = [...new Set(files.flatMap((file) => file.invoice ?? []))];
  await to.deliveries.handedOver({ customerId: to.customerId, invoices, channel: 'console', recipient: dir, reason: 'request', attachPdf: true, files });
  return paths;
}

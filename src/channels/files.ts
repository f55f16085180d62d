import { createWriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { Attachment } from '../documents/attachment.js';

/** Files could not be written where the operator asked (`--out` names a file, a full disk, a dangling link); the message says which and why. */
export class SaveError extends Error {
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

/** The reply's files as a channel carrying at most `limit` bytes a message needs them: a ZIP that can be split is, into ZIPs within the limit. */
export async function splitToFit(attachments: Attachment[], limit: number): Promise<Attachment[]> {
  const files: Attachment[] = [];
  for (const attachment of attachments) files.push(...(attachment.size > limit && attachment.split ? await attachment.split(limit) : [attachment]));
  return files;
}

/**
 * Files in order, grouped into messages of at most `limit` bytes and `maxFiles` files. A
 * file larger than `limit` by itself fits no message: it is set apart in `tooLarge`, for
 * the channel to say so rather than send what the other end would refuse.
 */
export function groupBySize<T>(files: readonly T[], sizeOf: (file: T) => number, limit: number, maxFiles = Infinity): { groups: T[][]; tooLarge: T[] } {
  const groups: T[][] = [];
  const tooLarge: T[] = [];
  let current: T[] = [];
  let total = 0;
  for (const file of files) {
    const size = sizeOf(file);
    if (size > limit) {
      tooLarge.push(file);
      continue;
    }
    if (current.length > 0 && (current.length >= maxFiles || total + size > limit)) {
      groups.push(current);
      current = [];
      total = 0;
    }
    current.push(file);
    total += size;
  }
  if (current.length > 0) groups.push(current);
  return { groups, tooLarge };
}

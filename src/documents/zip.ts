import { once } from 'node:events';
import type { Readable } from 'node:stream';
import { ZipArchive } from 'archiver';

export interface ZipEntry {
  /** The name inside the archive. */
  name: string;
  /** The file on disk to copy in. */
  file: string;
}

/**
 * How many entries may wait in archiver's queue. `file()` has no backpressure: every call
 * queues at once, so a ZIP of a thousand invoices is fed a few entries at a time instead.
 */
const QUEUED_ENTRIES = 8;

/**
 * A ZIP of files already on disk, as a stream that is written while it is read: the
 * archive is never whole in memory, and each file is only opened when its turn comes.
 * Entries are stored, not deflated: PDFs are compressed already, and deflating them
 * again costs several times the time for a few percent.
 *
 * Failures (a file gone, a read error) are emitted as `error` on the returned stream.
 */
export function zipFiles(entries: readonly ZipEntry[]): Readable {
  // One `stat` at a time keeps the entries in the order given; with more they would
  // enter the archive in the order the stats happen to finish.
  const archive = new ZipArchive({ store: true, statConcurrency: 1 });
  // archiver only warns about a file it cannot stat, and leaves it out of the archive:
  // a ZIP silently missing an invoice is a failure.
  archive.on('warning', (error) => archive.destroy(error));
  // A reader that gives up destroys the stream: stop reading the files too.
  archive.on('close', () => archive.abort());
  // Whatever stops the feeding (an error, the reader leaving) has already reached the
  // reader through the stream: emitting it again could reach nobody and crash the process.
  addGradually(archive, entries).catch(() => archive.abort());
  return archive;
}

async function addGradually(archive: ZipArchive, entries: readonly ZipEntry[]): Promise<void> {
  const closed = new AbortController();
  archive.once('close', () => closed.abort());
  let queued = 0;
  archive.on('entry', () => queued--);
  for (const { name, file } of entries) {
    while (queued >= QUEUED_ENTRIES) await once(archive, 'entry', { signal: closed.signal });
    archive.file(file, { name });
    queued++;
  }
  await archive.finalize();
}

/**
 * What a stored ZIP adds to its files, in bytes, rounded up: per entry a local header, a
 * data descriptor and a central directory record (each about 30 to 46 bytes plus the name),
 * and once the end-of-directory record.
 */
const ENTRY_OVERHEAD = 128;
const ARCHIVE_OVERHEAD = 128;

/**
 * Cuts `entries`, in order, into runs whose stored ZIP stays within `maxBytes`, for a
 * channel that cannot carry the whole archive (a mail size limit). Sizes are the files' own,
 * since entries are stored as they are. A file too large for any ZIP gets a run of its own.
 */
export function zipGroups<T extends { name: string; size: number }>(entries: readonly T[], maxBytes: number): T[][] {
  const groups: T[][] = [];
  let current: T[] = [];
  let total = ARCHIVE_OVERHEAD;
  for (const entry of entries) {
    const cost = entry.size + ENTRY_OVERHEAD + 2 * Buffer.byteLength(entry.name);
    if (current.length > 0 && total + cost > maxBytes) {
      groups.push(current);
      current = [];
      total = ARCHIVE_OVERHEAD;
    }
    current.push(entry);
    total += cost;
  }
  if (current.length > 0) groups.push(current);
  return groups;
}

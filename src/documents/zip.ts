import { once } from 'node:events';
import { readFile } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import type { ZipArchive } from 'archiver';
import { FileChanged, sha256Of } from './file-hashes.js';

export interface ZipEntry {
  /** The name inside the archive. */
  name: string;
  /** The file on disk to copy in. */
  file: string;
  /** The SHA-256 recorded of its bytes: a file that no longer has it fails the ZIP (FileChanged). */
  sha256: string;
}

/**
 * How many files are read ahead of the archive, so that the disk's latency overlaps and a
 * thousand small PDFs do not cost a thousand waits one after the other.
 */
const READ_AHEAD = 8;

/**
 * How many entries may wait in archiver's queue. `append()` has no backpressure: every call
 * queues at once, and a file's bytes go into the archive whether or not the reader keeps up.
 * So a ZIP of a thousand invoices is fed a few entries at a time, and feeding pauses while
 * the archive holds more than it should (`writableNeedDrain`) until the reader takes it.
 */
const QUEUED_ENTRIES = 8;

/**
 * A ZIP of files already on disk, as a stream that is written while it is read: the
 * archive is never whole in memory, and each file is only read shortly before its turn.
 * Entries are stored, not deflated: PDFs are compressed already, and deflating them
 * again costs several times the time for a few percent.
 *
 * Failures (a file gone, a read error, bytes changed since they were hashed) are emitted as `error` on the returned stream.
 * archiver is loaded with the first ZIP, so that a command that sends none does not load it.
 */
export async function zipFiles(entries: readonly ZipEntry[]): Promise<Readable> {
  const archive = new (await import('archiver')).ZipArchive({ store: true });
  // A reader that gives up destroys the stream: stop reading the files too.
  const closed = new AbortController();
  archive.once('close', () => {
    closed.abort();
    archive.abort();
  });
  addGradually(archive, entries, closed.signal).catch((error: unknown) => {
    // A file that cannot be read fails the stream (a ZIP silently missing an invoice is a
    // failure), unless the reader has left: then nobody listens, and emitting it could only
    // crash the process.
    if (!closed.signal.aborted) archive.destroy(error as Error);
  });
  return archive;
}

async function addGradually(archive: ZipArchive, entries: readonly ZipEntry[], signal: AbortSignal): Promise<void> {
  const reads: Promise<Buffer>[] = [];
  let next = 0;
  const readNext = () => {
    const entry = entries[next++];
    if (!entry) return;
    const read = readFile(entry.file, { signal });
    read.catch(() => {}); // awaited in its turn below; until then, not an unhandled rejection
    reads.push(read);
  };
  for (let i = 0; i < READ_AHEAD; i++) readNext();
  let queued = 0;
  archive.on('entry', () => queued--);
  for (const { name, file, sha256 } of entries) {
    // Held in memory at most: READ_AHEAD files being read and QUEUED_ENTRIES in the archive.
    const bytes = await reads.shift()!;
    // Hashed as it is read, once, so that the ZIP never carries bytes the delivery log does not name.
    if (sha256Of(bytes) !== sha256) throw new FileChanged(file, sha256);
    readNext();
    while (queued >= QUEUED_ENTRIES) await once(archive, 'entry', { signal });
    archive.append(bytes, { name });
    queued++;
    if (archive.writableNeedDrain) await once(archive, 'drain', { signal });
  }
  await archive.finalize();
}

/**
 * What a stored ZIP adds to its files, in bytes, rounded up: per entry a local header and a
 * central directory record (about 30 and 46 bytes, each plus the name), and once the
 * end-of-directory record.
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
    const cost = entryCost(entry);
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

/** The most bytes the stored ZIP of these files can take, known before it is written: what a channel's size limit is checked against. */
export function storedZipSize(entries: readonly { name: string; size: number }[]): number {
  return entries.reduce((total, entry) => total + entryCost(entry), ARCHIVE_OVERHEAD);
}

function entryCost(entry: { name: string; size: number }): number {
  return entry.size + ENTRY_OVERHEAD + 2 * Buffer.byteLength(entry.name);
}

import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, type BigIntStats } from 'node:fs';
import { appendFile, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { pipeline, type Readable, Transform } from 'node:stream';

/** SHA-256s of files remembered, by path: enough for every invoice of a large provider, ~200 bytes each. */
const HASHES_KEPT = 50_000;

const SHA256 = /^[0-9a-f]{64}$/;

export function sha256Of(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** A file whose bytes are not those whose SHA-256 was recorded for the message sending it: the send fails rather than record another file. */
export class FileChanged extends Error {
  override name = 'FileChanged';
  constructor(file: string, sha256: string) {
    super(`${file} no longer hashes to ${sha256}, recorded for the message sending it: changed on disk since, not sent`);
  }
}

/**
 * What changes with a file's bytes, short of the disk's own tools: a write changes its size or
 * times, and its change time (`ctime`) cannot be set back as the modification time can; a file
 * put in its place is another inode.
 */
function signature(info: BigIntStats): string {
  return `${info.dev}:${info.ino}:${info.size}:${info.mtimeNs}:${info.ctimeNs}`;
}

interface Known {
  signature: string;
  sha256: string;
}

/**
 * The SHA-256s of the PDFs Facteur sends, which the delivery log records, without reading
 * each file once more to hash it: a hash is kept with the file's signature (inode, size,
 * times) when the file is written or first read, here and in an append-only index in the data
 * folder, so that a fresh process's ZIP of a thousand cached PDFs reads only the PDFs. A
 * file whose signature changed (edited by hand, replaced) is hashed again. A change the
 * signature cannot show (two writes within one tick of a coarse file-system clock) is caught
 * as the bytes are sent: `verifiedRead` and the ZIP hash what they send and fail on a
 * difference, so that no message carries bytes recorded under another hash.
 */
export class FileHashes {
  private readonly hashes = new Map<string, Known>();
  private loaded: Promise<void> | undefined;
  /** Index lines not written yet, and the write under way: one at a time, each taking every line waiting. */
  private unwritten: string[] = [];
  private writing: Promise<void> | undefined;

  constructor(private readonly indexFile: string) {}

  /** The SHA-256 of a file and its size, read from the file only when its signature is not the one kept. */
  async of(file: string): Promise<{ size: number; sha256: string }> {
    await this.load();
    const before = await stat(file, { bigint: true });
    const known = this.hashes.get(file);
    if (known?.signature === signature(before)) return { size: Number(before.size), sha256: known.sha256 };
    const bytes = await readFile(file);
    const sha256 = sha256Of(bytes);
    // Kept only when nothing wrote to the file while it was read.
    if (signature(await stat(file, { bigint: true })) === signature(before)) await this.keep(file, { signature: signature(before), sha256 });
    return { size: bytes.byteLength, sha256 };
  }

  /** Keeps the SHA-256 of `bytes` just written to `file`, and returns it. */
  async written(file: string, bytes: Uint8Array): Promise<string> {
    await this.load();
    const sha256 = sha256Of(bytes);
    await this.keep(file, { signature: signature(await stat(file, { bigint: true })), sha256 });
    return sha256;
  }

  /** Keeps a hash, here and in the index, written when this returns: nothing is left writing once a caller has its hash. */
  private keep(file: string, known: Known): Promise<void> {
    this.hashes.delete(file);
    this.hashes.set(file, known);
    // The oldest goes: Maps keep insertion order.
    if (this.hashes.size > HASHES_KEPT) this.hashes.delete(this.hashes.keys().next().value!);
    this.unwritten.push(`${JSON.stringify([file, known.signature, known.sha256])}\n`);
    this.writing ??= this.writeIndex();
    return this.writing;
  }

  /**
   * Appends the lines waiting to the index. It is a cache: a line lost (a full disk, a killed
   * process, another process's compaction) costs one read of that file later, so a failure is
   * dropped, and nothing is flushed to disk.
   */
  private async writeIndex(): Promise<void> {
    try {
      while (this.unwritten.length > 0) {
        const lines = this.unwritten.join('');
        this.unwritten = [];
        await appendFile(this.indexFile, lines).catch(() => {});
      }
    } finally {
      // In the same turn as the last check of the lines waiting: a line kept later starts another write.
      this.writing = undefined;
    }
  }

  /** Reads the index once; a line that does not read (cut by a crash) is skipped. Rewritten with only what is kept when it grew past twice that. */
  private load(): Promise<void> {
    this.loaded ??= (async () => {
      const text = await readFile(this.indexFile, 'utf8').catch(() => '');
      let lines = 0;
      for (const line of text.split('\n')) {
        if (line === '') continue;
        lines++;
        const entry = parsed(line);
        if (!entry) continue;
        this.hashes.delete(entry[0]);
        this.hashes.set(entry[0], { signature: entry[1], sha256: entry[2] });
      }
      while (this.hashes.size > HASHES_KEPT) this.hashes.delete(this.hashes.keys().next().value!);
      if (lines > 2 * HASHES_KEPT) await this.compact();
    })();
    return this.loaded;
  }

  private async compact(): Promise<void> {
    const temp = `${this.indexFile}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
    const lines = [...this.hashes].map(([file, known]) => `${JSON.stringify([file, known.signature, known.sha256])}\n`);
    await writeFile(temp, lines.join(''), { flag: 'wx' })
      .then(() => rename(temp, this.indexFile))
      .catch(() => rm(temp, { force: true }));
  }
}

function parsed(line: string): [string, string, string] | undefined {
  try {
    const entry: unknown = JSON.parse(line);
    if (Array.isArray(entry) && entry.length === 3 && entry.every((part) => typeof part === 'string') && SHA256.test(entry[2] as string)) {
      return entry as [string, string, string];
    }
  } catch {
    // a line cut short by a crash, or merged with the next
  }
  return undefined;
}

/** The file's bytes, as a stream that fails at its end, rather than end, when they do not hash to `sha256` (see FileChanged). */
export function verifiedRead(file: string, sha256: string): Readable {
  const hash = createHash('sha256');
  const check = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      hash.update(chunk);
      done(null, chunk);
    },
    flush(done) {
      done(hash.digest('hex') === sha256 ? null : new FileChanged(file, sha256));
    },
  });
  return pipeline(createReadStream(file), check, () => {});
}

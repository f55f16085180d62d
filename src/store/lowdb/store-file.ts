import { existsSync } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { Low } from 'lowdb';
import { JSONFile } from 'lowdb/node';
import type { z } from 'zod';
import { StoreError, StoreWriteError } from '../store.js';

/**
 * One lowdb JSON file of the store, checked against its schema when opened and written
 * atomically (lowdb's steno writes a temp file and renames it).
 *
 * lowdb serialises the whole file on every `write()`; steno coalesces the disk writes
 * but not that work. So writes are coalesced here: while one is under way, every change
 * made meanwhile waits for a single next write that carries them all.
 *
 * The adapter is an explicit `JSONFile`, not `JSONFilePreset`, which silently keeps
 * everything in memory when NODE_ENV=test.
 */
export class StoreFile<T> {
  private running: Promise<void> | null = null;
  private next: Promise<void> | null = null;

  private constructor(
    readonly file: string,
    private readonly db: Low<T>,
    private readonly schema: z.ZodType<T>,
  ) {}

  /**
   * Opens `file`, or starts from `empty` when there is none yet. A file that is not JSON or
   * does not match the schema is refused with a StoreError naming it, and never written.
   */
  static async open<T>(file: string, schema: z.ZodType<T>, empty: T): Promise<StoreFile<T>> {
    await mkdir(path.dirname(file), { recursive: true });
    const db = new Low<T>(new JSONFile<T>(file), empty);
    await read(db, file, schema);
    return new StoreFile(file, db, schema);
  }

  get data(): T {
    return this.db.data;
  }

  /**
   * Writes the file with every change made so far; resolves once they are all on disk. A
   * failed write (a full disk) rejects for the callers it carried; their changes stay in
   * memory and go out with the next write, so none is dropped behind another's back.
   */
  write(): Promise<void> {
    if (!this.running) {
      this.running = this.db
        .write()
        .catch((error: NodeJS.ErrnoException) => this.failed(error))
        .finally(() => (this.running = null));
      return this.running;
    }
    this.next ??= this.running.then(
      () => ((this.next = null), this.write()),
      () => ((this.next = null), this.write()),
    );
    return this.next;
  }

  /** A write that did not happen leaves no half-written temp file behind, and says which file and why. */
  private async failed(error: NodeJS.ErrnoException): Promise<never> {
    await rm(tempOf(this.file), { force: true }).catch(() => {});
    throw new StoreWriteError(this.file, error);
  }
}

/** The temp file lowdb's writer (steno) writes before renaming it over the file. */
function tempOf(file: string): string {
  return path.join(path.dirname(file), `.${path.basename(file)}.tmp`);
}

async function read<T>(db: Low<T>, file: string, schema: z.ZodType<T>): Promise<void> {
  let raw: unknown;
  try {
    raw = await db.adapter.read();
  } catch (error) {
    throw new StoreError(file, `cannot be read as JSON (${(error as Error).message})`);
  }
  // lowdb would take `null`, `false` or `0` in a file for "no data yet", and overwrite it.
  if (raw === null && existsSync(file)) throw new StoreError(file, 'holds no data (null)');
  if (raw !== null) db.data = raw as T;
  const parsed = schema.safeParse(db.data);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new StoreError(file, `invalid content at ${issue.path.join('.') || 'the top level'}: ${issue.message}`);
  }
  db.data = parsed.data;
}

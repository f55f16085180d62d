import { existsSync } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { JSONFile } from 'lowdb/node';
import type { z } from 'zod';
import { StoreError, StoreWriteError } from '../store.js';

/** A change waiting for its write. */
interface Pending<T> {
  apply(draft: T): unknown;
  adopted?: (result: unknown) => void;
  resolve(result: unknown): void;
  reject(error: unknown): void;
}

/**
 * One lowdb JSON file of the store, checked against its schema when opened and written
 * atomically (lowdb's writer, steno, writes a temp file and renames it).
 *
 * Write first, then adopt: a change is made to a copy of the data (a draft), the draft is
 * written, and only once it is on disk does it become the data everyone reads. A write
 * that fails (a full disk, a read-only file system) leaves the data in memory as the file
 * on disk holds it, so that nothing read later (a message's attempts, an invoice's status)
 * says what was never written.
 *
 * lowdb serialises the whole file at every write, so writes are coalesced: changes asked
 * while one write is under way are all made to one draft, in the order asked, and go out
 * in a single next write, which they succeed or fail with together.
 *
 * The adapter is lowdb's `JSONFile`, not `JSONFilePreset`, which silently keeps everything
 * in memory when NODE_ENV=test.
 */
export class StoreFile<T extends object> {
  private queued: Pending<T>[] = [];
  private writing = false;

  private constructor(
    readonly file: string,
    private readonly adapter: JSONFile<T>,
    private committed: T,
  ) {}

  /**
   * Opens `file`, or starts from `empty` when there is none yet. A file that is not JSON or
   * does not match the schema is refused with a StoreError naming it, and never written.
   */
  static async open<T extends object>(file: string, schema: z.ZodType<T>, empty: T): Promise<StoreFile<T>> {
    await mkdir(path.dirname(file), { recursive: true });
    const adapter = new JSONFile<T>(file);
    return new StoreFile(file, adapter, await read(adapter, file, schema, empty));
  }

  /** What the file on disk holds. Records in it are replaced, never changed in place: a draft shares them. */
  get data(): T {
    return this.committed;
  }

  /**
   * Makes `apply`'s change to a draft of the data and writes it; once written, the draft
   * becomes the data and `adopted` is called with `apply`'s result, before anything else
   * runs (where the owner brings its indexes up to date). Resolves with that result; a
   * failed write rejects with a StoreWriteError and changes nothing. `apply` runs once the
   * changes asked before it are in the draft, so it sees them: it must decide before it
   * changes the draft, as one that throws is left out, rejected with its error.
   */
  change<R>(apply: (draft: T) => R, adopted?: (result: R) => void): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.queued.push({ apply, adopted: adopted as ((result: unknown) => void) | undefined, resolve: resolve as (result: unknown) => void, reject });
      if (!this.writing) void this.drain();
    });
  }

  private async drain(): Promise<void> {
    this.writing = true;
    while (this.queued.length > 0) {
      const batch = this.queued;
      this.queued = [];
      const draft = fork(this.committed);
      const applied: { pending: Pending<T>; result: unknown }[] = [];
      for (const pending of batch) {
        try {
          applied.push({ pending, result: pending.apply(draft) });
        } catch (error) {
          pending.reject(error);
        }
      }
      if (applied.length === 0) continue;
      try {
        await this.adapter.write(draft);
      } catch (error) {
        const failure = await this.failed(error as NodeJS.ErrnoException);
        for (const { pending } of applied) pending.reject(failure);
        continue;
      }
      this.committed = draft;
      const adopted = applied.filter(({ pending, result }) => adopt(pending, result));
      for (const { pending, result } of adopted) pending.resolve(result);
    }
    this.writing = false;
  }

  /** A write that did not happen leaves no half-written temp file behind, and says which file and why. */
  private async failed(error: NodeJS.ErrnoException): Promise<StoreWriteError> {
    await rm(tempOf(this.file), { force: true }).catch(() => {});
    return new StoreWriteError(this.file, error);
  }
}

/** Brings the owner's indexes up to date; false (the change rejected with the error) if that failed, which would be a defect of the owner. */
function adopt<T>(pending: Pending<T>, result: unknown): boolean {
  try {
    pending.adopted?.(result);
    return true;
  } catch (error) {
    pending.reject(error);
    return false;
  }
}

/** A copy of the data whose lists can change without touching the data's: the records themselves are shared. */
function fork<T extends object>(data: T): T {
  return Object.fromEntries(Object.entries(data).map(([key, value]) => [key, Array.isArray(value) ? [...(value as unknown[])] : value])) as T;
}

/** The temp file lowdb's writer (steno) writes before renaming it over the file. */
function tempOf(file: string): string {
  return path.join(path.dirname(file), `.${path.basename(file)}.tmp`);
}

async function read<T>(adapter: JSONFile<T>, file: string, schema: z.ZodType<T>, empty: T): Promise<T> {
  let raw: T | null;
  try {
    raw = await adapter.read();
  } catch (error) {
    throw new StoreError(file, `cannot be read as JSON (${(error as Error).message})`);
  }
  // lowdb would take `null`, `false` or `0` in a file for "no data yet", and overwrite it.
  if (raw === null && existsSync(file)) throw new StoreError(file, 'holds no data (null)');
  const parsed = schema.safeParse(raw ?? empty);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new StoreError(file, `invalid content at ${issue.path.join('.') || 'the top level'}: ${issue.message}`);
  }
  return parsed.data;
}

/**
 * The file `name` of a folder of files opened as needed, opened once for all who ask at
 * the same time. An opening that failed (no room left to make its folder) is forgotten,
 * so that the next one tries again rather than failing for as long as the process lives.
 */
export function openOnce<T extends object>(files: Map<string, Promise<StoreFile<T>>>, name: string, open: () => Promise<StoreFile<T>>): Promise<StoreFile<T>> {
  let opening = files.get(name);
  if (!opening) {
    const started = open();
    started.catch(() => {
      if (files.get(name) === started) files.delete(name);
    });
    files.set(name, (opening = started));
  }
  return opening;
}

import { readdir, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { writeAtomically } from '../atomic-file.js';
import type { FileHashes } from './file-hashes.js';

/** A cached file, with the SHA-256 of its bytes (lower-case hex), which the delivery log records of what a message carried. */
export interface CachedFile {
  file: string;
  size: number;
  sha256: string;
}

/**
 * Finished files kept on disk under a key that hashes everything that went into them, so
 * that a file once written is valid for good and a hit costs a `stat` (its SHA-256 kept by
 * `hashes` since it was written or first read). Each file is built once even when many ask
 * for it together, and appears whole or not at all.
 */
export class FileCache {
  /** Lookups and builds under way, so that concurrent requests for one key share them. */
  private readonly pending = new Map<string, Promise<CachedFile>>();

  constructor(
    private readonly dir: string,
    private readonly extension: string,
    private readonly hashes: FileHashes,
  ) {}

  /** The file for `key`, built with `build` first when it is not on disk yet. */
  get(key: string, build: () => Promise<Uint8Array>): Promise<CachedFile> {
    let entry = this.pending.get(key);
    if (!entry) {
      entry = this.lookUpOrBuild(key, build).finally(() => this.pending.delete(key));
      this.pending.set(key, entry);
    }
    return entry;
  }

  /**
   * Removes the files written before `cutoff`, and temp files a killed process left, for
   * caches whose files stop being asked for (a statement is of one day). Returns how many
   * went. A file being read meanwhile stays readable: removal only unlinks its name.
   */
  async forgetOlderThan(cutoff: Date): Promise<number> {
    let removed = 0;
    for (const shard of await readdir(this.dir).catch(ifMissing([]))) {
      const folder = path.join(this.dir, shard);
      for (const name of await readdir(folder).catch(ifMissing([]))) {
        const file = path.join(folder, name);
        const written = await stat(file).then((info) => info.mtime, ifMissing(null));
        if (written && written < cutoff) {
          await rm(file, { force: true });
          removed++;
        }
      }
    }
    return removed;
  }

  private async lookUpOrBuild(key: string, build: () => Promise<Uint8Array>): Promise<CachedFile> {
    // Two levels, so that a hundred thousand invoices do not all share one directory.
    const file = path.join(this.dir, key.slice(0, 2), `${key}${this.extension}`);
    try {
      return { file, ...(await this.hashes.of(file)) };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
    const bytes = await build();
    await writeAtomically(file, bytes);
    return { file, size: bytes.byteLength, sha256: await this.hashes.written(file, bytes) };
  }
}

/** For a folder or file another process may remove first: gone is `value`, any other failure stands. */
function ifMissing<T>(value: T): (error: NodeJS.ErrnoException) => T {
  return (error) => {
    if (error.code === 'ENOENT' || error.code === 'ENOTDIR') return value;
    throw error;
  };
}

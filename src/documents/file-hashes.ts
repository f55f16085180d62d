import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';

/** SHA-256s of rendered files remembered, by path: a file of the cache never changes, so each is read for it once. */
const HASHES_KEPT = 50_000;

export function sha256Of(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** SHA-256s of cached files, by path. */
export class FileHashes {
  private readonly hashes = new Map<string, string>();

  /** The SHA-256 of a cached file, read once per file: the cache's files never change. */
  async of(file: string): Promise<string> {
    let hash = this.hashes.get(file);
    if (hash === undefined) {
      hash = sha256Of(await readFile(file));
      if (this.hashes.size >= HASHES_KEPT) this.hashes.clear();
      this.hashes.set(file, hash);
    }
    return hash;
  }
}

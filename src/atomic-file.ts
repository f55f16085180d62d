import { randomBytes } from 'node:crypto';
import { link, mkdir, open, rename, rm } from 'node:fs/promises';
import path from 'node:path';

/**
 * Writes a temp file beside `file`, flushes it to disk, then renames it: a reader (or a
 * restart after a crash) sees the whole file or none, never a truncated PDF kept for good.
 * `exclusive`: the file is only made, never replaced (EEXIST when there is one: the first
 * process to write it wins), and `mode` is the new file's.
 */
export async function writeAtomically(file: string, bytes: Uint8Array, options: { exclusive?: boolean; mode?: number } = {}): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  const temp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    const handle = await open(temp, 'wx', options.mode);
    try {
      await handle.writeFile(bytes);
      await handle.sync();
    } finally {
      await handle.close();
    }
    if (options.exclusive) {
      await link(temp, file);
      await rm(temp);
    } else await rename(temp, file);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
}

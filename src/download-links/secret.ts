import { randomBytes } from 'node:crypto';
import { chmod, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { writeAtomically } from '../atomic-file.js';

/** Shorter secrets are refused, as FACTEUR_LINK_SECRET is. */
export const MIN_LINK_SECRET = 24;

/**
 * The secret download links are signed with: FACTEUR_LINK_SECRET when set (which several
 * instances must share, or one cannot read another's links); otherwise one made at the
 * first start and kept in the data folder, readable by its user only, so that links stay
 * good across restarts. Two processes making it at once: the first file written wins
 * (`exclusive`), and the other reads it.
 */
export async function linkSecret(configured: string | null, dataDir: string): Promise<string> {
  if (configured) return configured;
  const file = path.join(dataDir, 'link-secret');
  const made = randomBytes(32).toString('base64url');
  try {
    // Whole or not at all: a disk full at the first start must not leave an empty secret that every later start refuses.
    await writeAtomically(file, Buffer.from(`${made}\n`), { exclusive: true, mode: 0o600 });
    return made;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  // A copy restored from a backup may have lost its mode: it is made private again before use.
  if (((await stat(file)).mode & 0o077) !== 0) await chmod(file, 0o600);
  const kept = (await readFile(file, 'utf8')).trim();
  if (kept.length < MIN_LINK_SECRET)
    throw new Error(
      `${file} holds no usable link secret (${MIN_LINK_SECRET} characters or more): remove it to have a new one made (links already sent stop working), or set FACTEUR_LINK_SECRET`,
    );
  return kept;
}

import { constants, statSync, type Stats } from 'node:fs';
import { access, mkdir } from 'node:fs/promises';
import { userInfo } from 'node:os';
import path from 'node:path';
import { ActionableError } from './faults.js';

/** Where things live under the data folder. */
export function dataPaths(dataDir: string) {
  return {
    db: path.join(dataDir, 'db.json'),
    /** The log while a person chats in the console (elsewhere it goes to stderr). */
    log: path.join(dataDir, 'facteur.log'),
    out: path.join(dataDir, 'out'),
    outbox: path.join(dataDir, 'mail', 'outbox'),
    inbox: path.join(dataDir, 'mail', 'inbox'),
  };
}

/**
 * Makes the data folder where it does not exist yet, whatever the store: with PostgreSQL it
 * still holds the PDF cache, the local mail folders, the service file and the link secret. A
 * folder that cannot be made or written stops a command before it begins, naming the folder,
 * why and what to do, rather than with the system's error about the first file it touched.
 */
export async function prepareDataFolder(dataDir: string): Promise<void> {
  try {
    await mkdir(dataDir, { recursive: true });
    await access(dataDir, constants.W_OK);
  } catch (error) {
    throw new ActionableError(`FACTEUR_DATA_DIR (${dataDir}) ${whyNot(dataDir, error as NodeJS.ErrnoException)}`, { cause: error });
  }
}

const ELSEWHERE = 'point FACTEUR_DATA_DIR at a folder Facteur can write (its records, PDFs and mail folders live there)';

/** Why the data folder cannot be made or written, and what to do, in words. */
function whyNot(dataDir: string, error: NodeJS.ErrnoException): string {
  if (error.code === 'EROFS') return `is on a read-only file system: ${ELSEWHERE}, or mount that one read-write.`;
  if (error.code === 'EACCES' || error.code === 'EPERM')
    return `cannot be made or written by the user ${userInfo().username} (permission denied): give it that user (chown), or ${ELSEWHERE}.`;
  if (error.code === 'ENOSPC') return `cannot be made: the disk is full. Make room, or ${ELSEWHERE}.`;
  const file = fileInTheWay(dataDir);
  if (file) return `cannot be made: ${file} is a file. Move it, or ${ELSEWHERE}.`;
  return `cannot be used (${error.code ?? error.message}): ${ELSEWHERE}.`;
}

/** The folder itself or the nearest of its parents that exists, if that is something other than a folder. */
function fileInTheWay(dir: string): string | null {
  for (let at = path.resolve(dir); ; at = path.dirname(at)) {
    const found = exists(at);
    if (found) return found.isDirectory() ? null : at;
    if (path.dirname(at) === at) return null;
  }
}

/** What is at `file`, or undefined where nothing is, even below a file (where stat says ENOTDIR). */
function exists(file: string): Stats | undefined {
  try {
    return statSync(file, { throwIfNoEntry: false });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOTDIR') return undefined;
    throw error;
  }
}

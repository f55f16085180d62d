import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { StoreError } from '../store.js';

/**
 * lowdb files belong to one process: two processes writing them would each overwrite the
 * other's changes with what they hold in memory. The first Facteur process to open a data
 * folder writes its pid in `<dir>/.facteur.lock`; another one is refused while that process
 * lives. A lock left by a process that died (kill -9) is taken over.
 */
export function lockDataFolder(lockFile: string): void {
  try {
    writeFileSync(lockFile, String(process.pid), { flag: 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    const holder = Number(readFileSync(lockFile, 'utf8'));
    if (holder !== process.pid && isAlive(holder)) {
      throw new StoreError(lockFile, `the data folder is in use by another Facteur process (pid ${holder}); stop it first, or ask it (staff commands on Discord or by mail)`);
    }
    writeFileSync(lockFile, String(process.pid));
  }
  if (held.size === 0) process.once('exit', release);
  held.add(lockFile);
}

/** Lock files this process holds, removed when it exits. */
const held = new Set<string>();

function release(): void {
  for (const lockFile of held) {
    try {
      if (readFileSync(lockFile, 'utf8') === String(process.pid)) rmSync(lockFile, { force: true });
    } catch {
      // Already gone with its folder.
    }
  }
}

function isAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

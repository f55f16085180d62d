import { readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';

/**
 * Where a running `facteur start` says how to reach it: its address and a key of its own,
 * in the data folder, readable by its user only. `facteur import` run meanwhile sends its
 * file there instead of being refused the data folder the service holds.
 */
export interface ServiceFile {
  url: string;
  key: string;
  pid: number;
}

export function serviceFilePath(dataDir: string): string {
  return path.join(dataDir, 'service.json');
}

export async function writeServiceFile(dataDir: string, service: ServiceFile): Promise<void> {
  await writeFile(serviceFilePath(dataDir), `${JSON.stringify(service)}\n`, { mode: 0o600 });
}

/** The running service's file, or null: none, unreadable, or left by a process that is gone. */
export async function readServiceFile(dataDir: string): Promise<ServiceFile | null> {
  try {
    const service = JSON.parse(await readFile(serviceFilePath(dataDir), 'utf8')) as Partial<ServiceFile>;
    if (typeof service.url !== 'string' || typeof service.key !== 'string' || typeof service.pid !== 'number') return null;
    return isAlive(service.pid) ? (service as ServiceFile) : null;
  } catch {
    return null;
  }
}

/** Removed on the way out, unless another process has written its own since. */
export async function removeServiceFile(dataDir: string): Promise<void> {
  const current = await readFile(serviceFilePath(dataDir), 'utf8').catch(() => '');
  if (current.includes(`"pid":${process.pid}}`)) await rm(serviceFilePath(dataDir), { force: true });
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: alive, under another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

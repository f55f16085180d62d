import { lstat, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { isAlive } from '../processes.js';

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

/**
 * Written to a new temp file (never through one someone else made, nor a link) and renamed
 * over the old one, so that the key is never in a file another user can read.
 */
export async function writeServiceFile(dataDir: string, service: ServiceFile): Promise<void> {
  const temp = path.join(dataDir, `.service.json.${process.pid}.tmp`);
  await rm(temp, { force: true });
  await writeFile(temp, `${JSON.stringify(service)}\n`, { mode: 0o600, flag: 'wx' });
  await rename(temp, serviceFilePath(dataDir));
}

/**
 * The running service's file, or null: none, unreadable, left by a process that is gone, or
 * not one this user's service wrote (another owner, readable by others, an address off this
 * machine): a file planted in a shared folder must not send an export elsewhere.
 */
export async function readServiceFile(dataDir: string): Promise<ServiceFile | null> {
  try {
    const file = serviceFilePath(dataDir);
    const stats = await lstat(file);
    if (!stats.isFile() || stats.uid !== process.getuid?.() || (stats.mode & 0o077) !== 0) return null;
    const service = JSON.parse(await readFile(file, 'utf8')) as Partial<ServiceFile>;
    if (typeof service.url !== 'string' || typeof service.key !== 'string' || typeof service.pid !== 'number') return null;
    if (!isLoopback(service.url)) return null;
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

function isLoopback(url: string): boolean {
  const host = URL.canParse(url) ? new URL(url).hostname : '';
  return host === '127.0.0.1' || host === '[::1]' || host === 'localhost' || /^127\.\d+\.\d+\.\d+$/.test(host);
}

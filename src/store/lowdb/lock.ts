import { mkdirSync, readFileSync, rmdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { StoreError } from '../store.js';
import { isAlive } from '../../processes.js';

/** Who holds a lock: the process, and when it started, so that a pid the system gave to another program since is not mistaken for it. */
interface Holder {
  pid: number;
  /** The process's start time as the system counts it (`/proc/<pid>/stat`); null where the system does not tell. */
  start: string | null;
}

/** A takeover under way that is older than this was left by a process that died in the middle of it. */
const TAKEOVER_STALE_MS = 10_000;
/** How long to wait for another process's takeover to end before giving up. */
const TAKEOVER_WAIT_MS = 2_000;
const TAKEOVER_POLL_MS = 10;

/**
 * lowdb files belong to one process: two processes writing them would each overwrite the
 * other's changes with what they hold in memory. The first Facteur process to open a data
 * folder creates `<dir>/.facteur.lock` (an exclusive create, which only one can win) with
 * its pid and start time; another one is refused while that process lives.
 *
 * A lock whose holder is gone (kill -9), or is a process that is not that Facteur (its pid
 * reused, or a pid written by hand), is taken over, and only under `<lock>.takeover`, a
 * folder that only one process can create: two processes finding the same dead lock at the
 * same instant cannot both remove it and both take it.
 */
export function lockDataFolder(lockFile: string): void {
  const deadline = Date.now() + TAKEOVER_WAIT_MS;
  while (!tryLock(lockFile)) {
    if (Date.now() > deadline) throw new StoreError(lockFile, 'another process kept taking over this lock; try again');
    pause(TAKEOVER_POLL_MS);
  }
  if (held.size === 0) process.once('exit', release);
  held.add(lockFile);
}

/** Lets go of a lock this process holds (the store is closed): another process may open the folder now. */
export function unlockDataFolder(lockFile: string): void {
  if (!held.delete(lockFile)) return;
  if (readHolder(lockFile)?.pid === process.pid) rmSync(lockFile, { force: true });
}

/** True once held; false when another process is taking a dead lock over, to try again shortly. */
function tryLock(lockFile: string): boolean {
  const me = JSON.stringify(self());
  try {
    writeFileSync(lockFile, me, { flag: 'wx' });
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  const found = readHolder(lockFile);
  if (found === undefined) return false; // removed meanwhile: try the exclusive create again
  if (found.pid === process.pid) return true;
  if (isFacteur(found)) {
    throw new StoreError(
      lockFile,
      `the data folder is in use by another Facteur process (pid ${found.pid}); stop it first, or ask it (staff commands on Discord or by mail)`,
    );
  }
  return takeOver(lockFile, found);
}

function takeOver(lockFile: string, stale: Holder): boolean {
  const takeover = `${lockFile}.takeover`;
  try {
    mkdirSync(takeover);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    const since = statSync(takeover, { throwIfNoEntry: false })?.mtimeMs;
    if (since !== undefined && Date.now() - since > TAKEOVER_STALE_MS) rmSync(takeover, { recursive: true, force: true });
    return false;
  }
  try {
    // Still the holder judged dead? Another process may have taken it over before this one got here.
    const now = readHolder(lockFile);
    if (now !== undefined && (now.pid !== stale.pid || now.start !== stale.start)) return false;
    rmSync(lockFile, { force: true });
    writeFileSync(lockFile, JSON.stringify(self()), { flag: 'wx' });
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  } finally {
    rmdirSync(takeover);
  }
}

/** Lock files this process holds, removed when it exits. */
const held = new Set<string>();

function release(): void {
  for (const lockFile of held) {
    try {
      if (readHolder(lockFile)?.pid === process.pid) rmSync(lockFile, { force: true });
    } catch {
      // Already gone with its folder.
    }
  }
}

function self(): Holder {
  return { pid: process.pid, start: startOf(process.pid) };
}

/**
 * The holder a lock file names: `{"pid":…,"start":…}`, or a bare pid as earlier versions
 * wrote it; a file that says neither names nobody alive. Undefined when there is no file.
 */
function readHolder(lockFile: string): Holder | undefined {
  let text: string;
  try {
    text = readFileSync(lockFile, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  try {
    const parsed = JSON.parse(text) as Partial<Holder> | number;
    if (typeof parsed === 'number') return { pid: parsed, start: null };
    return { pid: Number(parsed.pid), start: typeof parsed.start === 'string' ? parsed.start : null };
  } catch {
    return { pid: Number.NaN, start: null };
  }
}

/**
 * Whether the holder is a live Facteur. Where the system tells a process's start time, a
 * holder is that process only if it started when the lock says; a lock that says no start
 * time (an earlier version's, or one written by hand) is taken as held only by a live
 * process running Facteur.
 */
function isFacteur(holder: Holder): boolean {
  if (!Number.isInteger(holder.pid) || holder.pid <= 0 || !isAlive(holder.pid)) return false;
  const start = startOf(holder.pid);
  if (start === null) return true;
  if (holder.start !== null) return holder.start === start;
  return commandOf(holder.pid).includes('facteur');
}

/** Field 22 of `/proc/<pid>/stat`, the start time in clock ticks since boot; null without /proc. */
function startOf(pid: number): string | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may hold spaces and parentheses: the fields after it follow the last ')'.
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19] ?? null;
  } catch {
    return null;
  }
}

function commandOf(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
  } catch {
    return '';
  }
}

/** Waits without yielding: taking the lock is part of opening the store, before anything else runs. */
function pause(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

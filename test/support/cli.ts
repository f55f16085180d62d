import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import path from 'node:path';
import { promisify } from 'node:util';

/** The `facteur` command as an operator runs it. */
export const BIN = path.resolve(import.meta.dirname, '..', '..', 'bin', 'facteur.js');

export interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs `facteur ARGS` in a process of its own, with these settings over the test's environment, and waits for it to exit.
 * `input`, when given, is all its standard input gets (`''`: it ends at once, as `facteur start`'s console then does).
 */
export async function runFacteur(args: string[], env: Record<string, string>, input?: string): Promise<Run> {
  const running = promisify(execFile)(process.execPath, [BIN, ...args], { env: { ...process.env, LOG_LEVEL: 'warn', NODE_ENV: 'production', ...env } });
  if (input !== undefined) running.child.stdin?.end(input);
  const result = await running.catch((e: Run) => e);
  return { code: 'code' in result && typeof result.code === 'number' ? result.code : 0, stdout: result.stdout, stderr: result.stderr };
}

/** A `facteur` process left running: what it logged so far, and ways to wait on it or end it. */
export interface Spawned {
  child: ChildProcess;
  /** Its log lines (stderr), as the JSON objects an operator would read. */
  logs: Record<string, unknown>[];
  /** Resolves with the first log line (already there or to come) that matches. */
  logged(match: (line: Record<string, unknown>) => boolean, timeoutMs?: number): Promise<Record<string, unknown>>;
  /** Resolves once the process has exited, however it ended. */
  exited: Promise<void>;
}

/** Starts `facteur ARGS` in a process of its own, logging at info level, without waiting for it. */
export function spawnFacteur(args: string[], env: Record<string, string>): Spawned {
  const child = spawn(process.execPath, [BIN, ...args], {
    env: { ...process.env, LOG_LEVEL: 'info', NODE_ENV: 'production', ...env },
    stdio: ['pipe', 'ignore', 'pipe'],
  });
  const logs: Record<string, unknown>[] = [];
  const listeners = new Set<() => void>();
  createInterface({ input: child.stderr! }).on('line', (line) => {
    try {
      logs.push(JSON.parse(line) as Record<string, unknown>);
    } catch {
      logs.push({ msg: line });
    }
    for (const listener of listeners) listener();
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const logged = (match: (line: Record<string, unknown>) => boolean, timeoutMs = 20_000) =>
    new Promise<Record<string, unknown>>((resolve, reject) => {
      const check = () => {
        const found = logs.find(match);
        if (!found) return;
        listeners.delete(check);
        clearTimeout(timer);
        resolve(found);
      };
      const timer = setTimeout(() => {
        listeners.delete(check);
        reject(new Error(`no such log line within ${timeoutMs} ms; logged: ${JSON.stringify(logs.slice(-5))}`));
      }, timeoutMs);
      listeners.add(check);
      check();
    });
  return { child, logs, logged, exited };
}

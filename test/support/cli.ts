import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';

/** The `facteur` command as an operator runs it. */
export const BIN = path.resolve(import.meta.dirname, '..', '..', 'bin', 'facteur.js');

export interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `facteur ARGS` in a process of its own, with these settings over the test's environment, and waits for it to exit. */
export async function runFacteur(args: string[], env: Record<string, string>): Promise<Run> {
  const result = await promisify(execFile)(process.execPath, [BIN, ...args], { env: { ...process.env, LOG_LEVEL: 'warn', NODE_ENV: 'production', ...env } }).catch((e: Run) => e);
  return { code: 'code' in result && typeof result.code === 'number' ? result.code : 0, stdout: result.stdout, stderr: result.stderr };
}

import { spawn } from 'node:child_process';
import { readdir } from 'node:fs/promises';
import path from 'node:path';

/**
 * `npm run bench [-- --full]`: every benchmark in bench/ (each `bench/*.ts` but this file;
 * shared helpers live in bench/support/), one after the other, each in a process of its own
 * so that none inherits another's memory or warm caches. Arguments are passed on to each.
 * Exits non-zero if a benchmark failed to run; a missed target is reported, not a failure.
 */

const dir = import.meta.dirname;
const benchmarks = (await readdir(dir)).filter((name) => name.endsWith('.ts') && name !== path.basename(import.meta.filename)).sort();
const failed: string[] = [];
for (const name of benchmarks) {
  // This process runs under tsx, whose flags (process.execArgv) let the child load TypeScript too.
  const child = spawn(process.execPath, [...process.execArgv, path.join(dir, name), ...process.argv.slice(2)], { stdio: 'inherit' });
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  if (code !== 0) failed.push(`${name} (exit ${code})`);
}
if (failed.length > 0) {
  console.error(`\nbench: failed to run: ${failed.join(', ')}`);
  process.exitCode = 1;
}

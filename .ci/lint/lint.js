#!/usr/bin/env node
// `npm run lint`: Prettier checks the form, then ESLint the code; `npm run format` (--fix) rewrites both.
// The linters are a package of their own, installed here on first use: typescript-eslint loads
// TypeScript 6's compiler API, which the project's compiler (TypeScript 7, native) no longer ships,
// and one node_modules cannot hold both as `typescript`.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '../..');
const fix = process.argv.includes('--fix');

/** Runs a command from the repository's root; its exit code ends the run when it fails. */
function run(command, args, cwd = root) {
  const result = spawnSync(command, args, { cwd, stdio: 'inherit' });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

if (!existsSync(path.join(here, 'node_modules/.bin/eslint'))) run('npm', ['ci', '--no-audit', '--no-fund', '--silent'], here);
const bin = (name) => path.join(here, 'node_modules/.bin', name);
run(bin('prettier'), [fix ? '--write' : '--check', '--log-level', 'warn', '.']);
run(bin('eslint'), ['--config', path.join(here, 'eslint.config.js'), ...(fix ? ['--fix'] : [])]);

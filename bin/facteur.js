#!/usr/bin/env node
// Facteur runs the JavaScript that `npm run build` compiles from src/ into dist/ (`npm install`
// runs it too). A build missing or older than the sources is refused with what to run, rather
// than rebuilt here: a production install has no compiler, and a compile hidden in a command
// would cost every run seconds and race other commands writing dist/ at the same time.
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const unbuilt = staleSource(path.join(root, 'src'), path.join(root, 'dist'));
if (unbuilt) {
  process.stderr.write(`facteur: ${unbuilt}: run \`npm run build\` in ${root} first\n`);
  process.exit(1);
}
await import('../dist/main.js');

/** Why dist/ does not hold the build of src/ as it is now (a file missing, or older than its source); null when it does. */
function staleSource(src, dist) {
  if (!existsSync(src)) return null; // the compiled files installed alone
  if (!existsSync(dist)) return 'there is no build (dist/)';
  for (const file of readdirSync(src, { recursive: true })) {
    if (!file.endsWith('.ts') || file.endsWith('.d.ts')) continue;
    const compiled = statSync(path.join(dist, file.replace(/\.ts$/, '.js')), { throwIfNoEntry: false });
    if (!compiled) return `dist/ lacks ${file.replace(/\.ts$/, '.js')}`;
    if (statSync(path.join(src, file)).mtimeMs > compiled.mtimeMs) return `src/${file} changed since the last build`;
  }
  return null;
}

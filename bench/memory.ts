/**
 * Memory of the service at rest: `facteur start` as an operator runs it (bin/facteur.js on
 * dist/), in local mode on the demo data (the console chat on a pipe, the local inbox folder,
 * the HTTP server, the push schedule), its resident memory read from /proc once it has
 * started and settled. The baseline, in the same run and read the same way, is a bare Node
 * process listening on HTTP: what no Facteur can go under. Then a customer's question that
 * renders a PDF (a render thread starts), and the memory once that thread has ended for want
 * of work (30 s), which is what a service that answered a burst comes back to. And the same
 * start with a young generation of 2 MB (`NODE_OPTIONS=--max-semi-space-size=2`), which an
 * operator short of memory may set: most of what remains over the live objects is the young
 * generation the start-up's garbage grew to (V8's default allows 16 MB a semi-space).
 *
 * It measures the build in dist/: run `npm run build` first (`npm run bench` does).
 *
 *   npx tsx bench/memory.ts [--full]
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { heading, median, report, sized, type Figure } from './support/measure.js';
import { listening } from './support/service.js';

const ROOT = path.resolve(import.meta.dirname, '..');
const ROUNDS = sized(2, 5);
/** How long a started process is left before it counts as at rest: the start-up's garbage and the MJML thread are gone by then. */
const SETTLE_MS = 5_000;
/** The render pool's idle time before a thread ends (src/documents/pool.ts), and a margin. */
const THREAD_IDLE_MS = 30_000 + 3_000;
const TARGET_MB = 120;

heading('Memory at rest', `facteur start in local mode on the demo data, against a bare Node listening on HTTP; ${ROUNDS} rounds, medians`);

/** Resident and peak resident memory of a process, in MB, as /proc says. */
function memoryOf(child: ChildProcess): { rss: number; peak: number } {
  const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
  const kb = (field: string) => Number(new RegExp(`${field}:\\s+(\\d+) kB`).exec(status)?.[1]) / 1024;
  return { rss: kb('VmRSS'), peak: kb('VmHWM') };
}

async function stopped(child: ChildProcess): Promise<void> {
  if (child.exitCode === null) {
    child.kill('SIGTERM');
    await new Promise((resolve) => child.once('exit', resolve));
  }
}

/** A bare Node process holding an HTTP server on loopback. */
async function bareNode(): Promise<number> {
  const child = spawn(process.execPath, ['-e', "require('node:http').createServer().listen(0, '127.0.0.1', () => console.log('up'))"], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  try {
    await new Promise((resolve) => child.stdout!.once('data', resolve));
    await delay(SETTLE_MS);
    return memoryOf(child).rss;
  } finally {
    await stopped(child);
  }
}

interface FacteurRun {
  rest: number;
  startPeak: number;
  afterPdf: number;
  afterThreads: number;
}

/** `facteur start` on a fresh data folder: at rest, after one PDF asked in the console, and once the render thread has ended. */
async function facteur(withPdf: boolean, nodeOptions = ''): Promise<FacteurRun> {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'facteur-bench-memory-'));
  const child = spawn(process.execPath, [path.join(ROOT, 'bin', 'facteur.js'), 'start'], {
    cwd: dataDir,
    env: {
      ...process.env,
      NODE_OPTIONS: nodeOptions,
      FACTEUR_DATA_DIR: dataDir,
      FACTEUR_DEMO: 'true',
      HTTP_PORT: '0',
      LOG_LEVEL: 'info',
      PUSH_CRON: '0 0 1 1 *',
    },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  try {
    await listening(child);
    await delay(SETTLE_MS);
    const { rss: rest, peak: startPeak } = memoryOf(child);
    if (!withPdf) return { rest, startPeak, afterPdf: NaN, afterThreads: NaN };
    let said = '';
    const answered = new Promise<void>((resolve) =>
      child.stdout!.on('data', (chunk: Buffer) => (said += chunk.toString()).includes('facture-1210.pdf') && resolve()),
    );
    child.stdin!.write('facture 1210\n');
    await answered;
    const afterPdf = memoryOf(child).rss;
    await delay(THREAD_IDLE_MS);
    return { rest, startPeak, afterPdf, afterThreads: memoryOf(child).rss };
  } finally {
    await stopped(child);
    await rm(dataDir, { recursive: true, force: true });
  }
}

/** A smaller young generation for the main thread, which an operator short of memory may set (README, the service unit). */
const SMALL_YOUNG = '--max-semi-space-size=2';
const bare: number[] = [];
const runs: FacteurRun[] = [];
const small: number[] = [];
for (let round = 0; round < ROUNDS; round++) {
  bare.push(await bareNode());
  // The PDF and the wait for its thread to end, once: the rest of the rounds measure the start alone.
  runs.push(await facteur(round === 0));
  small.push((await facteur(false, SMALL_YOUNG)).rest);
}
const mb = (value: number) => `${value.toFixed(0)} MB`;
const rest = median(runs.map((run) => run.rest));
const figures: Figure[] = [
  { label: 'baseline: bare Node listening on HTTP, at rest', value: mb(median(bare)) },
  { label: 'facteur start, local mode, at rest', value: mb(rest), target: `≤ ${TARGET_MB} MB`, met: rest <= TARGET_MB },
  { label: '  its peak while starting', value: mb(median(runs.map((run) => run.startPeak))) },
  { label: '  over the baseline', value: mb(rest - median(bare)) },
  { label: `  with NODE_OPTIONS=${SMALL_YOUNG}`, value: mb(median(small)) },
  { label: 'after « facture 1210 » (a render thread running)', value: mb(runs[0]!.afterPdf) },
  { label: '  once the thread has ended (30 s without work)', value: mb(runs[0]!.afterThreads) },
];
report(figures);

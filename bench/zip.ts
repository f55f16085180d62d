import { fork } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { readZip } from '../test/support/read.js';
import { FULL, type Figure, heading, mb, ms, report } from './support/measure.js';
import type { ZipRun } from './support/zip-once.js';

/**
 * Benchmark 2, ZIP: one customer's invoices as one ZIP, cold (every PDF rendered first)
 * then warm (every PDF cached), each in a fresh process (see support/zip-once.ts): wall
 * time and peak memory, at several sizes, to show that memory does not grow with them.
 * Peak resident memory also counts garbage the engine has not collected yet, so a third
 * warm run collects it as it goes and reports the most memory the ZIP really held. The
 * process before the ZIP (Facteur's documents loaded) and the warm run, with no render, are
 * the baselines of the cold run's peak, which the render threads' heaps make. From dist/:
 * run `npm run build` first (`npm run bench` does).
 */

const SIZES = FULL ? [250, 1000, 4000] : [100, 1000];
heading('ZIP', `one customer's invoices, ${SIZES.join(', ')}; cold then warm, each in a fresh process`);

function zipOnce(dataDir: string, count: number, output: string, execArgv: string[] = []): Promise<ZipRun> {
  return new Promise((resolve, reject) => {
    const child = fork(path.join(import.meta.dirname, 'support', 'zip-once.ts'), [dataDir, String(count), output], {
      execArgv: [...process.execArgv, ...execArgv],
    });
    child.once('message', (run) => resolve(run as ZipRun));
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`zip-once.ts exited with code ${code} before reporting`)));
  });
}

const figures: Figure[] = [];
for (const count of SIZES) {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'facteur-bench-zip-'));
  const output = path.join(dataDir, 'out.zip');
  const cold = await zipOnce(dataDir, count, output);
  const warm = await zipOnce(dataDir, count, output);
  const { liveMb } = await zipOnce(dataDir, count, output, ['--expose-gc']);
  const entries = await readZip(output);
  if (entries.length !== count || !entries.every((entry) => entry.bytes.subarray(0, 5).toString() === '%PDF-')) {
    throw new Error(`zip bench: the ZIP of ${count} holds ${entries.length} entries, or one is not a PDF`);
  }
  await rm(dataDir, { recursive: true, force: true });
  const target = count === 1000;
  figures.push(
    { label: `cold ZIP of ${count}: time`, value: ms(cold.milliseconds) },
    {
      label: `cold ZIP of ${count}: peak memory (before: ${mb(cold.beforeMb)})`,
      value: mb(cold.peakMb),
      ...(target && { target: '≤ 250 MB', met: cold.peakMb <= 250 }),
    },
    { label: `warm ZIP of ${count}: time`, value: ms(warm.milliseconds), ...(target && { target: '< 1 s', met: warm.milliseconds < 1000 }) },
    { label: `warm ZIP of ${count}: CPU time, all threads`, value: ms(warm.cpuMilliseconds) },
    {
      label: `warm ZIP of ${count}: peak memory (before: ${mb(warm.beforeMb)})`,
      value: mb(warm.peakMb),
      ...(target && { target: '< 200 MB', met: warm.peakMb < 200 }),
    },
    { label: `warm ZIP of ${count}: most memory live at once, garbage collected`, value: `${liveMb!.toFixed(1)} MB` },
  );
}
report(figures);

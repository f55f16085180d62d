import { createWriteStream } from 'node:fs';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { InvoiceDocuments as Documents } from '../../src/documents/index.js';
import { customer, invoices } from './fixtures.js';
import { peakRssMb, rssMb } from './measure.js';

/**
 * One ZIP of the benchmark customer's first COUNT invoices, with the PDF cache in DATA_DIR,
 * written to OUTPUT, in a process of its own so that its peak memory is this ZIP's alone.
 * Sends the ZIP benchmark its time and memory. Usage: zip-once.ts DATA_DIR COUNT OUTPUT
 *
 * Started with `--expose-gc`, it also collects garbage every 20 ms while the ZIP streams, to
 * find the most memory the ZIP holds live (slower, so its time is not the one reported).
 *
 * It runs the compiled documents in dist/, as `facteur start` does: from the TypeScript
 * sources each render thread would load tsx too, which is no part of Facteur's memory.
 */
export interface ZipRun {
  milliseconds: number;
  /** CPU time the process spent on the ZIP, all its threads: less moved by other processes' load than the wall time. */
  cpuMilliseconds: number;
  /** Resident memory once Facteur is loaded, before the ZIP, and the process's peak, in MB. */
  beforeMb: number;
  peakMb: number;
  /** With `--expose-gc`: the most JS heap and Buffer memory live at once, over what was live before, in MB. */
  liveMb?: number;
}

const [dataDir, count, output] = process.argv.slice(2);
if (!dataDir || !count || !output || !process.send) throw new Error('usage: forked by bench/zip.ts with DATA_DIR COUNT OUTPUT');
const { InvoiceDocuments } = (await import(path.resolve(import.meta.dirname, '..', '..', 'dist', 'documents', 'index.js'))) as {
  InvoiceDocuments: typeof Documents;
};
const documents = await InvoiceDocuments.create({ dataDir, templatesDir: path.resolve(import.meta.dirname, '..', '..', 'templates') });
const list = invoices(Number(count));
const gc = (globalThis as { gc?: () => void }).gc;
const live = () => {
  gc!();
  const { heapUsed, arrayBuffers } = process.memoryUsage();
  return (heapUsed + arrayBuffers) / 2 ** 20;
};
const liveBefore = gc ? live() : 0;
let liveMax = liveBefore;
const sampler = gc && setInterval(() => (liveMax = Math.max(liveMax, live())), 20);
const beforeMb = rssMb();
const started = performance.now();
const cpuBefore = process.cpuUsage();
await pipeline(await (await documents.zipAttachment(list, customer)).open(), createWriteStream(output));
const milliseconds = performance.now() - started;
const cpu = process.cpuUsage(cpuBefore);
clearInterval(sampler);
const run: ZipRun = {
  milliseconds,
  cpuMilliseconds: (cpu.user + cpu.system) / 1000,
  beforeMb,
  peakMb: peakRssMb(),
  ...(gc && { liveMb: liveMax - liveBefore }),
};
process.send(run);

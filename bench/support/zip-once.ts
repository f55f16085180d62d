import { createWriteStream } from 'node:fs';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { InvoiceDocuments } from '../../src/documents/index.js';
import { customer, invoices } from './fixtures.js';
import { peakRssMb, rssMb } from './measure.js';

/**
 * One ZIP of the benchmark customer's first COUNT invoices, with the PDF cache in DATA_DIR,
 * written to OUTPUT, in a process of its own so that its peak memory is this ZIP's alone.
 * Sends the ZIP benchmark its time and memory. Usage: zip-once.ts DATA_DIR COUNT OUTPUT
 */
export interface ZipRun {
  milliseconds: number;
  /** Resident memory once Facteur is loaded, before the ZIP, and the process's peak, in MB. */
  beforeMb: number;
  peakMb: number;
  /** The most file bytes (Buffers) held at once, sampled every 10 ms, in MB: what a ZIP that is not streamed would grow. */
  peakBuffersMb: number;
}

const [dataDir, count, output] = process.argv.slice(2);
if (!dataDir || !count || !output || !process.send) throw new Error('usage: forked by bench/zip.ts with DATA_DIR COUNT OUTPUT');
const documents = await InvoiceDocuments.create({ dataDir, templatesDir: path.resolve(import.meta.dirname, '..', '..', 'templates') });
const list = invoices(Number(count));
const beforeMb = rssMb();
let peakBuffers = 0;
const sampler = setInterval(() => (peakBuffers = Math.max(peakBuffers, process.memoryUsage().arrayBuffers)), 10);
const started = performance.now();
await pipeline(await (await documents.zipAttachment(list, customer)).open(), createWriteStream(output));
const milliseconds = performance.now() - started;
clearInterval(sampler);
const run: ZipRun = { milliseconds, beforeMb, peakMb: peakRssMb(), peakBuffersMb: peakBuffers / 2 ** 20 };
process.send(run);

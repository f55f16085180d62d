import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { demoData } from '../src/billing/demo.js';
import { InvoiceDocuments } from '../src/documents/index.js';
import { PdfReader, READER_LIMITS } from '../src/documents/reading/reader.js';
import { issuedPdf } from '../src/import/pdfs.js';
import { LowdbStore } from '../src/store/lowdb/store.js';
import { Verifier } from '../src/verification/verify.js';
import { heading, mb, median, ms, peakRssMb, percentile, report, sized } from './support/measure.js';

/**
 * Benchmark 13, Verify: what checking a copy a customer sends costs (issue 24). A genuine copy
 * is found by its hash; an altered one is read (pdf.js, on a reading thread) with the genuine
 * one and compared; against poppler's `pdftotext`, a C reader, reading the same file in a
 * process of its own, in alternating rounds. Then the bombs of test/fixtures/billing-pdfs:
 * how long until each is refused, the peak memory, and how late the main thread's event loop
 * ran meanwhile (it answers everyone else while a bomb is read).
 */

const fixtures = path.resolve(import.meta.dirname, '..', 'test', 'fixtures', 'billing-pdfs');
const fixture = (name: string) => readFile(path.join(fixtures, name));
heading('Verify', 'a customer\u2019s copy checked: genuine by hash, altered by reading both; the bombs refused');

const dir = await mkdtemp(path.join(tmpdir(), 'facteur-bench-verify-'));
const store = await LowdbStore.open(path.join(dir, 'db.json'));
await store.save(demoData(new Date('2026-11-25')));
const genuine = await fixture('1266.pdf');
await store.save({ pdfs: [{ pdf: issuedPdf('1266', genuine, new Date().toISOString()), bytes: genuine }] });
const reader = new PdfReader({ ...READER_LIMITS, timeoutMs: 5_000 });
const documents = await InvoiceDocuments.create({ dataDir: dir, templatesDir: path.resolve(import.meta.dirname, '..', 'templates'), issued: store });
const verifier = new Verifier({ store, documents, reader, maxBytes: 10 * 1024 * 1024, providerName: documents.brand.name });

const altered = await fixture('1266-iban.pdf');
const rounds = sized(20, 200);
// Warm: the reading threads start (pdf.js loaded) before anything is timed.
await verifier.verify(altered);
const timings: Record<string, number[]> = { genuine: [], altered: [], pdftotext: [] };
for (let round = 0; round < rounds; round++) {
  for (const [name, run] of Object.entries({
    genuine: () => verifier.verify(genuine),
    altered: () => verifier.verify(altered),
    pdftotext: () => promisify(execFile)('pdftotext', ['-raw', path.join(fixtures, '1266-iban.pdf'), '-']),
  })) {
    const started = performance.now();
    await run();
    timings[name]!.push(performance.now() - started);
  }
}

const beforeBombs = peakRssMb();
const lag = monitorEventLoopDelay({ resolution: 10 });
const bombs: { name: string; refusedIn: number; reason: string }[] = [];
lag.enable();
for (const name of ['bomb-time.pdf', 'bomb-memory.pdf']) {
  const started = performance.now();
  const verdict = await verifier.verify(await fixture(name));
  bombs.push({ name, refusedIn: performance.now() - started, reason: verdict.kind === 'unreadable' ? verdict.reason : verdict.kind });
}
lag.disable();
await reader.close();
await store.close();
await rm(dir, { recursive: true, force: true });

report([
  { label: 'a genuine copy, found by its hash (median)', value: ms(median(timings.genuine!)) },
  { label: 'an altered copy, read and compared (median)', value: ms(median(timings.altered!)) },
  { label: 'an altered copy (95th percentile)', value: ms(percentile(timings.altered!, 95)) },
  { label: 'baseline: pdftotext reading it (median)', value: ms(median(timings.pdftotext!)) },
  // The limit here is 5 s; a bomb met after another also waits for a fresh reading thread to start.
  ...bombs.map((bomb) => ({
    label: `${bomb.name} refused in`,
    value: ms(bomb.refusedIn),
    target: '≤ 5 s limit + a thread start',
    met: bomb.refusedIn <= 8_000,
  })),
  { label: 'main thread\u2019s event loop, worst delay meanwhile', value: ms(lag.max / 1e6), target: '≤ 100 ms', met: lag.max / 1e6 <= 100 },
  { label: 'peak RSS before the bombs (reading threads included)', value: mb(beforeBombs) },
  { label: 'peak RSS with the bombs', value: mb(peakRssMb()) },
]);
for (const bomb of bombs) console.log(`  ${bomb.name}: ${bomb.reason}`);

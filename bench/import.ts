/**
 * The import on hostile and on large files: 20,000 copies of one invoice number, and a
 * valid export of 50 MB (`--full`; quick: 5 MB). Each run is a process of its own, so that
 * its peak memory is its own. The baseline, in the same run, is reading and parsing the
 * same file with nothing else done: what no import can go below.
 *
 *   npx tsx bench/import.ts [--full]
 */
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { importInvoices } from '../src/import/import.js';
import { formatReport } from '../src/import/report.js';
import { operatorWords } from '../src/cli/words.js';
import { Catalog } from '../src/templates/catalog.js';
import { LowdbStore } from '../src/store/lowdb/store.js';
import { heading, mb, ms, peakRssMb, report, sized, times } from './support/measure.js';

const VALID_MB = sized(5, 50);

if (process.argv[2] === '--child') await child(process.argv[3]!, process.argv[4]!);
else await main();

async function main(): Promise<void> {
  heading('Import', `20,000 copies of one number; a valid export of ${VALID_MB} MB`);
  const dir = await mkdtemp(path.join(tmpdir(), 'facteur-bench-import-'));
  try {
    const copies = path.join(dir, 'copies.json');
    await writeFile(copies, JSON.stringify(Array.from({ length: 20_000 }, () => invoice(1210))));
    const valid = path.join(dir, 'valid.json');
    await writeFile(valid, validExport(VALID_MB * 1024 * 1024));
    for (const [label, file] of [
      ['20,000 copies of one number', copies],
      [`valid export, ${VALID_MB} MB`, valid],
    ] as const) {
      const size = (await stat(file)).size / 2 ** 20;
      const parse = await run('parse', file);
      const imported = await run('import', file, dir);
      console.log(`\n  ${label} (${size.toFixed(1)} MB): ${imported.summary}`);
      report([
        { label: 'import, time', value: ms(imported.ms) },
        { label: 'import, peak memory', value: mb(imported.peakMb) },
        { label: 'baseline: read and parse, time', value: ms(parse.ms) },
        { label: 'baseline: read and parse, peak memory', value: mb(parse.peakMb) },
        { label: 'import / baseline, time', value: times(imported.ms / parse.ms) },
        { label: 'import / baseline, memory', value: times(imported.peakMb / parse.peakMb) },
      ]);
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

interface Measured {
  ms: number;
  peakMb: number;
  summary: string;
}

function run(what: 'parse' | 'import', file: string, dir = ''): Promise<Measured> {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, [...process.execArgv, import.meta.filename, '--child', what, file, dir], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    proc.stdout.on('data', (chunk: Buffer) => (out += chunk));
    proc.on('close', (code) => (code === 0 ? resolve(JSON.parse(out) as Measured) : reject(new Error(`${what} of ${file} exited ${code}`))));
  });
}

async function child(what: string, file: string): Promise<void> {
  const say = operatorWords(await Catalog.load(path.resolve(import.meta.dirname, '..', 'templates')));
  const started = performance.now();
  let summary = '';
  if (what === 'parse') JSON.parse(await readFile(file, 'utf8'));
  else {
    const store = await LowdbStore.open(path.join(path.dirname(file), `store-${path.basename(file, '.json')}`, 'db.json'));
    summary = formatReport(await importInvoices(store, file), say).split('\n')[0]!;
  }
  process.stdout.write(JSON.stringify({ ms: performance.now() - started, peakMb: peakRssMb(), summary }));
}

function invoice(n: number): Record<string, unknown> {
  return {
    number: `F-${n}`,
    customer: `client${n % 5000}@example.cm`,
    customerName: `Client ${n % 5000}`,
    issuedAt: '2024-01-17',
    dueAt: '2024-02-17',
    currency: 'XAF',
    lines: [
      { label: 'Hébergement Pro (4 mois)', quantity: 1, unitPrice: 60000 },
      { label: 'Nom de domaine .cm', quantity: 1, unitPrice: 15000 },
    ],
    taxes: [{ label: 'TVA', rate: 19.25 }],
    status: 'unpaid',
  };
}

/** Invoices with distinct numbers until the file is `bytes` long. */
function validExport(bytes: number): string {
  const one = JSON.stringify(invoice(1)).length + 1;
  return JSON.stringify(Array.from({ length: Math.floor(bytes / one) }, (_, i) => invoice(100_000 + i)));
}

import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { invoicePage } from '../src/documents/page.js';
import { loadInvoiceTemplate } from '../src/documents/template.js';
import { customer, invoices } from './support/fixtures.js';
import { heading, median, ms, report, sized, time, times } from './support/measure.js';

/**
 * Benchmark 8, CLI: the wall time of `facteur --help` and of `facteur ask` answering a
 * question on demo data, against a bare `node -e 0` in the same run, each run a process of
 * its own as an operator starts it; then how long a render thread takes to be ready. The
 * contenders alternate round by round, so that a busy neighbour slows each alike.
 *
 * They run in this shell's environment, less Facteur's own settings (demo data, whatever
 * this shell configures). Where NODE_EXTRA_CA_CERTS is set, they run without it too: Node
 * reads that file at every start, which slows `node -e 0` and so shrinks every ratio.
 *
 * It measures the build in dist/, as bin/facteur.js runs it: run `npm run build` first.
 */

const ROOT = path.resolve(import.meta.dirname, '..');
const BIN = path.join(ROOT, 'bin', 'facteur.js');
const ASK = ['ask', '--as', 'awa@example.cm', 'factures'];
const SETTINGS = /^(FACTEUR_|DATABASE_URL$|LOG_LEVEL$|NODE_ENV$|IMAP_|SMTP_|MAIL_|PUSH_|DELIVERY_|DISCORD_)/;

const dataDir = await mkdtemp(path.join(os.tmpdir(), 'facteur-bench-cli-'));
const shell = { ...Object.fromEntries(Object.entries(process.env).filter(([name]) => !SETTINGS.test(name))), FACTEUR_DATA_DIR: dataDir } as Record<
  string,
  string
>;
const { NODE_EXTRA_CA_CERTS: extraCerts, ...withoutCerts } = shell;
const environments: Record<string, Record<string, string>> = { 'this shell': shell, ...(extraCerts ? { 'without NODE_EXTRA_CA_CERTS': withoutCerts } : {}) };
// Run from the data folder, so that no .env of the working directory configures channels.
const run = (file: string, args: string[], env = shell) => promisify(execFile)(file, args, { env, cwd: dataDir });

/**
 * A render thread is ready once it has started and loaded its module (pdfmake, PDFKit, the
 * fonts read): RenderPool posts it a page at once, and the thread renders it as soon as it
 * can. So "ready" is timed as a fresh pool's first PDF of a page with no text, from the
 * pool's creation: readiness plus a blank document (~5 ms). Then, each on a fresh thread
 * too, a page of one word, which adds the decoding of the font's layout tables that fontkit
 * does on first use, and an invoice, which is what a customer waits for when no thread is
 * running yet. In a process of its own, from dist/, so that the thread loads the compiled
 * worker with no tsx in the way (a thread inherits its process's flags); a module of its own,
 * since `--input-type` would reach the thread too.
 */
const RENDER_READY = `
import { readFileSync } from 'node:fs';
const { RenderPool } = await import(process.env.RENDER_POOL);
const invoice = JSON.parse(readFileSync(process.env.RENDER_PAGE, 'utf8'));
const first = async (page) => {
  const pool = new RenderPool(1);
  const started = performance.now();
  await pool.render(page);
  const took = performance.now() - started;
  await pool.close();
  return took;
};
console.log(JSON.stringify({ blank: await first({ content: [] }), word: await first({ content: 'Facteur' }), invoice: await first(invoice) }));
`;
type FirstPdf = { blank: number; word: number; invoice: number };

try {
  heading('CLI', 'facteur --help and facteur ask against node -e 0, each a process of its own; a render thread made ready');
  // Refused, with what to run, when dist/ is missing or older than src/; the first ask adds the demo data.
  await run(process.execPath, [BIN, '--help']).catch((error: { stderr: string }) => {
    throw new Error(`cli bench: ${error.stderr.trim()}`);
  });
  await run(process.execPath, [BIN, ...ASK]);
  const pageFile = path.join(dataDir, 'page.json');
  const template = await loadInvoiceTemplate(path.join(ROOT, 'templates'));
  await writeFile(pageFile, JSON.stringify(invoicePage(template, invoices(1)[0]!, customer)));
  const pool = pathToFileURL(path.join(ROOT, 'dist', 'documents', 'pool.js')).href;
  const renderReady = path.join(dataDir, 'render-ready.mjs');
  await writeFile(renderReady, RENDER_READY);

  const contenders: Record<string, string[]> = { node: ['-e', '0'], help: [BIN, '--help'], ask: [BIN, ...ASK] };
  const runs = Object.entries(environments).flatMap(([where, env]) =>
    Object.entries(contenders).map(([what, args]) => ({ where, what, args, env, wall: [] as number[] })),
  );
  const render: FirstPdf[] = [];
  for (const { args, env } of runs) await run(process.execPath, args, env);
  for (let round = 0; round < sized(10, 40); round++) {
    for (const { args, env, wall } of runs) wall.push(await time(() => run(process.execPath, args, env)));
    const { stdout } = await run(process.execPath, [renderReady], { ...shell, RENDER_POOL: pool, RENDER_PAGE: pageFile });
    render.push(JSON.parse(stdout) as FirstPdf);
  }

  for (const where of Object.keys(environments)) {
    const wall = (what: string) => median(runs.find((r) => r.where === where && r.what === what)!.wall);
    const [node, help, ask] = [wall('node'), wall('help'), wall('ask')];
    console.log(`\n  in ${where === 'this shell' ? 'this shell\u2019s environment' : `this shell\u2019s environment ${where}`}:`);
    report([
      { label: 'node -e 0, median', value: ms(node) },
      { label: 'facteur --help, median', value: ms(help) },
      { label: 'facteur --help / node -e 0', value: times(help / node), target: '≤ 2.5×', met: help / node <= 2.5 },
      { label: 'facteur ask "factures", median', value: ms(ask) },
      { label: 'facteur ask / node -e 0', value: times(ask / node), target: '≤ 6×', met: ask / node <= 6 },
    ]);
  }
  const [ready, word, invoice] = [median(render.map((r) => r.blank)), median(render.map((r) => r.word)), median(render.map((r) => r.invoice))];
  console.log('\n  a render thread, from dist/ (each figure a fresh pool\u2019s first PDF):');
  report([
    { label: 'ready: a page with no text, median', value: ms(ready), target: '< 150 ms', met: ready < 150 },
    { label: 'a page of one word, median', value: ms(word) },
    { label: 'an invoice, median', value: ms(invoice) },
  ]);
} finally {
  await rm(dataDir, { recursive: true, force: true });
}

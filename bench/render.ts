import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { buffer } from 'node:stream/consumers';
import type { Invoice } from '../src/billing/types.js';
import { InvoiceDocuments } from '../src/documents/index.js';
import { invoicePage } from '../src/documents/page.js';
import { renderPdf, ROBOTO } from '../src/documents/pdf.js';
import { RenderPool } from '../src/documents/pool.js';
import { loadInvoiceTemplate } from '../src/documents/template.js';
import { pdfText } from '../test/support/read.js';
import { customer, invoices } from './support/fixtures.js';
import { heading, ms, report, sized, time, times } from './support/measure.js';
import { pdfkitInvoice, ROBOTO_BYTES } from './support/pdfkit-invoice.js';

/**
 * Benchmark 1, Render: Facteur's invoice PDF against raw PDFKit drawing the same page, in
 * the same process; then a PDF served from the render cache against a fresh one; then
 * rendering many invoices on one thread against the render pool on every core.
 */

const template = await loadInvoiceTemplate(path.resolve(import.meta.dirname, '..', 'templates'));
heading('Render', `an ${invoices(1)[0]!.lines.length}-line invoice in French, Roboto embedded`);

// Same page: both say the same words and amounts.
const [first] = invoices(1);
const texts = [
  await pdfText(await renderPdf(invoicePage(template, first!, customer))),
  await pdfText(await pdfkitInvoice(template, first!, customer, ROBOTO_BYTES)),
];
for (const expected of ['Facture n° 100000', '247 444 FCFA', 'Non payée']) {
  if (!texts.every((text) => text.includes(expected))) throw new Error(`render bench: the two PDFs differ, "${expected}" is missing from one`);
}

// Per invoice, in alternating runs of ten, so that a noisy neighbour slows every contender alike.
const contenders: Record<string, (invoice: Invoice) => Promise<Uint8Array>> = {
  facteur: (invoice) => renderPdf(invoicePage(template, invoice, customer)),
  pdfkit: (invoice) => pdfkitInvoice(template, invoice, customer, ROBOTO_BYTES),
  pdfkitParsedOnce: (invoice) => pdfkitInvoice(template, invoice, customer, ROBOTO),
};
const spent: Record<string, number> = { facteur: 0, pdfkit: 0, pdfkitParsedOnce: 0 };
const sample = invoices(sized(100, 500));
for (const render of Object.values(contenders)) for (const invoice of sample.slice(0, 20)) await render(invoice);
for (let at = 0; at < sample.length; at += 10) {
  for (const [name, render] of Object.entries(contenders)) {
    spent[name]! += await time(async () => {
      for (const invoice of sample.slice(at, at + 10)) await render(invoice);
    });
  }
}
const [facteur, pdfkit, pdfkitParsedOnce] = [spent.facteur!, spent.pdfkit!, spent.pdfkitParsedOnce!].map((total) => total / sample.length) as [
  number,
  number,
  number,
];

// A PDF served fresh, then from the cache: the attachment ready to send, then its bytes read.
const dataDir = await mkdtemp(path.join(os.tmpdir(), 'facteur-bench-render-'));
const documents = await InvoiceDocuments.create({ dataDir, templatesDir: path.resolve(import.meta.dirname, '..', 'templates') });
const served = invoices(sized(50, 200), 200_000);
await documents.pdfAttachment(invoices(1, 300_000)[0]!, customer); // starts a render thread
const serveAll = async () => {
  let [ready, read] = [0, 0];
  for (const invoice of served) {
    const started = performance.now();
    const attachment = await documents.pdfAttachment(invoice, customer);
    const got = performance.now();
    await buffer(await attachment.open());
    [ready, read] = [ready + got - started, read + performance.now() - got];
  }
  return { ready: ready / served.length, read: read / served.length };
};
const fresh = await serveAll();
const cached = await serveAll();
await rm(dataDir, { recursive: true, force: true });

// Many invoices: one after the other on this thread, then all at once on the pool, in
// alternating rounds of a hundred like the per-invoice figures.
const pages = invoices(sized(200, 1000), 400_000).map((invoice) => invoicePage(template, invoice, customer));
const pool = new RenderPool();
const poolStart = await time(() => Promise.all(Array.from({ length: pool.size }, () => pool.render(pages[0]!))));
// As warm as this thread is by now: a fresh thread's first renders run unoptimised code.
await Promise.all(pages.slice(0, 50 * pool.size).map((page) => pool.render(page)));
let [oneThread, onPool] = [0, 0];
for (let at = 0; at < pages.length; at += 100) {
  const round = pages.slice(at, at + 100);
  oneThread += await time(async () => {
    for (const page of round) await renderPdf(page);
  });
  onPool += await time(() => Promise.all(round.map((page) => pool.render(page))));
}
await pool.close();

report([
  { label: 'raw PDFKit, per invoice (parses the fonts per document)', value: ms(pdfkit) },
  { label: 'Facteur (page + pdfmake), per invoice', value: ms(facteur) },
  { label: 'Facteur / raw PDFKit', value: times(facteur / pdfkit), target: '≤ 1.3×', met: facteur / pdfkit <= 1.3 },
  { label: 'raw PDFKit given the fonts parsed once, like Facteur', value: ms(pdfkitParsedOnce) },
  {
    label: 'Facteur / that PDFKit (pdfmake\u2019s own cost)',
    value: times(facteur / pdfkitParsedOnce),
    target: '≤ 1.3×',
    met: facteur / pdfkitParsedOnce <= 1.3,
  },
  { label: 'fresh PDF ready to send (page, render thread, write)', value: ms(fresh.ready) },
  { label: 'cached PDF ready to send (page, hash, stat)', value: ms(cached.ready) },
  { label: 'cached: times faster than fresh', value: times(fresh.ready / cached.ready), target: '≥ 50×', met: fresh.ready / cached.ready >= 50 },
  { label: 'reading its bytes, as a channel does (fresh or cached)', value: ms((fresh.read + cached.read) / 2) },
  {
    label: 'cached, bytes read included: times faster than fresh',
    value: times((fresh.ready + fresh.read) / (cached.ready + cached.read)),
    target: '≥ 50×',
    met: (fresh.ready + fresh.read) / (cached.ready + cached.read) >= 50,
  },
  { label: `${pages.length} invoices on one thread`, value: ms(oneThread) },
  { label: `${pages.length} invoices on the pool (${pool.size} threads)`, value: ms(onPool) },
  { label: 'pool: times faster than one thread', value: times(oneThread / onPool), target: '≥ 1.7×', met: oneThread / onPool >= 1.7 },
  { label: `pool start (${pool.size} threads, first render each)`, value: ms(poolStart) },
]);

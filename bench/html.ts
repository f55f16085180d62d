import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { htmlToText } from 'html-to-text';
import { simpleParser } from 'mailparser';
import { whatIsSeen } from '../src/channels/email/seen.js';
import { heading, median, ms, peakRssMb, report, sized, type Figure } from './support/measure.js';

/**
 * Benchmark 12, What a reader sees: the time to read a mail's HTML part as a person sees it
 * (parse5's tree, the stylesheet matched in one walk, hidden nodes taken out, html-to-text),
 * against what the inbox did before: mailparser's html-to-text alone on the same HTML, which
 * read hidden text as the customer's. Mails of the test corpus as clients write them, then
 * hostile ones the size of the most the inbox reads of a message (1 MiB): a flat megabyte of
 * elements, a page nested 100,000 deep, a stylesheet at the matching budget, and selectors a
 * browser backtracks on over a deep page.
 */

const corpus = path.resolve(import.meta.dirname, '..', 'test', 'fixtures', 'html-mails');
const htmlOf = async (file: string) => (await simpleParser(await readFile(path.join(corpus, file)))).html as string;
const typical = {
  'Gmail reply (quote, signature)': await htmlOf('gmail-reply.eml'),
  'Outlook reply (Word stylesheet)': await htmlOf('outlook-reply.eml'),
  'forwarded newsletter (preheader, tables)': await htmlOf('newsletter-forward.eml'),
};
const rules = Array.from({ length: 500 }, (_, i) => `.c${i} span { color: #${(i % 4096).toString(16).padStart(3, '0')} }`).join('\n');
const backtracking = Array.from({ length: 40 }, (_, i) => `p${' div'.repeat(1 + (i % 5))} x { display: none }`).join('\n');
const hostile = {
  'a flat megabyte of elements (70,000 spans)': `<p>Bonjour</p>${'<span>a</span>'.repeat(70_000)}`,
  'nested 100,000 deep': `<p>Bonjour</p>${'<div>'.repeat(100_000)}zip 2019${'</div>'.repeat(100_000)}`,
  '500 rules over 10,000 elements (the matching budget)': `<style>${rules}</style>${'<div class="c7"><span>a</span></div>'.repeat(5000)}`,
  'p div … x selectors over a page 150 deep': `<style>${backtracking}</style>${'<div>'.repeat(150)}${'<x>a</x>'.repeat(500)}${'</div>'.repeat(150)}`,
};
heading(
  'What a reader sees',
  `${Object.keys(typical).length} mails of test/fixtures/html-mails and ${Object.keys(hostile).length} hostile pages of up to 1 MiB`,
);

/** The old way: mailparser's own conversion, as it calls it (nesting cut at 1,000). */
const before = (html: string) => htmlToText(html, { limits: { maxDepth: 1000 } });

function timed(run: () => unknown): number | 'fails' {
  const started = performance.now();
  try {
    run();
  } catch {
    return 'fails';
  }
  return performance.now() - started;
}

const rounds = sized(20, 200);
const figures: Figure[] = [];
for (const [name, html] of Object.entries(typical)) {
  whatIsSeen(html);
  before(html);
  const seen: number[] = [];
  const old: number[] = [];
  for (let round = 0; round < rounds; round++) {
    seen.push(timed(() => whatIsSeen(html)) as number);
    old.push(timed(() => before(html)) as number);
  }
  figures.push({ label: `${name}: read as seen (median)`, value: ms(median(seen)) });
  figures.push({ label: `${name}: html-to-text alone, as before (median)`, value: ms(median(old)) });
}
for (const [name, html] of Object.entries(hostile)) {
  const seen = timed(() => whatIsSeen(html));
  const old = timed(() => before(html));
  figures.push({
    label: `${name}: read as seen`,
    value: seen === 'fails' ? 'fails' : ms(seen),
    target: '< 10 s, no crash',
    met: seen !== 'fails' && seen < 10_000,
  });
  figures.push({ label: `${name}: html-to-text alone, as before`, value: old === 'fails' ? 'fails' : ms(old) });
}
figures.push({ label: 'peak RSS', value: `${peakRssMb().toFixed(0)} MB` });
report(figures);

import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import * as chrono from 'chrono-node';
import { parse } from '../src/assistant/reading/read.js';
import { readRequest } from '../src/assistant/reading/request.js';
import { readZones } from '../src/channels/email/zones.js';
import { heading, median, ms, percentile, report, sized } from './support/measure.js';

/**
 * Benchmark 7, Grammar: the time to read one customer's sentence into a command, over the
 * corpus the tests assert (test/fixtures/phrasings/), against chrono-node alone reading the
 * same sentences in French and English, which the grammar calls on every sentence; then a
 * long mail, as the inbox hands it over, with its quoted history and signature, read into zones.
 * `before` is the grammar as it was before the reading in stages (issue 23), taken from git
 * (GRAMMAR_BASELINE, a commit) into a temporary folder, read in the same run.
 */

const TODAY = '2026-11-25';
const fixtures = path.resolve(import.meta.dirname, '..', 'test', 'fixtures', 'phrasings');
const read = async (name: string) => (JSON.parse(await readFile(path.join(fixtures, name), 'utf8')) as { text: string }[]).map((entry) => entry.text);
const sentences = [...(await read('fr.json')), ...(await read('en.json')), ...(await read('negations.json'))];
heading('Grammar', `${sentences.length} sentences of test/fixtures/phrasings, read one by one`);

/** The one-class grammar before issue 23's stages, as the commit that last had it holds it. */
const BASELINE = process.env.GRAMMAR_BASELINE ?? '3e7f596';
const root = path.resolve(import.meta.dirname, '..');
const baselineDir = await mkdtemp(path.join(tmpdir(), 'facteur-grammar-'));
execFileSync('tar', ['-x', '-C', baselineDir], { input: execFileSync('git', ['-C', root, 'archive', BASELINE, 'src']) });
await symlink(path.join(root, 'node_modules'), path.join(baselineDir, 'node_modules'));
const before = (await import(pathToFileURL(path.join(baselineDir, 'src', 'assistant', 'grammar.ts')).href)) as { parse: typeof parse };

const reference = new Date(`${TODAY}T12:00:00Z`);
const contenders: Record<string, (text: string) => unknown> = {
  grammar: (text) => parse(text, TODAY),
  before: (text) => before.parse(text, TODAY),
  chrono: (text) => [...chrono.fr.parse(text, reference), ...chrono.en.parse(text, reference)],
};
const rounds = sized(5, 30);
// Warm both, then alternate rounds so that a busy neighbour slows each alike.
for (const run of Object.values(contenders)) for (const text of sentences) run(text);
const perSentence: Record<string, number[]> = { grammar: [], before: [], chrono: [] };
for (let round = 0; round < rounds; round++) {
  for (const [name, run] of Object.entries(contenders)) {
    for (const text of sentences) {
      const started = performance.now();
      run(text);
      perSentence[name]!.push(performance.now() - started);
    }
  }
}
const mean = (values: number[]) => values.reduce((sum, value) => sum + value, 0) / values.length;
const [grammar, old, alone] = [mean(perSentence.grammar!), mean(perSentence.before!), mean(perSentence.chrono!)];
await rm(baselineDir, { recursive: true, force: true });

const mail = [
  'Bonjour Madame, Monsieur,',
  '',
  'Suite à notre échange téléphonique de ce matin, pourriez-vous me faire parvenir les factures impayées du premier trimestre 2025, en un seul fichier zip si possible ?',
  'Notre comptable en a besoin avant la clôture.',
  '',
  'Cordialement,',
  'Jean-Paul Fotso',
  'Tél : +237 6 99 12 34 56',
  'BP 4512 Douala',
  '',
  'Le mer. 25 nov. 2026 à 10:02, Facteur <facturation@facteur.example> a écrit :',
  ...Array.from({ length: 200 }, (_, i) => `> Facture n° ${1200 + i} du ${(i % 28) + 1} mars 2024 : 89 438 FCFA`),
].join('\n');
const reply = { subject: 'Re: Vos factures', text: mail, inReplyTo: '<r1@facteur.example>', references: [] };
const asked = readRequest({ zones: readZones(reply), context: { channel: 'mail' } }, TODAY);
if (asked.command?.intent !== 'zip' || !asked.text.includes('trimestre'))
  throw new Error(`grammar bench: the mail was read as ${asked.command?.intent}, not as the ZIP it asks for`);
const mails = Array.from({ length: sized(200, 2000) }, () => {
  const started = performance.now();
  readRequest({ zones: readZones(reply), context: { channel: 'mail' } }, TODAY);
  return performance.now() - started;
});

report([
  { label: 'chrono-node alone (fr + en), per sentence', value: ms(alone) },
  { label: `before the stages (${BASELINE}), per sentence (mean)`, value: ms(old) },
  { label: 'grammar, chrono-node included, per sentence (mean)', value: ms(grammar), target: '< 1 ms', met: grammar < 1 },
  { label: 'grammar / before the stages', value: `${(grammar / old).toFixed(2)}×` },
  { label: 'grammar, median sentence', value: ms(median(perSentence.grammar!)) },
  { label: 'grammar, 99th percentile sentence', value: ms(percentile(perSentence.grammar!, 99)) },
  { label: 'grammar / chrono-node alone', value: `${(grammar / alone).toFixed(2)}×` },
  { label: `a ${mail.split('\n').length}-line reply with its quote and signature (mean)`, value: ms(mean(mails)) },
]);

import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from '../src/assistant/reading/read.js';
import { canonical } from './support/commands.js';

/**
 * Sentences as customers write them (test/fixtures/phrasings/), each with the command it
 * must become. Today is fixed, so that "le mois dernier" always means the same month.
 */
const TODAY = '2026-11-25';
const FIXTURES = path.resolve(import.meta.dirname, 'fixtures', 'phrasings');

const load = async (name: string) => JSON.parse(await readFile(path.join(FIXTURES, name), 'utf8')) as { text: string; expect: ReturnType<typeof canonical> }[];
const corpus = { fr: await load('fr.json'), en: await load('en.json') };
const negations = JSON.parse(await readFile(path.join(FIXTURES, 'negations.json'), 'utf8')) as { text: string; not: Record<string, unknown> }[];

describe('what customers write', () => {
  it('holds at least 400 phrasings, 150 of them in English', () => {
    expect(corpus.fr.length + corpus.en.length).toBeGreaterThanOrEqual(400);
    expect(corpus.en.length).toBeGreaterThanOrEqual(150);
  });

  for (const [language, entries] of Object.entries(corpus)) {
    describe(language, () => {
      it.each(entries.map((entry) => [entry.text, entry.expect] as const))('%j', (text, expected) => {
        expect(canonical(parse(text, TODAY).command)).toEqual(expected);
      });
    });
  }

  it.each(negations.map((entry) => [entry.text, entry.not] as const))('%j is never read as its opposite', (text, opposite) => {
    expect(canonical(parse(text, TODAY).command)).not.toEqual(opposite);
  });

  it('reads every example the help gives, in both languages, as what the help says it does', async () => {
    const shown: Record<string, string[]> = {
      'help.list': ['list', 'page'],
      'help.pdf': ['pdf', 'singleInvoice'],
      'help.balance': ['balance', 'list'],
      'help.details': ['details'],
      'help.zip': ['zip'],
      'help.notifications': ['notifications', 'attachments', 'address', 'contactAdd'],
    };
    for (const locale of ['fr', 'en'] as const) {
      const messages = JSON.parse(await readFile(path.resolve(import.meta.dirname, '..', 'templates', 'messages', `${locale}.json`), 'utf8')) as Record<
        string,
        string
      >;
      const help = Object.keys(messages).filter((key) => key.startsWith('help.') && key !== 'help.intro');
      expect(help.toSorted()).toEqual(Object.keys(shown).toSorted());
      for (const key of help) {
        const examples = [...messages[key]!.matchAll(/«\s*([^»]+?)\s*»|"([^"]+)"/g)].map((m) => (m[1] ?? m[2])!);
        expect(examples.length).toBeGreaterThan(1);
        for (const example of examples) expect([key, example, parse(example, TODAY).command?.intent]).toEqual([key, example, expect.toBeOneOf(shown[key]!)]);
      }
    }
  });

  it('answers an English sentence in English and a French one in French', () => {
    for (const { text } of corpus.en.filter((entry) => entry.expect !== null)) expect([text, parse(text, TODAY).locale]).not.toEqual([text, 'fr']);
    for (const { text } of corpus.fr.filter((entry) => entry.expect !== null)) expect([text, parse(text, TODAY).locale]).not.toEqual([text, 'en']);
  });
});

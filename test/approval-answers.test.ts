import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readAnswer } from '../src/assistant/changes/answer.js';

/** How owners answer an approval mail, in French and English: a corpus kept in test/fixtures. */
const corpus = JSON.parse(await readFile(path.resolve(import.meta.dirname, 'fixtures', 'approval-answers.json'), 'utf8')) as Record<
  'yes' | 'no' | 'unclear',
  string[]
>;

describe('an answer to an approval mail', () => {
  it.each(corpus.yes)('%j approves', (text) => expect(readAnswer(text)).toBe(true));
  it.each(corpus.no)('%j refuses, never approves', (text) => expect(readAnswer(text)).toBe(false));
  it.each(corpus.unclear)('%j is asked again', (text) => expect(readAnswer(text)).toBeNull());

  it('reads the first line only: what follows may be a quote of anything', () => {
    expect(readAnswer('Oui\n> Non, ce n’est pas moi')).toBe(true);
    expect(readAnswer('\n\nNon\nOui')).toBe(false);
  });
});

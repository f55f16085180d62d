import { describe, expect, it } from 'vitest';
import { parse } from '../src/assistant/reading/read.js';
import { SHORT_FORMS, shortForms } from '../src/assistant/reading/short-forms.js';
import { WORDS } from '../src/assistant/reading/words.js';
import { normalise } from '../src/assistant/reading/tokens.js';

/** Short and spoken forms (SMS style) read as the words they stand for, and nothing else. */
describe('short forms', () => {
  it.each([
    ['kel factur jai pa encor payé', "quel factur j'ai pas encore payé"],
    ['slt c comment la 1268 jé deja payé', "slt c comment la 1268 j'ai deja payé"],
    ['factures ds le 3e trim 2025', 'factures dans le 3e trimestre 2025'],
    ['on dit koi pr mes rappels ?', 'on dit quoi pour mes rappels ?'],
    ['Ttes mes FCTR 2024', 'toutes mes facture 2024'],
    ['svp envoi moi les factur 2 lanné passé', "svp envoi moi les factur de l'année passé"],
    ['factur 2 juillet 2022', 'factur de juillet 2022'],
    ['cb jdoi?', 'combien jdoi?'],
    ['c cb la 1268 ?', 'c combien la 1268 ?'],
    ['send my invoices 4 last yrs', 'send my invoices 4 last years'],
    ['hw much is 1291', 'how much is 1291'],
    ['gd morning, invoices 4 last yr plz', 'good morning, invoices for last year please'],
    ['amt owed?', 'amount owed?'],
  ])('%j reads as %j', (text, read) => {
    expect(shortForms(text)).toBe(read);
  });

  it.each([
    // A negation, or an English word, only where the sentence is French: « pa » alone may be anything.
    'pa',
    'trim the list please',
    'bal masqué',
    // Inside an address, a number with letters, a word: never touched.
    'pa@nkolo.cm',
    'facture INV-7',
    'grandpa',
    // A number is one, unless it stands between invoices and a period.
    'facture 2',
    '2 factures de 2024',
    'my 4 last invoices',
    'invoices 1210 4 1214',
    // "last" before a plural counts: the last four months, not last month.
    'invoices 4 last months',
    // « CB » after « par », « en », « ma »… is the bank card.
    "j'ai payé la 1268 par cb",
    'réglée en CB hier',
  ])('leaves %j as it is', (text) => {
    expect(shortForms(text)).toBe(text);
  });

  it('stands for no keyword of another meaning: each short form is unknown to the vocabulary, and its words are its own language’s or both', () => {
    for (const [short, { words, locale }] of Object.entries(SHORT_FORMS)) {
      expect(WORDS.has(short), short).toBe(false);
      for (const word of normalise(words)
        .split(/[^a-z]+/)
        .filter(Boolean))
        expect([locale, null, undefined], `${short} → ${word}`).toContain(WORDS.get(word)?.[1]);
    }
  });

  it('never makes a sentence its opposite: « pa » is a negation in a French sentence only', () => {
    expect(parse('kel factur jai pa encor payé', '2026-11-25').command).toEqual({ intent: 'list', filter: { status: 'unpaid' } });
    expect(parse('jé pa payé la 1268', '2026-11-25').command?.intent).not.toBe('paidClaim');
  });
});

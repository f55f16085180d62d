import type { Locale } from '../../billing/types.js';
import { normalise } from './tokens.js';
import { monthOf, WORDS } from './words.js';

/**
 * Short and spoken forms customers type (SMS style: « kel factur jai pa encor payé », "invoices
 * 4 last yr plz"), read as the words they stand for before anything else reads the sentence.
 *
 * A short table, not a guess: each form is one no customer writes for anything else, is no
 * word of the vocabulary (a test checks it), and is read only in a sentence of its language:
 * French forms where no word says English, English ones where no word says French. Forms
 * that could reverse a sentence or that are everyday words of the other language (« pa » is a
 * negation; "trim", « bal ») need a word of their own language beside them (`strict`), so
 * that « pa » alone, "trim the list" or « bal masqué » stay what they are. Typos of keywords
 * (« factres », « impayes ») are the tokenizer's; words written as numbers are `spoken.ts`'s.
 */
export const SHORT_FORMS: Record<string, ShortForm> = Object.fromEntries([
  ...table('fr', "jai=j'ai jé=j'ai koi=quoi kel=quel kels=quels kelle=quelle kelles=quelles pr=pour ds=dans ttes=toutes tte=toute fctr=facture fctrs=factures"),
  ...table('fr', "encor=encore lanne=l'année lannee=l'année dw=dois qd=quand pk=pourquoi pq=pourquoi tjrs=toujours"),
  // « CB » is also the bank card: « payée par CB », « en cb », « ma CB » keep it.
  ['cb', { words: 'combien', locale: 'fr', notAfter: new Set('par en via avec ma la une sa ta votre notre carte de du'.split(' ')) }],
  ...table('fr', 'pa=pas trim=trimestre trims=trimestres', true),
  ...table('en', 'yr=year yrs=years hw=how amt=amount gd=good plz=please wat=what wen=when ur=your stmt=statement inv=invoice invs=invoices'),
  ...table('en', 'u=you bal=balance', true),
]);

/** `strict`: read only beside a word of its language; `notAfter`: words after which the form is another word of the same letters. */
interface ShortForm {
  words: string;
  locale: Locale;
  strict?: true;
  notAfter?: Set<string>;
}

/** Entries written `short=words`, of one language. */
function table(locale: Locale, entries: string, strict?: true): [string, ShortForm][] {
  return entries.split(' ').map((entry) => {
    const [short, words] = entry.split('=') as [string, string];
    return [short, { words, locale, ...(strict ? { strict } : {}) }];
  });
}

/**
 * A digit for a word, between a word of invoices and a period: « factur 2 juillet », « les
 * factres 2 lanné passé » (« de »), "invoices 4 last yr" ("for"). Anywhere else it is a number.
 */
const DIGIT_FOR_WORD: Record<string, { words: string; locale: Locale }> = { '2': { words: 'de', locale: 'fr' }, '4': { words: 'for', locale: 'en' } };
const INVOICE_HEADS = new Set('facture factures factur facturs factres fctr fctrs invoice invoices inv invs bill bills'.split(' '));
/** Words that start a period after « de » or "for": besides month names and years. */
const PERIOD_STARTS = new Set('l lanne lannee annee an ce cette cet mon dernier derniere last this past previous the year yr month'.split(' '));
/** "last" before a plural counts what the digit says: "invoices 4 last months" are those of the last four months. */
const COUNTED = new Set('last past previous dernier derniere'.split(' '));

/** A word as the tokenizer would see it, with where it stands; `glued`: touching `@ . / - _`, so part of an address, a number or a path. */
interface Found {
  text: string;
  key: string;
  start: number;
  glued: boolean;
}

const WORD = /[\p{L}\p{N}]+/gu;
const GLUE = /[@./_\-\\]/;

export function shortForms(text: string): string {
  const found: Found[] = [...text.matchAll(WORD)].map((m) => ({
    text: m[0],
    key: m[0].toLowerCase(),
    start: m.index,
    glued: GLUE.test(text[m.index - 1] ?? '') || GLUE.test(text[m.index + m[0].length] ?? '') || /['’]/.test(text[m.index - 1] ?? ''),
  }));
  if (!found.some((w) => formOf(w.key) !== undefined || DIGIT_FOR_WORD[w.key] !== undefined)) return text;
  const vote = languageOf(found);
  let out = '';
  let at = 0;
  found.forEach((w, i) => {
    const form = w.glued ? undefined : (formAt(found, i) ?? digitForWord(found, i));
    if (!form || !fits(form, vote)) return;
    out += text.slice(at, w.start) + form.words;
    at = w.start + w.text.length;
  });
  return out + text.slice(at);
}

/** The form a word is, as typed (« jé ») or without its accents (« lanné »). */
function formOf(key: string): ShortForm | undefined {
  return SHORT_FORMS[key] ?? SHORT_FORMS[normalise(key)];
}

/** The form of the word at `i`, unless the word before makes it another word (« par CB »). */
function formAt(found: Found[], i: number): ShortForm | undefined {
  const form = formOf(found[i]!.key);
  const before = found[i - 1];
  return form?.notAfter && before && form.notAfter.has(normalise(before.key)) ? undefined : form;
}

/** The digit at `i` read as a word, when it stands between a word of invoices and a period. */
function digitForWord(found: Found[], i: number): { words: string; locale: Locale } | undefined {
  const form = DIGIT_FOR_WORD[found[i]!.key];
  const [before, after] = [found[i - 1], found[i + 1]];
  if (!form || !before || !after || !INVOICE_HEADS.has(normalise(before.key))) return undefined;
  const next = normalise(after.key);
  const then = found[i + 2] ? normalise(formOf(found[i + 2]!.key)?.words ?? found[i + 2]!.key) : '';
  if (COUNTED.has(next) && /s$/.test(then)) return undefined;
  const period =
    PERIOD_STARTS.has(next) || formOf(after.key)?.words === 'year' || /^(?:19|20)\d\d$/.test(next) || (monthOf(next) !== undefined && !WORDS.has(next));
  return period ? form : undefined;
}

/** Whether the sentence's language lets the form be read: not the other language's, and, for a strict form, its own. */
function fits(form: { locale: Locale; strict?: true }, vote: number): boolean {
  const own = form.locale === 'fr' ? vote : -vote;
  return form.strict ? own > 0 : own >= 0;
}

/** How the sentence's known words and accents vote: above zero French, below English. */
function languageOf(found: Found[]): number {
  let vote = 0;
  for (const w of found) {
    if (formOf(w.key)) continue;
    if (/[àâçéèêëîïôûùœ]/i.test(w.text)) vote += 1;
    const locale = WORDS.get(normalise(w.key))?.[1] ?? monthOf(normalise(w.key))?.locale;
    if (locale) vote += locale === 'fr' ? 1 : -1;
  }
  return vote;
}

import type { Token } from '../tokens.js';

/** Answers a customer may decline by name: « pas la liste », « inutile de m'envoyer le détail », "don't zip them", « pas besoin du relevé ». */
export type Declinable = 'list' | 'details' | 'pdf' | 'zip' | 'statement';

const NOUNS: Record<string, Declinable> = {
  liste: 'list',
  list: 'list',
  details: 'details',
  detail: 'details',
  breakdown: 'details',
  pdf: 'pdf',
  pdfs: 'pdf',
  zip: 'zip',
  zipped: 'zip',
  archive: 'zip',
  releve: 'statement',
  statement: 'statement',
};
/** What refuses a noun a few words after it: a negation, « sans », « inutile », "no need". */
const REFUSING = new Set(['pas', 'ne', 'n', 'non', 'not', 'no', 'never', 'inutile', 'sans', 'without', 'jamais']);
const NOT_RECEIVED = new Set(['envoye', 'envoyee', 'recu', 'recue', 'eu', 'sent', 'received', 'got', 'gotten']);
/** Verbs of being before a refusal, with which it says what a message lacked, not what is declined. */
const WAS = new Set(['avait', 'etait', 'etaient', 'was', 'were']);
/** What may stand between the refusal and the noun. */
const BETWEEN = new Set([
  'de',
  'd',
  'du',
  'des',
  'la',
  'le',
  'l',
  'les',
  'un',
  'une',
  'en',
  'me',
  'm',
  'moi',
  'the',
  'a',
  'an',
  'any',
  'for',
  'need',
  'besoin',
  'veux',
  'voulais',
  'want',
  'envoyer',
  'envoyez',
  'send',
  'joindre',
  'attach',
  'include',
  'inclure',
  'do',
  'plus',
  'more',
  'them',
  'it',
  'pdf',
]);
/** Words of the settings, with which a refused PDF is the setting's (« ne désactivez pas le PDF », « sans PDF »), not an answer declined. */
const SETTING_ROLES = new Set(['attachments', 'off', 'on', 'new', 'stop', 'notifications', 'reminders', 'chat', 'address', 'more']);

/** Words that give the form of what is sent: « en zip », « au format PDF », "as a zip", "in PDF". */
const FORM_MARKERS = new Set(['en', 'au', 'format', 'sous', 'forme', 'as', 'in', 'a', 'an', 'un', 'une']);
const ARTICLES = new Set(['a', 'an', 'un', 'une']);
/** Forms a sending can be refused in while its object stays asked. */
const FORMS = new Set<Declinable>(['zip', 'pdf']);

/**
 * The refusal of a sending whose object carries a form: « ne m'envoyez pas les factures 2024
 * en zip », "don't send the 2023 invoices as a zip", « pas la 1266 en PDF ». What is refused
 * is the form, not the invoices: returns the indexes of the refusing words and of the form's,
 * the object between left as asked, or null. At most twelve words back, over words of the
 * object only (invoices, numbers, periods, articles, the verb).
 */
function formRefused(tokens: Token[], i: number): number[] | null {
  const marker = [i - 1, i - 2].filter((j) => tokens[j]?.kind === 'word' && FORM_MARKERS.has((tokens[j] as { word: string }).word));
  // An article alone is no form: « mettez-les dans une archive » says where, "a zip" alone what.
  if (!marker.includes(i - 1) || !marker.some((j) => !ARTICLES.has((tokens[j] as { word: string }).word))) return null;
  const refusing: number[] = [];
  for (let j = Math.min(...marker) - 1; j >= Math.max(0, i - 12); j--) {
    const u = tokens[j]!;
    if (u.kind === 'word' && NOT_RECEIVED.has(u.corrected ?? u.word)) return null;
    if (u.kind === 'word' && REFUSING.has(u.word) && u.word !== 'sans' && u.word !== 'without') refusing.push(j);
    else if (!(u.kind !== 'word' || BETWEEN.has(u.word) || OBJECT_ROLES.has(u.role ?? 'filler'))) break;
  }
  return refusing.length > 0 ? [...refusing, ...marker, i] : null;
}
/** Roles of the words an object of sending is made of. */
const OBJECT_ROLES = new Set(['list', 'singularInvoice', 'send', 'all', 'paid', 'unpaid', 'unit', 'quarter', 'half', 'last', 'this', 'previous']);

export interface Declined {
  /** The tokens, the nouns declined and the words that refused them made fillers, so that no rule takes them for a request or a negation of the rest. */
  tokens: Token[];
  declined: Declinable[];
}

/**
 * Answers the sentence declines: « je ne veux pas la liste, envoyez les fichiers » asks the
 * files, « inutile de m'envoyer le détail, le PDF de la 1280 suffira » the PDF. The statement
 * is only noted (the balance reads its refusal itself).
 */
export function declinedIn(tokens: Token[]): Declined {
  const out = [...tokens];
  const declined: Declinable[] = [];
  const setting = tokens.some((t) => t.kind === 'word' && t.role !== null && SETTING_ROLES.has(t.role));
  tokens.forEach((t, i) => {
    if (t.kind !== 'word') return;
    const kind = NOUNS[t.word];
    if (!kind || (kind === 'pdf' && setting)) return;
    const form = FORMS.has(kind) ? formRefused(tokens, i) : null;
    if (form) {
      declined.push(kind);
      for (const k of form) out[k] = { ...(out[k] as Extract<Token, { kind: 'word' }>), role: 'filler', declined: true };
      return;
    }
    // The farthest refusing word of the run before the noun: « ne veux pas la liste » is all declined.
    let first = -1;
    for (let j = i - 1; j >= Math.max(0, i - 6); j--) {
      const u = tokens[j]!;
      // « vous ne m'avez pas envoyé le relevé » says it did not come, which asks for it.
      if (u.kind !== 'word' || NOT_RECEIVED.has(u.corrected ?? u.word) || !(REFUSING.has(u.word) || BETWEEN.has(u.word))) break;
      if (REFUSING.has(u.word)) first = j;
    }
    if (first < 0) return;
    // « il n'y avait pas de PDF », "there was no pdf inside": what was not there, which asks for it again.
    const before = tokens[first - 1];
    if (before?.kind === 'word' && WAS.has(before.corrected ?? before.word)) return;
    declined.push(kind);
    if (kind === 'statement') return;
    for (let k = first; k <= i; k++) {
      const w = out[k]!;
      if (w.kind === 'word') out[k] = { ...w, role: 'filler', declined: true };
    }
  });
  return { tokens: out, declined };
}

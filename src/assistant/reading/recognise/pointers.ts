import type { Word } from '../clause.js';
import type { Sentence } from '../sentence.js';

/** Words that stand for what was said before, in French and English. */
const POINTERS = new Set(['celle', 'celles', 'celui', 'ceux', 'elle', 'elles', 'ca', 'cela', 'ceci', 'it', 'them', 'those', 'these', 'both']);
/** Words before which `la`, `le`, `les`, `l'` stand for something (« me la renvoyer », « vous les envoyer », « je l'ai réglée »). */
const BEFORE_PRONOUN = new Set(['me', 'm', 'te', 't', 'nous', 'vous', 'lui', 'je', 'j', 'tu', 'il', 'on', 'ne', 'n']);
/** Words after which `la`, `le`, `les`, `l'` stand for something: a verb, not a noun (« l'ai réglée », « la renvoyer »). */
const AFTER_PRONOUN = new Set(['ai', 'as', 'a', 'avons', 'avez', 'ont', 'avais', 'avait']);
/** Roles of the verbs a pronoun goes before. */
const VERB_ROLES = new Set(['resend', 'send', 'pay', 'paid', 'want']);
/** Words that point at a thing by a noun after them: « cette facture », « ces factures », "this invoice", "these files". */
const DEMONSTRATIVES = new Set(['cette', 'cet', 'ces', 'this', 'that']);
const NOUN_ROLES = new Set(['singularInvoice', 'list', 'pdf', 'file', 'attachments']);

/** Whether the sentence points back at invoices said before: a pronoun, « cette facture », "the May one", "all three". */
export function pointsBack(s: Sentence): boolean {
  const { tokens } = s.clause;
  const word = (i: number): Word | undefined => (tokens[i]?.kind === 'word' ? (tokens[i] as Word) : undefined);
  return tokens.some((t, i) => {
    if (t.kind !== 'word') return false;
    const before = word(i - 1);
    const after = word(i + 1);
    // `ca` is also what is left of "can't" ("ca not").
    if (POINTERS.has(t.word)) return !(t.word === 'ca' && after?.word === 'not');
    // "the May one", "that one", "which one": one of those.
    if ((t.word === 'one' || t.word === 'ones') && (tokens[i - 1]?.kind === 'month' || ['the', 'that', 'this', 'which', 'each'].includes(before?.word ?? '')))
      return true;
    if (DEMONSTRATIVES.has(t.word) && NOUN_ROLES.has(after?.role ?? '')) return true;
    // "all three", « toutes les deux »: a count of things not named.
    if (t.role === 'all' && after?.role === 'count' && !NOUN_ROLES.has(word(i + 2)?.role ?? '')) return true;
    if (!['la', 'le', 'les', 'l'].includes(t.word)) return false;
    return BEFORE_PRONOUN.has(before?.word ?? '') || AFTER_PRONOUN.has(after?.word ?? '') || VERB_ROLES.has(after?.role ?? '');
  });
}

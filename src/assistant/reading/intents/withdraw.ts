import type { Command } from '../../command.js';
import type { Word } from '../clause.js';
import type { Sentence } from '../sentence.js';

/** Verbs that take back something asked: « oubliez », « annulez », « laissez tomber », « abandonnez », "forget", "cancel", "disregard", "withdraw", "never mind". */
const DROP = new Set(
  'oublier oubliez oublie oublies annuler annulez annule annules abandonner abandonnez abandonne ignorer ignorez tomber forget cancel disregard ignore withdraw scrap drop nevermind'.split(
    ' ',
  ),
);
/** What is taken back: a change, a request for one. */
const CHANGE = new Set('changement changements modification modifications change changes switch update'.split(' '));
const REQUEST = new Set('demande demandes requete request requests'.split(' '));
/** Verbs that keep what is: « gardez l'adresse actuelle », « je reste sur celle-ci », "keep the current one", "we're staying with this one". */
const KEEP = new Set('garder gardez garde gardons conserver conservez conserve conservons rester reste restons keep keeping stay staying'.split(' '));
/** The address as it is (« l'actuelle », "the current one"), which a withdrawal says it keeps. */
const AS_IT_IS = new Set('actuelle actuel existante meme current existing same'.split(' '));
/** Verbs of change a negation takes back: « ne changez pas mon adresse », "don't change my address". */
const CHANGE_VERBS = new Set('changer changez change modifier modifiez modifie remplacer remplacez'.split(' '));
/** Words of invoices and money, with which « reste », "keep" are about them (« il reste combien ? », "keep the PDFs coming"). */
const KEEPING_ASIDE = ['list', 'singularInvoice', 'pdf', 'zip', 'unpaid', 'paid', 'owe', 'pay', 'statement', 'attachments'] as const;

/**
 * A change the customer asked before and takes back (« oubliez le changement d'adresse que
 * j'ai demandé », « annulez le changement », « finalement gardez l'adresse actuelle », "forget
 * the address change I asked for, keep the current one", « ne changez pas mon adresse »), with
 * the kind it names: the address, a contact, or (none named) whatever waits. A verb of
 * dropping counts only with a change or a request for one as its object, and not under a
 * negation (« n'annulez pas le changement »), so that « annulez la facture 1210 » or « mes
 * factures annulées » are not read so; nor when the sentence asks for invoices.
 */
export function withdrawal(s: Sentence): Extract<Command, { intent: 'withdraw' }> | null {
  const c = s.clause;
  // « annulez le changement d'offre », "cancel the subscription change": the hosting's, for support.
  if (s.numbers.length > 0 || s.period !== null || c.has('offTopic')) return null;
  const words = c.words();
  const written = (w: Word) => w.corrected ?? w.word;
  const at = (i: number) => c.tokens.indexOf(words[i]!);
  const named = (set: Set<string>) => words.some((w) => set.has(written(w)));
  const emails = c.emails().length > 0;
  // "never mind": the "never" is the idiom's, no negation of it.
  const dropped = words.some((w, i) => isDrop(words, i) && (written(w) === 'mind' || !c.negatedAt(at(i))));
  // « je reste sur l'adresse actuelle », not « il reste combien à payer ? ».
  const aboutInvoices = KEEPING_ASIDE.some((role) => c.has(role));
  // The address named: « gardez le même format » keeps something else.
  const keeps = !emails && !aboutInvoices && c.has('address') && words.some((w, i) => KEEP.has(written(w)) && !c.negatedAt(at(i)));
  const notChanged = !emails && c.has('address') && words.some((w, i) => CHANGE_VERBS.has(written(w)) && c.negatedAt(at(i)));
  const aboutChange = named(CHANGE) || (named(REQUEST) && (c.has('address') || c.has('new') || c.has('contact')));
  if (!((dropped && (aboutChange || c.has('contact'))) || keeps || notChanged)) return null;
  return { intent: 'withdraw', kind: c.has('contact') ? 'contact' : c.has('address') || named(AS_IT_IS) ? 'address' : null };
}

/** A word of dropping, « laissez tomber » and "never mind" as one. */
function isDrop(words: Word[], i: number): boolean {
  const word = words[i]!.corrected ?? words[i]!.word;
  if (word === 'tomber') return ['laissez', 'laisse', 'laisser'].includes(words[i - 1]?.word ?? '');
  if (word === 'mind') return words[i - 1]?.word === 'never';
  return DROP.has(word);
}

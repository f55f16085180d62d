import type { Exclusion } from '../../../billing/filter.js';
import type { InvoiceStatus } from '../../../billing/types.js';
import type { Clause } from '../clause.js';
import { BETWEEN } from './periods.js';

/**
 * Words that leave out what follows them: « sauf », « hors », « excepté », « à part »,
 * « hormis », « sans », "except", "excluding", "other than", "minus", "without". (« pas » and
 * "not" leave out a period or a number too, which their recognisers read; here they would
 * also turn « pas encore payées » into something left out.)
 */
const MARKERS = new Set([
  'sauf',
  'hors',
  'excepte',
  'except',
  'excepted',
  'excluding',
  'exclu',
  'exclues',
  'hormis',
  'minus',
  'than',
  'part',
  'sans',
  'without',
]);
/** Markers after which the other words may name a line (« sauf le certificat SSL »); « sans » and "without" too often go on with anything (« sans attendre »). */
const LABEL_MARKERS = new Set(['sauf', 'hors', 'excepte', 'except', 'excepted', 'excluding', 'hormis', 'minus', 'than', 'part']);
const STATUS_OF: Partial<Record<string, InvoiceStatus>> = { paid: 'paid', unpaid: 'unpaid', overdue: 'unpaid', cancelled: 'cancelled' };
/** English words of a line for its French label, as the billing system writes them. */
const LABEL_WORDS: Record<string, string> = {
  domain: 'domaine',
  renewal: 'renouvellement',
  certificate: 'certificat',
  hosting: 'hebergement',
  training: 'formation',
  backup: 'sauvegarde',
  restore: 'restauration',
  mailbox: 'boite',
  shop: 'boutique',
  website: 'site',
  upgrade: 'passage',
  registration: 'enregistrement',
};

export interface Excluded {
  exclusion: Exclusion;
  /** Tokens read as left out: no status, number or request of their own. */
  used: Set<number>;
}

/** What the sentence leaves out after its markers: a status, numbers, the words of a line. Periods left out are the period's recogniser's. */
export function exclusionsIn(clause: Clause): Excluded {
  const { tokens } = clause;
  const exclusion: Exclusion = {};
  const used = new Set<number>();
  tokens.forEach((t, i) => {
    if (t.kind !== 'word' || !MARKERS.has(t.word)) return;
    if (t.word === 'than' && !(tokens[i - 1]?.kind === 'word' && (tokens[i - 1] as { word: string }).word === 'other')) return;
    if (t.word === 'part' && !(tokens[i - 1]?.kind === 'word' && (tokens[i - 1] as { word: string }).word === 'a')) return;
    const label: string[] = [];
    for (let j = i + 1; j < tokens.length && j <= i + 6; j++) {
      const u = tokens[j]!;
      if (u.kind === 'word' && (BETWEEN.has(u.word) || u.role === 'filler' || u.role === 'list' || u.role === 'singularInvoice')) continue;
      if (u.kind === 'number' && !u.marked && u.value.length >= 3 && u.value.length <= 12) {
        (exclusion.numbers ??= []).push(u.value);
        used.add(j);
      } else if (u.kind === 'word' && u.role && STATUS_OF[u.role]) {
        exclusion.status = STATUS_OF[u.role];
        used.add(j);
      } else if (u.kind === 'word' && (u.role === null || u.role === 'offTopic') && u.word.length >= 3 && LABEL_MARKERS.has(t.word)) {
        label.push(LABEL_WORDS[u.word] ?? u.word);
        used.add(j);
      } else break;
    }
    if (label.length > 0) exclusion.label = label;
  });
  return { exclusion, used };
}

import type { InvoiceFilter } from '../../../billing/filter.js';
import type { Clause, Word } from '../clause.js';
import { COUNT_WORDS, ORDINAL_WORDS } from '../words.js';

export type Rank = NonNullable<InvoiceFilter['pick']>;

/**
 * A rank: the latest, the N latest, the one before the latest (`l'avant-dernière`,
 * `second to last`, `l'avant-avant-dernière`), the Nth most recent, the first or Nth of a
 * period, the oldest. A `dernier` that belongs to a period (`used`: "le mois dernier",
 * "décembre dernier") is the period's.
 */
export function rankIn(clause: Clause, used: Set<number>): Rank | null {
  const { tokens } = clause;
  const countNear = (i: number): number | undefined => {
    for (const j of [i - 1, i - 2, i + 1]) {
      const t = tokens[j];
      if (t?.kind === 'number' && !t.marked && t.value.length <= 2 && !used.has(j)) return Number(t.value);
      if (t?.kind === 'word' && t.role === 'count') return COUNT_WORDS[t.word];
    }
    return undefined;
  };
  const ordinalBefore = (i: number): number | undefined => {
    for (const j of [i - 1, i - 2, i - 3]) {
      const t = tokens[j];
      if (t?.kind === 'ordinal' && !used.has(j)) return t.value;
      if (t?.kind === 'word' && (t.role === 'ordinal' || t.role === 'first') && !used.has(j)) return ORDINAL_WORDS[t.word];
    }
    return undefined;
  };
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    if (t.kind !== 'word' || used.has(i)) continue;
    const next = tokens[i + 1];
    if (t.role === 'penultimate') return { from: 'newest', skip: 1 + avantsBefore(clause, i), take: 1 };
    if (t.role === 'last' && !(t.word === 'past' && next?.kind === 'word' && next.word === 'due')) {
      // "pas la dernière, l'avant-dernière", "not the latest, the one before it": refused, then the one before.
      if (clause.negatedRightBefore(i)) {
        if (tokens.slice(i + 1).some((b) => b.kind === 'word' && (b.role === 'before' || b.role === 'previous' || b.role === 'penultimate')))
          return { from: 'newest', skip: 1, take: 1 };
        continue;
      }
      const avants = avantsBefore(clause, i);
      if (avants > 0) return { from: 'newest', skip: avants, take: 1 };
      const nth = ordinalBefore(i);
      if (nth !== undefined) return { from: 'newest', skip: Math.max(0, nth - 1), take: 1 };
      const count = countNear(i);
      // "mes dernières factures", "the latest invoices": the list, newest first, as it always is.
      if (count === undefined && pluralAt(clause, i)) return null;
      return { from: 'newest', skip: 0, take: count ?? 1 };
    }
    if (t.role === 'oldest') return { from: 'oldest', skip: 0, take: countNear(i) ?? 1 };
    if ((t.role === 'singularInvoice' || t.role === 'list') && ordinalBefore(i) !== undefined) return { from: 'oldest', skip: ordinalBefore(i)! - 1, take: 1 };
    if (t.role === 'first' && !(next?.kind === 'word' && (next.role === 'quarter' || next.role === 'half')))
      return { from: 'oldest', skip: 0, take: countNear(i) ?? 1 };
  }
  return null;
}

/** Whether the rank word at `i` is plural: `dernières`, `récents`, or an English one before `invoices`. */
function pluralAt(clause: Clause, i: number): boolean {
  const { word, locale } = clause.tokens[i] as Word;
  if (locale === 'fr') return /s$/.test(word);
  const next = clause.tokens.slice(i + 1).find((t) => !(t.kind === 'word' && t.role === 'filler'));
  return next?.kind === 'word' && next.role === 'list';
}

/**
 * `avant` words just before a `dernière`: "l'avant dernière" is one, "l'avant-avant-dernière"
 * two, and so are "la facture avant la dernière", "the one before my latest", "the invoice before last".
 */
function avantsBefore(clause: Clause, i: number): number {
  let count = 0;
  for (let j = i - 1; j >= 0; j--) {
    const t = clause.tokens[j]!;
    if (t.kind === 'word' && (t.word === 'avant' || t.word === 'before' || t.role === 'penultimate')) count++;
    else if (!(t.kind === 'word' && ['la', 'le', 'l', 'ma', 'mon', 'the', 'my'].includes(t.word))) break;
  }
  return count;
}

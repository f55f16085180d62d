import type { InvoiceFilter } from '../../../billing/filter.js';
import type { Clause } from '../clause.js';

/**
 * The status asked, negation read in its scope: "payées" after `pas`, `non`, `not`,
 * `never`, `ne … pas` (within the three words before) is unpaid, and so is what is
 * left "à payer" / "to pay"; "en retard", "overdue" is unpaid and past its due date.
 * "payées et impayées" names no status; one left out (`leftOut`: « hors impayées ») is none.
 */
export function statusIn(clause: Clause, leftOut: Set<number>): Pick<InvoiceFilter, 'status' | 'dueBefore'> {
  const { tokens } = clause;
  const negatedAt = (i: number) =>
    tokens.slice(Math.max(0, i - 4), i).some((t) => t.kind === 'word' && (t.role === 'negation' || t.word === 'n' || t.word === 'yet'));
  let overdue = false;
  let unpaid = false;
  let paid = false;
  let cancelled = false;
  tokens.forEach((t, i) => {
    if (t.kind !== 'word' || leftOut.has(i)) return;
    const next = tokens[i + 1];
    if (t.role === 'overdue' || (t.word === 'past' && next?.kind === 'word' && next.word === 'due')) {
      // "impayées qui ne sont pas encore échues", "not overdue yet": unpaid, and no more.
      if (clause.negatedRightBefore(i)) unpaid = true;
      else overdue = true;
    } else if (t.role === 'unpaid') unpaid = true;
    else if (t.role === 'paid') {
      if (negatedAt(i)) unpaid = true;
      else paid = true;
    } else if (
      t.role === 'pay' &&
      tokens.slice(Math.max(0, i - 3), i).some((b) => b.kind === 'word' && (b.word === 'a' || b.word === 'to' || b.role === 'must'))
    )
      unpaid = true;
    else if (t.role === 'cancelled' && !negatedAt(i)) cancelled = true;
  });
  if (overdue) return { status: 'unpaid', dueBefore: clause.today };
  // "pas les factures déjà payées, celles que je dois encore régler": the unpaid, said both ways.
  if (unpaid && paid) return clause.has('negation') ? { status: 'unpaid' } : {};
  if (unpaid) return { status: 'unpaid' };
  if (paid) return { status: 'paid' };
  return cancelled ? { status: 'cancelled' } : {};
}

import type { InvoiceFilter } from '../../billing/filter.js';
import type { Clause } from './clause.js';
import { invoiceNumbers } from './recognise/numbers.js';
import { readPeriod, type Range } from './recognise/periods.js';
import { rankIn, type Rank } from './recognise/rank.js';
import { statusIn } from './recognise/status.js';

/**
 * What the recognisers found in one sentence, each once and in order: the period first
 * (its tokens are then no invoice numbers and no rank), then the invoice numbers, the
 * status and the rank. The intents (`intents/`) read what is asked from these.
 */
export interface Sentence {
  clause: Clause;
  period: { range: Range; used: Set<number> } | null;
  numbers: string[];
  status: Pick<InvoiceFilter, 'status' | 'dueBefore'>;
  rank: Rank | null;
}

export function recognise(clause: Clause): Sentence {
  const period = readPeriod(clause.tokens, clause.today);
  const used = period?.used ?? new Set<number>();
  return { clause, period, numbers: invoiceNumbers(clause, used), status: statusIn(clause), rank: rankIn(clause, used) };
}

/** The invoices the sentence narrows to: its numbers, status, period and rank. */
export function filterOf(s: Sentence): InvoiceFilter {
  const filter: InvoiceFilter = {};
  if (s.numbers.length > 0) filter.numbers = s.numbers;
  Object.assign(filter, s.status);
  if (s.period) Object.assign(filter, s.period.range);
  if (s.rank) filter.pick = s.rank;
  return filter;
}

export function hasFilter(s: Sentence): boolean {
  return Object.keys(filterOf(s)).length > 0;
}

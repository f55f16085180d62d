import type { Exclusion, InvoiceFilter } from '../../billing/filter.js';
import type { Clause } from './clause.js';
import { invoiceNumbers } from './recognise/numbers.js';
import type { Declinable } from './recognise/declined.js';
import { exclusionsIn } from './recognise/exclusions.js';
import { readPeriod, type Period } from './recognise/periods.js';
import { rankIn, type Rank } from './recognise/rank.js';
import { statusIn } from './recognise/status.js';

/**
 * What the recognisers found in one sentence, each once and in order: the period first
 * (its tokens are then no invoice numbers and no rank) and what is left out, then the
 * invoice numbers, the status and the rank. The intents (`intents/`) read what is asked from these.
 */
export interface Sentence {
  clause: Clause;
  period: Period | null;
  numbers: string[];
  /** What the sentence leaves out (« sauf celle de mai », « hors impayées »), periods included. */
  except: Exclusion;
  status: Pick<InvoiceFilter, 'status' | 'dueBefore'>;
  rank: Rank | null;
  /** Answers the sentence declines (« pas la liste », « inutile de m'envoyer le détail »). */
  declined: Declinable[];
}

export function recognise(clause: Clause, declined: Declinable[] = []): Sentence {
  const period = readPeriod(clause.tokens, clause.today);
  const excluded = exclusionsIn(clause);
  const used = new Set([...(period?.used ?? []), ...excluded.used]);
  const except = { ...excluded.exclusion, ...(period && period.excluded.length > 0 ? { spans: period.excluded } : {}) };
  return { clause, period, numbers: invoiceNumbers(clause, used), except, status: statusIn(clause, excluded.used), rank: rankIn(clause, used), declined };
}

/** The invoices the sentence narrows to: its numbers, status, period and rank. */
export function filterOf(s: Sentence): InvoiceFilter {
  const filter: InvoiceFilter = {};
  if (s.numbers.length > 0) filter.numbers = s.numbers;
  Object.assign(filter, s.status);
  if (s.period) Object.assign(filter, s.period.range);
  if (s.period?.union) filter.union = s.period.union;
  if (Object.keys(s.except).length > 0) filter.except = s.except;
  if (s.rank) filter.pick = s.rank;
  return filter;
}

export function hasFilter(s: Sentence): boolean {
  return Object.keys(filterOf(s)).length > 0;
}

import type { Exclusion, InvoiceFilter } from '../../billing/filter.js';
import type { Clause } from './clause.js';
import { invoiceNumbers } from './recognise/numbers.js';
import type { Declinable } from './recognise/declined.js';
import { exclusionsIn } from './recognise/exclusions.js';
import { referencesIn } from './recognise/references.js';
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
  /** The period is when they were paid (« réglées en juillet 2021 », "settled last quarter"), not issued. */
  paidIn: boolean;
  numbers: string[];
  /** What the sentence leaves out (« sauf celle de mai », « hors impayées »), periods included. */
  except: Exclusion;
  status: Pick<InvoiceFilter, 'status' | 'dueBefore'>;
  rank: Rank | null;
  /** Answers the sentence declines (« pas la liste », « inutile de m'envoyer le détail »). */
  declined: Declinable[];
}

export function recognise(clause: Clause, declined: Declinable[] = [], fiscalYearStart?: string): Sentence {
  const period = readPeriod(clause.tokens, clause.today, fiscalYearStart);
  const excluded = exclusionsIn(clause);
  const references = referencesIn(clause);
  const used = new Set([...(period?.used ?? []), ...excluded.used, ...references]);
  const except = { ...excluded.exclusion, ...(period && period.excluded.length > 0 ? { spans: period.excluded } : {}) };
  const status = statusIn(clause, excluded.used);
  return { clause, period, paidIn: paidIn(clause, period), numbers: invoiceNumbers(clause, used), except, status, rank: rankIn(clause, used), declined };
}

/**
 * Words between a payment word and its period: « réglées en juillet », « payées au premier semestre », "paid in H2",
 * "settled last quarter". With none, or « de » (« les factures payées de 2025 », « payées 2020 »), the period is the
 * invoices' own: the paid ones of 2025.
 */
const PAID_TO_PERIOD = new Set([
  'en',
  'in',
  'au',
  'le',
  'la',
  'l',
  'on',
  'during',
  'durant',
  'pendant',
  'since',
  'depuis',
  'ce',
  'cette',
  'this',
  'the',
  'between',
  'entre',
  'from',
  'over',
  'last',
]);

/** Whether the period is when the invoices were paid, not issued: a payment word right before it, not denied. */
function paidIn(clause: Clause, period: Period | null): boolean {
  if (!period || (period.range.from === undefined && period.range.to === undefined)) return false;
  const start = Math.min(...period.used);
  const first = clause.tokens[start];
  let connected = first?.kind === 'word' && PAID_TO_PERIOD.has(first.word);
  for (let j = start - 1; j >= Math.max(0, start - 4); j--) {
    const t = clause.tokens[j]!;
    if (
      connected &&
      t.kind === 'word' &&
      (t.role === 'paid' || (t.role === 'pay' && !['a', 'to'].includes((clause.tokens[j - 1] as { word?: string } | undefined)?.word ?? ''))) &&
      !clause.negatedAt(j)
    )
      return true;
    if (!(t.kind === 'word' && PAID_TO_PERIOD.has(t.word))) return false;
    connected = true;
  }
  return false;
}

/** The invoices the sentence narrows to: its numbers, status, period and rank. */
export function filterOf(s: Sentence): InvoiceFilter {
  const filter: InvoiceFilter = {};
  if (s.numbers.length > 0) filter.numbers = s.numbers;
  Object.assign(filter, s.status);
  if (s.period && s.paidIn) {
    filter.status = 'paid';
    filter.paid = s.period.range;
  } else if (s.period) Object.assign(filter, s.period.range);
  if (s.period?.union && !s.paidIn) filter.union = s.period.union;
  // « payées en 2021, pas celles émises en 2021 »: the days refused were the issue days, not the payment's.
  const { spans, ...rest } = s.except;
  const kept = s.paidIn ? spans?.filter((span) => JSON.stringify(span) !== JSON.stringify(s.period!.range)) : spans;
  const except = { ...rest, ...(kept && kept.length > 0 ? { spans: kept } : {}) };
  if (Object.keys(except).length > 0) filter.except = except;
  if (s.rank) filter.pick = s.rank;
  return filter;
}

export function hasFilter(s: Sentence): boolean {
  return Object.keys(filterOf(s)).length > 0;
}

import { addDays } from './dates.js';
import type { Invoice, IsoDate } from './types.js';

/**
 * The reminder an unpaid invoice is owed today, if any: the latest offset (days from its due
 * date, `-3` being three days before) whose day has come and that is past the last offset
 * reminded of. Only the latest is sent, however many came due since the last run (a service
 * stopped for a week, an old invoice imported late): one reminder of where the invoice stands,
 * never a burst of the ones it missed, which are counted as `skipped`. An offset whose day came
 * before Facteur met the store, on `metOn` (whose day had begun by then), is none of Facteur's:
 * installed over years of billing history, its first start reminds no one (staff choose what to).
 */
export function reminderDue(
  invoice: Pick<Invoice, 'status' | 'dueAt'>,
  offsets: readonly number[],
  today: IsoDate,
  lastReminded: number | undefined,
  metOn?: IsoDate,
): { offset: number; skipped: number } | null {
  if (invoice.status !== 'unpaid') return null;
  const come = offsets.filter((offset) => {
    const day = addDays(invoice.dueAt, offset);
    return day <= today && (metOn === undefined || day > metOn) && (lastReminded === undefined || offset > lastReminded);
  });
  if (come.length === 0) return null;
  return { offset: Math.max(...come), skipped: come.length - 1 };
}

/** `REMINDER_DAYS` read as offsets: whole days, from a year before the due date to a year after, each once, in order. */
export function readOffsets(text: string): number[] | null {
  const parts = text
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean);
  if (parts.length === 0 || parts.some((part) => !/^[+-]?\d{1,3}$/.test(part))) return null;
  const offsets = [...new Set(parts.map(Number))].sort((a, b) => a - b);
  return offsets.every((offset) => Math.abs(offset) <= 366) ? offsets : null;
}

/**
 * Which reminder an unpaid invoice is owed on a day (src/billing/reminders.ts): a pure
 * function, run here across a month with the clock moved a day at a time, as the scheduler
 * would, and with runs missed.
 */
import { describe, expect, it } from 'vitest';
import { addDays } from '../src/billing/dates.js';
import { readOffsets, reminderDue } from '../src/billing/reminders.js';

const OFFSETS = [-3, 1, 7, 15];
const invoice = { status: 'unpaid' as const, dueAt: '2026-11-30' };

/** Runs every `every` days from `from` to `to`, remembering what was sent, as the delivery log does; Facteur met the store on `metOn`. */
function run(from: string, to: string, every = 1, status: 'unpaid' | 'paid' = 'unpaid', metOn?: string) {
  const sent: { day: string; offset: number; skipped: number }[] = [];
  let last: number | undefined;
  for (let day = from; day <= to; day = addDays(day, every)) {
    const due = reminderDue({ ...invoice, status }, OFFSETS, day, last, metOn);
    if (!due) continue;
    sent.push({ day, ...due });
    last = due.offset;
  }
  return sent;
}

describe('reminders across a month', () => {
  it('are sent on each offset\u2019s day, once each, with the clock moved a day at a time', () => {
    expect(run('2026-11-01', '2027-01-31')).toEqual([
      { day: '2026-11-27', offset: -3, skipped: 0 },
      { day: '2026-12-01', offset: 1, skipped: 0 },
      { day: '2026-12-07', offset: 7, skipped: 0 },
      { day: '2026-12-15', offset: 15, skipped: 0 },
    ]);
  });

  it('send only the latest when runs were missed (a service stopped for a week), never the missed ones late', () => {
    expect(run('2026-11-20', '2027-01-31', 10)).toEqual([
      { day: '2026-11-30', offset: -3, skipped: 0 },
      { day: '2026-12-10', offset: 7, skipped: 1 },
      { day: '2026-12-20', offset: 15, skipped: 0 },
    ]);
  });

  it('do not flood on a first run: an invoice long overdue gets its latest offset only', () => {
    expect(reminderDue(invoice, OFFSETS, '2027-06-01', undefined)).toEqual({ offset: 15, skipped: 3 });
    expect(reminderDue(invoice, OFFSETS, '2027-06-01', 15)).toBeNull();
  });

  it('are not owed for an offset that came before Facteur met the store: only those from that day on are sent', () => {
    // Met on 5 December: -3 and +1 came before, +7 and +15 are Facteur's.
    expect(run('2026-12-05', '2027-01-31', 1, 'unpaid', '2026-12-05')).toEqual([
      { day: '2026-12-07', offset: 7, skipped: 0 },
      { day: '2026-12-15', offset: 15, skipped: 0 },
    ]);
    // An offset on the very day Facteur met the store came before it (its day had begun): the first start reminds no one.
    expect(reminderDue(invoice, OFFSETS, '2026-12-15', undefined, '2026-12-15')).toBeNull();
    expect(reminderDue(invoice, OFFSETS, '2026-12-15', undefined, '2026-12-14')).toEqual({ offset: 15, skipped: 0 });
    expect(reminderDue(invoice, OFFSETS, '2027-06-01', undefined, '2027-06-01')).toBeNull();
  });

  it('are never owed by a paid or cancelled invoice, nor before the first offset', () => {
    expect(run('2026-11-01', '2027-01-31', 1, 'paid')).toEqual([]);
    expect(reminderDue({ status: 'cancelled', dueAt: '2026-11-30' }, OFFSETS, '2026-12-31', undefined)).toBeNull();
    expect(reminderDue(invoice, OFFSETS, '2026-11-26', undefined)).toBeNull();
  });
});

describe('REMINDER_DAYS', () => {
  it('reads whole days before and after the due date, sorted, each once', () => {
    expect(readOffsets('-3,1,7,15')).toEqual([-3, 1, 7, 15]);
    expect(readOffsets(' 15, +1 ,-3, 7, 7 ')).toEqual([-3, 1, 7, 15]);
    expect(readOffsets('0')).toEqual([0]);
  });

  it('refuses what is not a list of days', () => {
    for (const text of ['', ',', 'a', '1.5', '1,,x', '-1000', '3d', '1;2']) expect(readOffsets(text)).toBeNull();
  });
});

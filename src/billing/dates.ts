import type { IsoDate } from './types.js';
import { HOUR_MS, DAY_MS } from '../time.js';

/** The `YYYY-MM-DD` of that day, or undefined when there is no such day (`2019-02-30` is not rolled over to March). */
export function calendarDay(year: number, month: number, day: number): IsoDate | undefined {
  const date = new Date(Date.UTC(year, month - 1, day));
  if (date.getUTCFullYear() !== year || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) return undefined;
  return date.toISOString().slice(0, 10);
}

/** `YYYY-MM-DD` (one-digit month and day allowed) of a real calendar day, or undefined. */
export function readDay(value: string): IsoDate | undefined {
  const match = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(value.trim());
  return match ? calendarDay(Number(match[1]), Number(match[2]), Number(match[3])) : undefined;
}

/** A month named without its year ("factures mars") means the last such month that has begun by `today`. */
export function latestYearOf(month: number, today: IsoDate): number {
  const [year, current] = [Number(today.slice(0, 4)), Number(today.slice(5, 7))];
  return month <= current ? year : year - 1;
}

/** The calendar day `instant` falls on in `timeZone` (PUSH_TIMEZONE): "ce mois-ci" at 23:30 UTC in Douala is already tomorrow's month. */
export function dayIn(instant: Date, timeZone: string): IsoDate {
  const parts = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).formatToParts(instant);
  const get = (type: string) => parts.find((part) => part.type === type)!.value;
  return `${get('year')}-${get('month')}-${get('day')}`;
}

/**
 * The first instant of `day` in `timeZone`: its midnight there, or the first minute after a
 * clock change that skips midnight (Santiago in September goes from 23:59 to 01:00). Searched
 * for rather than computed from an offset, since the offset may change within those hours.
 */
export function dayStartIn(day: IsoDate, timeZone: string): Date {
  // Every zone's day begins within fourteen hours of that day's midnight UTC (and the search allows a margin).
  const midnight = Date.parse(`${day}T00:00:00Z`);
  let [before, after] = [midnight - 15 * HOUR_MS, midnight + 15 * HOUR_MS];
  while (after - before > 1000) {
    const middle = before + Math.floor((after - before) / 2000) * 1000;
    if (dayIn(new Date(middle), timeZone) >= day) after = middle;
    else before = middle;
  }
  return new Date(after);
}

/** The last day, in `timeZone`, of what stops at `end` (a download link's expiry): the day of its last instant. */
export function lastDayBefore(end: Date | string, timeZone: string): IsoDate {
  return dayIn(new Date(new Date(end).getTime() - 1), timeZone);
}

/** The time of day `instant` is at in `timeZone`, as `HH:MM`. */
export function timeIn(instant: Date, timeZone: string): string {
  return new Intl.DateTimeFormat('en-GB', { timeZone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(instant);
}

/** The day `days` after `day` (before, when negative), in the calendar: no time zone involved. */
export function addDays(day: IsoDate, days: number): IsoDate {
  const [year, month, date] = day.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(year, month - 1, date + days)).toISOString().slice(0, 10);
}

/** Whole days from `from` to `to` (negative when `to` is earlier). */
export function daysBetween(from: IsoDate, to: IsoDate): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY_MS);
}

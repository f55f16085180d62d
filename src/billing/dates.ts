import type { IsoDate } from './types.js';

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

/** Days from `from` to `to` (`YYYY-MM-DD` both), negative when `to` comes first. */
export function daysBetween(from: IsoDate, to: IsoDate): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
}

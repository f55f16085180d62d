/**
 * Lengths of time in milliseconds, named once: a delay, a lifetime or a window written
 * `15 * MINUTE_MS` or `7 * DAY_MS` reads as what it is, and nobody counts zeros.
 * A day here is 24 hours of the clock; calendar days (time zones, months) are billing/dates.ts's.
 */
export const SECOND_MS = 1_000;
export const MINUTE_MS = 60 * SECOND_MS;
export const HOUR_MS = 60 * MINUTE_MS;
export const DAY_MS = 24 * HOUR_MS;

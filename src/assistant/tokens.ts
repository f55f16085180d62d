import { calendarDay } from '../billing/dates.js';
import type { Locale } from '../billing/types.js';
import { monthOf, WORDS, type Role } from './words.js';

export type Token =
  | { kind: 'word'; word: string; role: Role | null; locale: Locale | null }
  | { kind: 'month'; month: number; locale: Locale | null }
  | { kind: 'number'; value: string; marked: boolean }
  | { kind: 'date'; value: string }
  /** Looks like a date but is no calendar day (31 June): the request is not guessed at. */
  | { kind: 'impossibleDate'; value: string }
  | { kind: 'email'; value: string };

/**
 * One pass over the normalised text, in order: anything with an `@` (checked as an
 * address later, so that a typo gets "not a valid address" rather than a guess), a date (ISO or the French
 * day/month/year), a `#1210`, a number, a word, or a question mark. Everything else
 * (punctuation, quotes, emoji) separates tokens and is dropped.
 */
const TOKEN = /[^\s@]*@\S*|\d{4}-\d{1,2}-\d{1,2}|\d{1,2}\/\d{1,2}\/\d{4}|#\s?\d+|\d+|[a-z]+(?:-[a-z]+)*|\?/g;

/** Lower case, no accents, `n°` → `n `, curly apostrophes split words like straight ones. */
export function normalise(text: string): string {
  return text
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/°/g, ' ');
}

export function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  for (const [raw] of normalise(text).matchAll(TOKEN)) {
    const previous = tokens.at(-1);
    if (raw.includes('@')) tokens.push({ kind: 'email', value: raw.replace(/^[^\p{L}\p{N}]+|[^\p{L}\p{N}]+$/gu, '') });
    else if (raw.startsWith('#')) tokens.push({ kind: 'number', value: raw.slice(1).trim(), marked: true });
    else if (/^\d+$/.test(raw)) tokens.push({ kind: 'number', value: raw, marked: previous?.kind === 'word' && previous.role === 'numberMark' });
    else if (/\d/.test(raw)) pushDate(tokens, raw);
    else if (monthOf(raw) && !WORDS.has(raw)) tokens.push({ kind: 'month', ...monthOf(raw)! });
    else {
      const [role, locale] = WORDS.get(raw) ?? [null, null];
      tokens.push({ kind: 'word', word: raw, role, locale });
    }
  }
  return tokens;
}

/** Adds the date, or an `impossibleDate` when it is no calendar day (31 June). */
function pushDate(tokens: Token[], raw: string): void {
  const [a, b, c] = raw.split(/[-/]/).map(Number) as [number, number, number];
  const [year, month, day] = raw.includes('/') ? [c, b, a] : [a, b, c];
  const date = calendarDay(year, month, day);
  tokens.push(date ? { kind: 'date', value: date } : { kind: 'impossibleDate', value: raw });
}

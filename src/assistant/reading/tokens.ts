// French and English only: the whole of chrono-node, every language's parsers, takes three
// times as long to load, and every command that reads a sentence loads it.
import * as en from 'chrono-node/en';
import * as fr from 'chrono-node/fr';
import type { ParsedComponents } from 'chrono-node';
import { distance } from 'fastest-levenshtein';
import { calendarDay } from '../../billing/dates.js';
import { foldLookAlikes, invoiceNumber } from '../../billing/numbers.js';
import type { IsoDate, Locale } from '../../billing/types.js';
import { isPlainWord, knownWords, monthNames, monthOf, WORDS, type Role } from './words.js';

export type Token =
  /** `corrected` is the word as written, when a typo was read as the word it is near; `declined`, an answer the sentence declines or the words declining it (see `recognise/declined.ts`). */
  | { kind: 'word'; word: string; role: Role | null; locale: Locale | null; corrected?: string; declined?: true }
  | { kind: 'month'; month: number; locale: Locale | null }
  | { kind: 'number'; value: string; marked: boolean }
  /** A number written as an ordinal (`3e`, `2nd`, `1er`). */
  | { kind: 'ordinal'; value: number }
  /** A calendar day, or a span of days, written in full (`2 mars 2020`, `2019-01-31`, `du 01/01/2019 au 31/03/2019`). */
  | { kind: 'date'; value: IsoDate; end?: IsoDate }
  /** Looks like a date but is no calendar day (31 June): the request is not guessed at. */
  | { kind: 'impossibleDate'; value: string }
  /** `T3`, `Q3` (a quarter), `S1`, `H1` (a half year). */
  | { kind: 'part'; of: 'quarter' | 'half'; index: number }
  /** A `-` between two numbers: a range of invoice numbers. */
  | { kind: 'dash' }
  | { kind: 'email'; value: string };

/**
 * One pass over the normalised text, in order: a day chrono-node read (replaced by a
 * mark before the pass), anything with an `@` (checked as an address later, so that a typo
 * gets "not a valid address" rather than a guess), a numeric date (ISO or the French
 * day/month/year), a phone number (skipped: no digit of it is an invoice number), a
 * `#1210`, a quarter or half (`T3`), an ordinal (`3e`), a number, a word or a number with
 * letters (`inv/2024/00001`, `f2024-001`), a `-` or a question mark. Everything else (punctuation, quotes, emoji) separates tokens and is dropped.
 */
const TOKEN =
  /\uE000\d+\uE001|[^\s@]*@\S*|\d{4}-\d{1,2}-\d{1,2}|\d{1,2}\/\d{1,2}\/\d{4}|\+\d[\d .-]{6,}\d|\b\d{1,3}(?:[ ,.\u00a0\u202f]\d{3})+\b|#\s?[a-z\d]+(?:[-_./][a-z\d]+)*|\b[tqsh][1-4]\b|(?<digitLed>\d+(?:[a-z]+\d|[-_./][a-z\d])[a-z\d]*(?:[-_./][a-z\d]+)*)|\d+(?:ere|er|eme|e|nd|rd|th|st)\b|\d+|[a-z][a-z\d]*(?:[-_./][a-z\d]+)*|-|\?/g;

/** Lower case, no accents, `n°` → `n `, `don't` → `do not`; every character keeps its place, so that marks put in before stay where they were. */
export function normalise(text: string): string {
  return text
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/°/g, ' ')
    .replace(/n[’']t\b/g, ' not');
}

export function tokenize(text: string, today: IsoDate): Token[] {
  // `１２１０`, `١٢١٠` and `𝟏𝟐𝟏𝟎` are 1210, as an invoice number is kept.
  const { marked, days } = markDays(foldLookAlikes(text), today);
  const tokens: Token[] = [];
  const normalised = normalise(marked);
  let afterAmount = false;
  for (const match of normalised.matchAll(TOKEN)) {
    const raw = match[0];
    const previous = tokens.at(-1);
    // The currency of an amount left out (`75,000 XAF`) goes with it, so that it marks no number next to it.
    const currency = afterAmount && CURRENCY.has(raw);
    afterAmount = false;
    if (currency) continue;
    if (raw.startsWith('\uE000')) tokens.push(days[Number(raw.slice(1, -1))]!);
    else if (raw.includes('@')) tokens.push({ kind: 'email', value: raw.replace(/^[^\p{L}\p{N}]+|[^\p{L}\p{N}]+$/gu, '') });
    // A phone number, or an amount with its thousands grouped (`75 000`, `25,000`): no invoice's number.
    else if (raw.startsWith('+') || /^\d{1,3}[ ,.\u00a0\u202f]\d{3}/.test(raw)) afterAmount = true;
    else if (raw.startsWith('#')) tokens.push({ kind: 'number', value: numberOf(raw.slice(1)), marked: true });
    else if (/^[tqsh][1-4]$/.test(raw)) tokens.push({ kind: 'part', of: raw[0] === 't' || raw[0] === 'q' ? 'quarter' : 'half', index: Number(raw[1]) });
    else if (/^\d+[a-z]+$/.test(raw)) tokens.push({ kind: 'ordinal', value: Number(/^\d+/.exec(raw)![0]) });
    else if (match.groups?.digitLed) pushDigitLed(tokens, raw);
    else if (/^\d+$/.test(raw)) pushNumber(tokens, raw);
    else if (/^[a-z]/.test(raw) && /\d/.test(raw)) pushLettered(tokens, raw);
    else if (/\d/.test(raw)) pushDate(tokens, raw);
    else if (/[_./]/.test(raw)) {
      // `www.exemple.cm`, `oui/non`: words between the dots and slashes.
      for (const part of raw.split(/[-_./]/)) if (part) tokens.push(wordToken(part));
    } else if (raw === '-') {
      if (previous?.kind === 'number' && /^\s*\d/.test(normalised.slice(match.index + 1))) tokens.push({ kind: 'dash' });
    } else if (raw.includes('-') && !WORDS.has(raw)) {
      // `mois-ci`, `passe-t-il`: the parts, when the whole is no word of the vocabulary.
      for (const part of raw.split('-')) if (part.length > 1) tokens.push(wordToken(part));
    } else tokens.push(wordToken(raw));
  }
  return withoutContactNumbers(tokens);
}

/** A number as written, in the form invoices keep theirs (`inv/2024/00001` → `INV/2024/00001`), or as it is when it is none. */
function numberOf(raw: string): string {
  return invoiceNumber(raw) ?? raw;
}

function pushNumber(tokens: Token[], raw: string): void {
  const previous = tokens.at(-1);
  const marked = previous?.kind === 'word' && (previous.role === 'numberMark' || previous.word === 'n' || previous.word === 'no');
  // `No. 1210`, `n° 1210`: a number's mark, not a no.
  if (marked && previous.role !== 'numberMark') tokens[tokens.length - 1] = { ...previous, role: 'numberMark' };
  tokens.push({ kind: 'number', value: numberOf(raw), marked });
}

/**
 * A number with letters (`inv/2024/00001`, `f2024-001`, `inj-1`), the way billing systems
 * number invoices; but a word joined to a number (`no.1210`, `facture-1210`, `mars-2024`) is
 * that word, then that number.
 */
function pushLettered(tokens: Token[], raw: string): void {
  // `FY2024`, `FY-2024`: a fiscal year, not an invoice numbered so.
  const fiscal = /^fy[-/]?(\d{4})$/.exec(raw);
  if (fiscal) {
    tokens.push(wordToken('fiscal'), { kind: 'number', value: fiscal[1]!, marked: false });
    return;
  }
  const head = /^[a-z]+(?=[-_./])/.exec(raw)?.[0];
  if (head && (WORDS.has(head) || monthOf(head) || isPlainWord(head) || head === 'n' || head === 'no')) {
    tokens.push(wordToken(head));
    const rest = raw.slice(head.length + 1);
    if (/^\d+$/.test(rest)) pushNumber(tokens, rest);
    else if (/^[a-z]/.test(rest) && /\d/.test(rest)) pushLettered(tokens, rest);
    else for (const part of rest.split(/[-_./]/)) if (part) tokens.push(/^\d+$/.test(part) ? { kind: 'number', value: part, marked: false } : wordToken(part));
    return;
  }
  pushNumber(tokens, raw);
}

/** Invoice numbers a range (`1210 à 1220`, `1210-1220`) may stand for at most: past that it is no range of one customer's invoices. */
export const MAX_RANGE = 50;

/**
 * A number that starts with digits and holds letters or separators (`2024-001`, `2024/00001`,
 * `2024F001`, `1210_A`): one invoice number, unless digits and separators alone read as
 * something else, read part by part as before: a range (`1210-1214`, `2023-2024`), a month
 * (`03/2024`), a decimal (`12.5`), an address (`192.168.1.1`), small numbers (`24/7`), or
 * numbers of one length side by side (`1210/1214`, `1214-1210`): a number written so is
 * more often two than one.
 */
function pushDigitLed(tokens: Token[], raw: string): void {
  const groups = raw.split(/[-_./]/);
  const range = /^(\d+)-(\d+)$/.exec(raw);
  const year = /^(?:19|20)\d\d$/;
  const partwise =
    /^[\d\-_./]+$/.test(raw) &&
    ((range !== null &&
      ((Number(range[2]) > Number(range[1]) && Number(range[2]) - Number(range[1]) <= MAX_RANGE) || (year.test(range[1]!) && year.test(range[2]!)))) ||
      /^(?:\d{1,2}[./]\d{4}|\d{4}[./]\d{1,2})$/.test(raw) ||
      /^\d+\.\d{1,2}$/.test(raw) ||
      /^\d+(?:\.\d+){2,}$/.test(raw) ||
      groups.every((group) => group.length <= 2 || group.length === groups[0]!.length));
  if (!partwise) return pushNumber(tokens, raw);
  for (const part of raw.match(/\d+|-/g)!) {
    if (part === '-') tokens.push({ kind: 'dash' });
    else pushNumber(tokens, part);
  }
}

/** Words around an amount: `45000 F`, `45000F`, `XAF 45000`, `12 euros`. */
const CURRENCY = new Set(['f', 'fcfa', 'cfa', 'xaf', 'frs', 'franc', 'francs', 'eur', 'euro', 'euros', 'usd', 'dollars']);
/** A Cameroonian phone number written in one piece, with or without its country code: `699123456`, `237677889900`. */
const PHONE = /^(?:00237|237)?[26]\d{8}$/;
const INVOICE_WORDS = new Set(['singularInvoice', 'pdf', 'list', 'details', 'resend', 'zip']);

/**
 * Numbers that are no invoice's: a postal box (`BP 4512`, `PO Box 12`), a phone number
 * written in groups (`699 12 34 56`, `Tél : 6 99 00 00 00`) or in one piece (`699123456`,
 * unless "facture" or `#` says it is an invoice's), an amount (`45000 F`, `XAF 45000`).
 */
function withoutContactNumbers(tokens: Token[]): Token[] {
  const drop = new Set<number>();
  const word = (j: number) => (tokens[j]?.kind === 'word' ? (tokens[j] as Extract<Token, { kind: 'word' }>) : undefined);
  tokens.forEach((t, i) => {
    if (t.kind !== 'number') return;
    const previous = word(i - 1);
    if (previous && ['bp', 'box', 'cp', 'tel', 'tél', 'phone', 'mobile', 'cel', 'whatsapp', 'fax'].includes(previous.word)) drop.add(i);
    if (CURRENCY.has(word(i + 1)?.word ?? '') || CURRENCY.has(previous?.word ?? '')) drop.add(i);
    if (PHONE.test(t.value)) {
      // "#699123456", "facture n° 699123456", "invoice 699123456": an invoice's after all; "mon numéro 699123456" is not.
      const hashed = t.marked && previous?.role !== 'numberMark';
      const named = [previous, previous?.role === 'numberMark' ? word(i - 2) : undefined].some((w) => INVOICE_WORDS.has(w?.role ?? ''));
      if (!hashed && !named) drop.add(i);
    }
  });
  // Three or more numbers in a row, most of them of two or three digits: a phone number in groups.
  for (let i = 0; i < tokens.length;) {
    let j = i;
    while (j < tokens.length && tokens[j]!.kind === 'number' && !(tokens[j] as Extract<Token, { kind: 'number' }>).marked) j++;
    const run = tokens.slice(i, j) as Extract<Token, { kind: 'number' }>[];
    if (run.length >= 3 && run.filter((n) => n.value.length <= 3).length >= run.length - 1) for (let k = i; k < j; k++) drop.add(k);
    i = j > i ? j : i + 1;
  }
  return drop.size === 0 ? tokens : tokens.filter((_, i) => !drop.has(i));
}

/** A word: its role, or the role of the one keyword it is a typo of; a month's name is a month. */
function wordToken(raw: string): Token {
  const month = !WORDS.has(raw) ? monthOf(raw) : undefined;
  if (month) return { kind: 'month', ...month };
  const known = WORDS.get(raw);
  if (known) return { kind: 'word', word: raw, role: known[0], locale: known[1] };
  const near = nearest(raw);
  if (near) {
    const month = monthOf(near);
    if (month && !WORDS.has(near)) return { kind: 'month', ...month };
    const [role, locale] = WORDS.get(near)!;
    return { kind: 'word', word: near, role, locale, corrected: raw };
  }
  return { kind: 'word', word: raw, role: null, locale: null };
}

const TYPO_TARGETS = [...new Set([...knownWords(), ...monthNames()])];

/**
 * The keyword a word is a typo of: one letter added, dropped or changed (`facure`,
 * `factues`), or two letters swapped (`factrue`, `imapyées`), never its first letter; and
 * only when one keyword is that close, so that no typo is read as two different things.
 * Everyday words (`mais`, `pour`) are never read as a keyword they happen to be near, and
 * nothing shorter than four letters is corrected.
 */
function nearest(word: string): string | undefined {
  if (word.length < 4 || isPlainWord(word)) return undefined;
  const letters = sorted(word);
  let best: string[] = [];
  let bestDistance = 3;
  for (const target of TYPO_TARGETS) {
    if (target[0] !== word[0] || Math.abs(target.length - word.length) > 1) continue;
    const d = distance(word, target);
    // Two edits only as a swap: the same letters in another order.
    if (d > 2 || (d === 2 && sorted(target) !== letters)) continue;
    if (d < bestDistance) [best, bestDistance] = [[target], d];
    else if (d === bestDistance) best.push(target);
  }
  const roles = new Set(best.map((target) => WORDS.get(target)?.[0] ?? `month:${monthOf(target)?.month}`));
  return roles.size === 1 ? best[0] : undefined;
}

function sorted(word: string): string {
  return [...word].sort().join('');
}

/** Adds the date, or an `impossibleDate` when it is no calendar day (31 June). */
function pushDate(tokens: Token[], raw: string): void {
  const [a, b, c] = raw.split(/[-/]/).map(Number) as [number, number, number];
  const [year, month, day] = raw.includes('/') ? [c, b, a] : [a, b, c];
  const date = calendarDay(year, month, day);
  tokens.push(date ? { kind: 'date', value: date } : { kind: 'impossibleDate', value: raw });
}

/** Numeric dates are left to the tokenizer, which tells an impossible one; chrono-node reads the ones written in words. */
const NUMERIC = /^[\d\s/.-]+$/;

/**
 * The days written in words in the text (`2 mars 2020`, `February 3, 2021`, `le 12 mars`),
 * read by chrono-node in French and in English, each replaced by a mark the tokenizer turns
 * back into its date. Only a day with its month counts: "mars 2020" is a month, which the
 * grammar reads as a period. A day given without its year is the last such day by `today`.
 */
function markDays(text: string, today: IsoDate): { marked: string; days: Token[] } {
  const reference = new Date(`${today}T12:00:00Z`);
  const found = [...fr.parse(text, reference), ...en.parse(text, reference)]
    .filter((result) => result.start.isCertain('day') && result.start.isCertain('month') && !NUMERIC.test(result.text) && namesMonth(result.text))
    .sort((a, b) => a.index - b.index || b.text.length - a.text.length);
  const days: Token[] = [];
  let marked = '';
  let at = 0;
  for (const result of found) {
    if (result.index < at) continue;
    const end = result.end?.isCertain('day') ? dayOf(result.end, today) : undefined;
    // « du 15 avril au 14 octobre 2023 »: a first day without its year is in the last day's year, or the year before.
    const start = end && !result.start.isCertain('year') && result.end!.isCertain('year') ? dayBeforeEnd(result.start, end) : dayOf(result.start, today);
    if (!start) continue;
    marked += `${text.slice(at, result.index)} \uE000${days.length}\uE001 `;
    days.push(end && end > start ? { kind: 'date', value: start, end } : { kind: 'date', value: start });
    at = result.index + result.text.length;
  }
  return { marked: marked + text.slice(at), days };
}

/** Whether the text chrono read names a month: a day written in words, not one counted from today (`il y a 2 semaines`), which the grammar reads as a period. */
function namesMonth(text: string): boolean {
  return normalise(text)
    .split(/[^a-z]+/)
    .some((word) => word.length >= 3 && monthOf(word) !== undefined && !WORDS.has(word));
}

function dayOf(component: ParsedComponents, today: IsoDate): IsoDate | undefined {
  const month = component.get('month')!;
  const day = component.get('day')!;
  if (component.isCertain('year')) return calendarDay(component.get('year')!, month, day);
  const year = Number(today.slice(0, 4));
  const date = calendarDay(year, month, day);
  return date && date > today ? calendarDay(year - 1, month, day) : date;
}

/** The day `component` names (no year of its own) on or before `end`, in its year or the one before. */
function dayBeforeEnd(component: ParsedComponents, end: IsoDate): IsoDate | undefined {
  const year = Number(end.slice(0, 4));
  const date = calendarDay(year, component.get('month')!, component.get('day')!);
  return date && date > end ? calendarDay(year - 1, component.get('month')!, component.get('day')!) : date;
}

import { calendarDay, latestYearOf } from '../../../billing/dates.js';
import type { Span } from '../../../billing/filter.js';
import type { IsoDate } from '../../../billing/types.js';
import type { Token } from '../tokens.js';
import { COUNT_WORDS, ORDINAL_WORDS } from '../words.js';
import { DAY_MS } from '../../../time.js';

/** Days from `from` to `to`, both included; either may be open. */
export type Range = Span;

/** A span of days named in the sentence, and the tokens it was read from. */
interface Item {
  from: IsoDate;
  to: IsoDate;
  at: number;
  /** Tokens read for it, so that a year is not also taken for an invoice number. */
  used: number[];
  /** A month named without its year, placed once the whole sentence is read. */
  loose?: { month: number; span: (year: number) => { from: IsoDate; to: IsoDate } };
}

const YEARS = { min: 2000, max: 2099 };

/**
 * The period a sentence names, read from its tokens: days (`le 3 février 2021`), months
 * (`mars 2024`, `octobre`), years, quarters and halves (`T3 2024`, `3e trimestre`,
 * `first half of 2023`), and periods counted from today (`cette année`, `l'an passé`, `le
 * mois dernier`, `les 3 derniers mois`, `il y a deux mois`, `last 2 weeks`), joined by
 * `depuis`/`since`, `avant`/`before`, `jusqu'à`/`until`, `entre … et`/`between … and`,
 * `de … à`/`from … to`. A month without its year is the latest such month that has begun;
 * in a range, it takes the year of the other end. `today` is the day in PUSH_TIMEZONE.
 *
 * Returns the range and the tokens used, or null when the sentence names no period.
 */
export interface Period {
  range: Range;
  /** Tokens read for it, so that a year is not also taken for an invoice number. */
  used: Set<number>;
  /** Spans joined by `et`/`and` that do not touch (« T2 et T4 2024 », "March and May"): an invoice is in one of them; `range` spans them all. */
  union?: Range[];
  /** Spans said not to be the ones (« sauf celle de mai », "but not the ones from Q4"). */
  excluded: Range[];
}

export function readPeriod(tokens: Token[], today: IsoDate, fiscalYearStart = '01-01'): Period | null {
  const found = findItems(tokens, today, fiscalYearStart);
  if (found.length === 0) return null;
  const used = new Set(found.flatMap((item) => item.used));
  // "octobre, pas septembre", "2024, not 2023", "sauf celles de 2019": the period refused is
  // no end of a range but one to leave out.
  const refusedItems = new Set(found.filter((item) => refused(tokens, item.at)));
  placeLooseMonths(found, refusedItems, today);
  const excluded = [...refusedItems].map(({ from, to }) => ({ from, to }));
  const items = found.filter((item) => !refusedItems.has(item));
  if (items.length === 0) return { range: {}, used, excluded };
  const before = (item: Item, ...words: string[]) => connectorBefore(tokens, item.at, words);
  const [first, second] = items;
  let range: Range;
  let union: Range[] | undefined;
  if (items.length >= 2 && !before(first!, 'between') && before(second!, 'and')) {
    union = joined(items);
    range = { from: union[0]!.from, to: union.at(-1)!.to };
  } else if (items.length >= 2 && (before(first!, 'between') || before(second!, 'to') || isTo(tokens, second!.at))) {
    range = { from: first!.from, to: items.at(-1)!.to };
  } else if (before(first!, 'from')) range = { from: first!.from };
  else if (before(first!, 'before')) range = { to: dayBefore(first!.from) };
  else if (before(first!, 'to')) range = { to: first!.to };
  else
    range = {
      from: items.map((item) => item.from).sort()[0]!,
      to: items
        .map((item) => item.to)
        .sort()
        .at(-1)!,
    };
  for (const item of items) for (const index of connectorIndexes(tokens, item.at)) used.add(index);
  // "octobre, pas septembre": what is left out outside the period asked leaves nothing out.
  const within = excluded.filter((span) => (range.from === undefined || span.to >= range.from) && (range.to === undefined || span.from <= range.to));
  return { range, used, excluded: within, ...(union && union.length > 1 ? { union } : {}) };
}

/** Spans in order, those that touch or overlap made one (« mai et juin » is May to June). */
function joined(items: Item[]): { from: IsoDate; to: IsoDate }[] {
  const spans: { from: IsoDate; to: IsoDate }[] = [];
  for (const { from, to } of items.toSorted((a, b) => a.from.localeCompare(b.from))) {
    const last = spans.at(-1);
    if (last && from <= addDays(last.to, 1)) last.to = to > last.to ? to : last.to;
    else spans.push({ from, to });
  }
  return spans;
}

export const REFUSALS = new Set([
  'pas',
  'not',
  'non',
  'sauf',
  'hors',
  'except',
  'excepte',
  'excepted',
  'excluding',
  'exclu',
  'exclues',
  'hormis',
  'minus',
  'than',
  'part',
  'sans',
  'without',
]);
/** What may stand between a refusal and its period: "pas celle de septembre", "not the April one", "sauf avant 2020". */
export const BETWEEN = new Set([
  'qui',
  'a',
  'ete',
  'est',
  'sont',
  'invoice',
  'invoices',
  'facture',
  'factures',
  'celle',
  'celles',
  'celui',
  'ceux',
  'la',
  'le',
  'les',
  'l',
  'de',
  'd',
  'du',
  'des',
  'en',
  'pour',
  'the',
  'one',
  'ones',
  'of',
  'from',
  'in',
  'for',
  'those',
  'that',
  'avant',
  'apres',
  'depuis',
  'before',
  'after',
  'since',
  'encore',
  'yet',
]);

/** A period said not to be the one: right after `pas`, `not`, `sauf`, `except`, with nothing but articles and connectors between. */
function refused(tokens: Token[], at: number): boolean {
  // "not the ones from the fourth quarter": five words at most between.
  let sending = false;
  for (let j = at - 1; j >= Math.max(0, at - 6); j--) {
    const t = tokens[j]!;
    // « pas les factures 2024 en zip »: the refusal was the form's (see `declined.ts`), the period is asked.
    if (t.kind !== 'word' || t.declined) return false;
    if (REFUSALS.has(t.word)) return !sending || (t.word === 'not' && word(tokens[j - 1]) === 'do');
    if (SENDING.has(t.word)) sending = true;
    else if (!BETWEEN.has(t.word)) return false;
  }
  return false;
}

/**
 * The English verb of sending between a refusal and its period: "don't send me the 2024
 * invoices" refuses 2024, but only said as an order ("do not"): "why didn't you send me the
 * 2024 invoices?" asks for them.
 */
const SENDING = new Set(['send', 'email', 'mail', 'me', 'us']);

function word(t: Token | undefined): string | undefined {
  return t?.kind === 'word' ? t.word : undefined;
}

function findItems(tokens: Token[], today: IsoDate, fiscalYearStart: string): Item[] {
  const items: Item[] = [];
  const taken = new Set<number>();
  const word = (i: number) => (tokens[i]?.kind === 'word' ? (tokens[i] as Extract<Token, { kind: 'word' }>) : undefined);
  const yearAt = (i: number) => {
    const t = tokens[i];
    return t?.kind === 'number' && !t.marked && isYear(t.value) ? Number(t.value) : undefined;
  };
  /** A year just after `i`, skipping `de`/`of`/`en`/`in`: a number, or one counted from today (`de l'année passée`, `of last year`, `this year`). */
  const yearAfter = (i: number): { year: number; at: number; more?: number[] } | undefined => {
    const thisYear = Number(today.slice(0, 4));
    for (let j = i + 1; j <= i + 4 && j < tokens.length; j++) {
      const year = yearAt(j);
      if (year !== undefined) return { year, at: j };
      const [a, b] = [word(j), word(j + 1)];
      const isYearUnit = (w: typeof a) => w?.role === 'unit' && /^(an|annee|year)/.test(w.word);
      if (a?.role === 'this' && isYearUnit(b)) return { year: thisYear, at: j, more: [j + 1] };
      if ((a?.role === 'last' || a?.role === 'previous') && isYearUnit(b)) return { year: thisYear - 1, at: j, more: [j + 1] };
      if (isYearUnit(a) && (b?.role === 'last' || b?.role === 'previous')) return { year: thisYear - 1, at: j, more: [j + 1] };
      if (!['de', 'of', 'd', 'en', 'in', 'du', 'l', 'the'].includes(a?.word ?? '')) return undefined;
    }
    return undefined;
  };
  const add = (item: Item) => {
    items.push(item);
    for (const index of item.used) taken.add(index);
  };
  for (let i = 0; i < tokens.length; i++) {
    if (taken.has(i)) continue;
    const t = tokens[i]!;
    if (t.kind === 'date') add({ from: t.value, to: t.end ?? t.value, at: i, used: [i] });
    else if (t.kind === 'number' && !t.marked && Number(t.value) >= 1 && Number(t.value) <= 31 && t.value.length <= 2 && dayBeforeDate(tokens, i)) {
      // "entre le 10 et le 20 novembre": the first day is in the second one's month.
      const date = dayBeforeDate(tokens, i)!;
      const day = calendarDay(Number(date.slice(0, 4)), Number(date.slice(5, 7)), Number(t.value));
      if (day) add({ from: day, to: day, at: i, used: [i] });
    } else if (t.kind === 'month') {
      const year = yearAfter(i);
      // "décembre dernier", "last December": the latest such month, not the current one.
      const last = word(i + 1)?.role === 'last' || word(i - 1)?.role === 'last' ? (word(i + 1)?.role === 'last' ? i + 1 : i - 1) : undefined;
      const current = Number(today.slice(5, 7)) === t.month;
      if (year) add({ ...monthSpan(year.year, t.month), at: i, used: [i, year.at, ...(year.more ?? [])] });
      else if (last !== undefined) add({ ...monthSpan(latestYearOf(t.month, today) - (current ? 1 : 0), t.month), at: i, used: [i, last] });
      else add({ ...monthSpan(latestYearOf(t.month, today), t.month), at: i, used: [i], loose: { month: t.month, span: (year) => monthSpan(year, t.month) } });
    } else if (t.kind === 'part') {
      const year = yearAfter(i);
      const part = partSpan(t.of, t.index, year, today);
      const loose = year
        ? {}
        : { loose: { month: Number(part.span.from.slice(5, 7)), span: (y: number) => partSpan(t.of, t.index, { year: y, at: -1 }, today).span } };
      add({ ...part.span, at: i, used: [i, ...part.used, ...(year?.more ?? [])], ...loose });
    } else if (
      (t.kind === 'ordinal' || (word(i) && ORDINAL_WORDS[word(i)!.word] !== undefined)) &&
      (word(i + 1)?.role === 'quarter' || word(i + 1)?.role === 'half')
    ) {
      const index = t.kind === 'ordinal' ? t.value : ORDINAL_WORDS[word(i)!.word]!;
      const year = yearAfter(i + 1);
      const of = word(i + 1)!.role === 'quarter' ? 'quarter' : 'half';
      const part = partSpan(of, index, year, today);
      const loose = year
        ? {}
        : { loose: { month: Number(part.span.from.slice(5, 7)), span: (y: number) => partSpan(of, index, { year: y, at: -1 }, today).span } };
      add({ ...part.span, at: i, used: [i, i + 1, ...part.used, ...(year?.more ?? [])], ...loose });
    } else if (yearAt(i) !== undefined && !isMarkedBefore(tokens, i)) {
      const year = yearAt(i)!;
      // « l'exercice 2021 », "FY2022", "the 2021 financial year": the fiscal year, named by the year it ends in.
      const fiscal = [i - 1, i - 2, i - 3, i + 1, i + 2].some((j) => word(j)?.role === 'fiscal');
      add({ ...(fiscal ? fiscalYear(year, fiscalYearStart) : { from: `${year}-01-01`, to: `${year}-12-31` }), at: i, used: [i] });
    } else {
      const relative = readRelative(tokens, i, today);
      if (relative) add(relative);
    }
  }
  return items.sort((a, b) => a.at - b.at);
}

/**
 * A period counted from today, starting at token `i`: `ce mois-ci`, `cette année`, `le
 * mois dernier`, `l'an passé`, `last year`, `les 3 derniers mois`, `last 3 months`, `il y
 * a deux mois`, `two months ago`.
 */
function readRelative(tokens: Token[], i: number, today: IsoDate): Item | undefined {
  const roleAt = (j: number) => (tokens[j]?.kind === 'word' ? (tokens[j] as Extract<Token, { kind: 'word' }>).role : null);
  const wordAt = (j: number) => (tokens[j]?.kind === 'word' ? (tokens[j] as Extract<Token, { kind: 'word' }>).word : undefined);
  const countAt = (j: number): number | undefined => {
    const t = tokens[j];
    if (t?.kind === 'number' && !t.marked && t.value.length <= 2) return Number(t.value);
    return t?.kind === 'word' ? COUNT_WORDS[t.word] : undefined;
  };
  const unitAt = (j: number): Unit | undefined =>
    roleAt(j) === 'unit' ? unitOf(wordAt(j)!) : roleAt(j) === 'quarter' ? 'quarter' : roleAt(j) === 'half' ? 'half' : undefined;
  const isLast = (j: number) => roleAt(j) === 'last' || roleAt(j) === 'previous';
  const year = Number(today.slice(0, 4));
  // depuis le début de l'année, since the start of the year, year to date, YTD: this year so far.
  if (['debut', 'start', 'beginning'].includes(wordAt(i) ?? '')) {
    for (let j = i + 1; j <= i + 4; j++) {
      if (unitAt(j) === 'year')
        return { from: `${year}-01-01`, to: today, at: i, used: range(i, roleAt(j + 1) === 'this' || roleAt(j - 1) === 'this' ? j + 1 : j) };
      if (!['de', 'd', 'l', 'of', 'the', 'this', 'cette'].includes(wordAt(j) ?? '')) break;
    }
  }
  if (wordAt(i) === 'ytd' || (unitAt(i) === 'year' && wordAt(i + 1) === 'to' && wordAt(i + 2) === 'date'))
    return { from: `${year}-01-01`, to: today, at: i, used: range(i, wordAt(i) === 'ytd' ? i : i + 2) };
  // l'année avant-dernière, the year before last: two years back.
  if (unitAt(i) === 'year' && (roleAt(i + 1) === 'penultimate' || (roleAt(i + 1) === 'before' && isLast(i + 2)))) {
    return { from: `${year - 2}-01-01`, to: `${year - 2}-12-31`, at: i, used: range(i, roleAt(i + 1) === 'penultimate' ? i + 1 : i + 2) };
  }
  // the previous half-year: the half, and its "year" with it.
  const halfYear = (j: number) => (unitAt(j) === 'half' && unitAt(j + 1) === 'year' ? [j + 1] : []);
  // il y a N <unit> / N <unit> ago
  if (wordAt(i) === 'il' && wordAt(i + 1) === 'y' && wordAt(i + 2) === 'a' && countAt(i + 3) !== undefined && unitAt(i + 4)) {
    return { ...agoSpan(countAt(i + 3)!, unitAt(i + 4)!, today), at: i, used: [i, i + 1, i + 2, i + 3, i + 4] };
  }
  if (countAt(i) !== undefined && unitAt(i + 1) && roleAt(i + 2) === 'ago')
    return { ...agoSpan(countAt(i)!, unitAt(i + 1)!, today), at: i, used: [i, i + 1, i + 2] };
  // ce mois-ci, cette année, this month, current year; "à ce jour" is "so far", no period.
  if (roleAt(i) === 'this' && unitAt(i + 1) && !(wordAt(i - 1) === 'a' && wordAt(i + 1) === 'jour'))
    return { ...thisSpan(unitAt(i + 1)!, today), at: i, used: [i, i + 1] };
  // last N units, les N derniers mois, N derniers mois
  if (isLast(i) && countAt(i + 1) !== undefined && unitAt(i + 2))
    return { ...lastSpan(countAt(i + 1)!, unitAt(i + 2)!, today), at: i, used: [i, i + 1, i + 2] };
  if (countAt(i) !== undefined && isLast(i + 1) && unitAt(i + 2)) return { ...lastSpan(countAt(i)!, unitAt(i + 2)!, today), at: i, used: [i, i + 1, i + 2] };
  // last month, le mois dernier, l'an passé, l'année dernière
  if (isLast(i) && unitAt(i + 1)) return { ...previousSpan(unitAt(i + 1)!, today), at: i, used: [i, i + 1, ...halfYear(i + 1)] };
  if (unitAt(i) && isLast(i + 1)) return { ...previousSpan(unitAt(i)!, today), at: i, used: [i, i + 1] };
  return undefined;
}

type Unit = 'day' | 'week' | 'month' | 'quarter' | 'half' | 'year';

const MONTHS: Record<Exclude<Unit, 'day' | 'week'>, number> = { month: 1, quarter: 3, half: 6, year: 12 };

function range(from: number, to: number): number[] {
  return Array.from({ length: to - from + 1 }, (_, k) => from + k);
}

/** The quarter or half of the year `today` is in, `back` of them before it: Q4 2026, then Q3 2026. */
function partOf(unit: 'quarter' | 'half', today: IsoDate, back: number): { from: IsoDate; to: IsoDate } {
  const months = unit === 'quarter' ? 3 : 6;
  const index = Number(today.slice(0, 4)) * (12 / months) + Math.floor((Number(today.slice(5, 7)) - 1) / months) - back;
  const year = Math.floor(index / (12 / months));
  const first = (index % (12 / months)) * months + 1;
  return { from: monthSpan(year, first).from, to: monthSpan(year, first + months - 1).to };
}

function unitOf(word: string): Unit {
  if (/^(jour|day)/.test(word)) return 'day';
  if (/^(semaine|week)/.test(word)) return 'week';
  if (/^(mois|month)/.test(word)) return 'month';
  return 'year';
}

function thisSpan(unit: Unit, today: IsoDate): { from: IsoDate; to: IsoDate } {
  const [year, month] = [Number(today.slice(0, 4)), Number(today.slice(5, 7))];
  if (unit === 'quarter' || unit === 'half') return partOf(unit, today, 0);
  if (unit === 'year') return { from: `${year}-01-01`, to: `${year}-12-31` };
  if (unit === 'month') return monthSpan(year, month);
  return { from: addDays(today, unit === 'week' ? -6 : 0), to: today };
}

function previousSpan(unit: Unit, today: IsoDate): { from: IsoDate; to: IsoDate } {
  const [year, month] = [Number(today.slice(0, 4)), Number(today.slice(5, 7))];
  if (unit === 'quarter' || unit === 'half') return partOf(unit, today, 1);
  if (unit === 'year') return { from: `${year - 1}-01-01`, to: `${year - 1}-12-31` };
  if (unit === 'month') return month === 1 ? monthSpan(year - 1, 12) : monthSpan(year, month - 1);
  if (unit === 'week') return { from: addDays(today, -13), to: addDays(today, -7) };
  const yesterday = addDays(today, -1);
  return { from: yesterday, to: yesterday };
}

/** The last `count` units up to today: from the same day `count` months (or years) ago, or `count` weeks or days ago. */
function lastSpan(count: number, unit: Unit, today: IsoDate): { from: IsoDate; to: IsoDate } {
  if (unit === 'day') return { from: addDays(today, -count), to: today };
  if (unit === 'week') return { from: addDays(today, -7 * count), to: today };
  return { from: addMonths(today, -MONTHS[unit] * count), to: today };
}

/** The whole unit `count` units ago: `il y a deux mois` is September when today is in November. */
function agoSpan(count: number, unit: Unit, today: IsoDate): { from: IsoDate; to: IsoDate } {
  if (unit === 'day') return { from: addDays(today, -count), to: addDays(today, -count) };
  if (unit === 'week') return { from: addDays(today, -7 * count - 6), to: addDays(today, -7 * count) };
  if (unit === 'quarter' || unit === 'half') return partOf(unit, today, count);
  const then = addMonths(today, -MONTHS[unit] * count);
  const [year, month] = [Number(then.slice(0, 4)), Number(then.slice(5, 7))];
  return unit === 'month' ? monthSpan(year, month) : { from: `${year}-01-01`, to: `${year}-12-31` };
}

/** A quarter or half of a year; without its year, the latest one that has begun. */
function partSpan(
  of: 'quarter' | 'half',
  index: number,
  year: { year: number; at: number } | undefined,
  today: IsoDate,
): { span: { from: IsoDate; to: IsoDate }; used: number[] } {
  const months = of === 'quarter' ? 3 : 6;
  const count = of === 'quarter' ? 4 : 2;
  const part = Math.min(Math.max(index, 1), count);
  const firstMonth = (part - 1) * months + 1;
  const thisYear = Number(today.slice(0, 4));
  const resolved = year?.year ?? (`${thisYear}-${String(firstMonth).padStart(2, '0')}-01` <= today ? thisYear : thisYear - 1);
  const from = `${resolved}-${String(firstMonth).padStart(2, '0')}-01`;
  const to = monthSpan(resolved, firstMonth + months - 1).to;
  return { span: { from, to }, used: year ? [year.at] : [] };
}

/**
 * Months and parts of a year named without a year: alone, the latest begun by today; in a
 * range, a union or beside one that has a year (`entre mars et juin 2024`, « T2 et T4 2024 »,
 * « 2023 sauf mai »), the year that makes them run forward to the next one, or follow the one before.
 */
function placeLooseMonths(all: Item[], refused: Set<Item>, today: IsoDate): void {
  for (let k = all.length - 1; k >= 0; k--) {
    const item = all[k]!;
    if (!item.loose) continue;
    // A period asked is placed by the others asked, one left out by any ("2023 sauf mai").
    // « 2024, mais pas le 4e trimestre », « sauf le T4, les factures de 2024 »: a part left out is cut from the period asked, in its year.
    const asked = all.filter((other) => !refused.has(other));
    const cutFrom = refused.has(item) ? yearWithin(item.loose, asked) : undefined;
    if (cutFrom !== undefined) {
      Object.assign(item, item.loose.span(cutFrom));
      continue;
    }
    const items = refused.has(item) ? all : all.filter((other) => other === item || !refused.has(other));
    const at = items.indexOf(item);
    const [next, previous] = [items[at + 1], items[at - 1]];
    const month = item.loose.month;
    const yearOf = (day: IsoDate) => Number(day.slice(0, 4));
    const year = next
      ? yearOf(next.from) - (month > Number(next.from.slice(5, 7)) ? 1 : 0)
      : previous && !previous.loose
        ? yearOf(previous.from) + (month < Number(previous.from.slice(5, 7)) ? 1 : 0)
        : latestYearOf(month, today);
    Object.assign(item, item.loose.span(year));
  }
}

/** The first year in which a month or part of a year named without one falls in one of the periods asked, if any does. */
function yearWithin(loose: NonNullable<Item['loose']>, asked: Item[]): number | undefined {
  for (const { from, to } of asked) {
    for (let year = Number(from.slice(0, 4)); year <= Number(to.slice(0, 4)); year++) {
      const span = loose.span(year);
      if (span.from <= to && span.to >= from) return year;
    }
  }
  return undefined;
}

/** The date a bare day number is paired with: `10` in "entre le 10 et le 20 novembre", "du 10 au 20 mars". */
function dayBeforeDate(tokens: Token[], i: number): IsoDate | undefined {
  for (let j = i + 1; j <= i + 3 && j < tokens.length; j++) {
    const t = tokens[j]!;
    if (t.kind === 'date') return t.value;
    if (!(t.kind === 'word' && (t.role === 'and' || t.role === 'to' || t.role === 'filler'))) return undefined;
  }
  return undefined;
}

function isTo(tokens: Token[], at: number): boolean {
  const previous = tokens[at - 1];
  return previous?.kind === 'dash' || (previous?.kind === 'word' && previous.word === 'a');
}

/** Whether one of the connectors' roles sits just before token `at` (fillers such as `le`, `de`, `the` between). */
function connectorBefore(tokens: Token[], at: number, roles: string[]): boolean {
  for (let j = at - 1; j >= 0 && j >= at - 4; j--) {
    const t = tokens[j]!;
    if (t.kind !== 'word') return false;
    if (t.role !== null && roles.includes(t.role)) return true;
    // "depuis le mois de juillet": the unit before a month is no connector, nor in the way of one.
    if (t.role !== 'filler' && t.role !== 'unit') return false;
  }
  return false;
}

function connectorIndexes(tokens: Token[], at: number): number[] {
  const indexes: number[] = [];
  for (let j = at - 1; j >= 0 && j >= at - 3; j--) {
    const t = tokens[j]!;
    if (t.kind !== 'word' || !['from', 'to', 'before', 'between', 'and', 'filler'].includes(t.role ?? '')) break;
    indexes.push(j);
  }
  return indexes;
}

function isMarkedBefore(tokens: Token[], i: number): boolean {
  const t = tokens[i];
  return t?.kind === 'number' && t.marked;
}

export function isYear(value: string): boolean {
  const n = Number(value);
  return value.length === 4 && n >= YEARS.min && n <= YEARS.max;
}

/** The last `count` months up to today, as « les 12 derniers mois » reads. */
export function lastMonths(count: number, today: IsoDate): { from: IsoDate; to: IsoDate } {
  return lastSpan(count, 'month', today);
}

export function monthSpan(year: number, month: number): { from: IsoDate; to: IsoDate } {
  const last = new Date(Date.UTC(year, month, 0)).getUTCDate();
  return { from: calendarDay(year, month, 1)!, to: calendarDay(year, month, last)! };
}

function addDays(day: IsoDate, days: number): IsoDate {
  return new Date(Date.parse(`${day}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);
}

function addMonths(day: IsoDate, months: number): IsoDate {
  const [year, month, date] = day.split('-').map(Number) as [number, number, number];
  const target = new Date(Date.UTC(year, month - 1 + months, 1));
  const last = new Date(Date.UTC(target.getUTCFullYear(), target.getUTCMonth() + 1, 0)).getUTCDate();
  return new Date(Date.UTC(target.getUTCFullYear(), target.getUTCMonth(), Math.min(date, last))).toISOString().slice(0, 10);
}

function dayBefore(day: IsoDate): IsoDate {
  return addDays(day, -1);
}

/** The fiscal year that ends in `year`: from `start` (MM-DD) of the year before, or the calendar year when it starts on 01-01. */
export function fiscalYear(year: number, start: string): { from: IsoDate; to: IsoDate } {
  if (start === '01-01') return { from: `${year}-01-01`, to: `${year}-12-31` };
  return { from: `${year - 1}-${start}`, to: addDays(`${year}-${start}`, -1) };
}

import type { InvoiceFilter } from '../billing/filter.js';
import { latestYearOf } from '../billing/dates.js';
import type { Locale } from '../billing/types.js';
import { tokenize, type Token } from './tokens.js';
import type { Role } from './words.js';

/** What a customer can ask for, whatever the channel and the language. */
export type Command =
  | { intent: 'help' }
  | { intent: 'list'; filter: InvoiceFilter }
  | { intent: 'page'; step: 1 | -1 }
  | { intent: 'pdf'; numbers: string[] }
  /** Staff asking for an invoice to go to its customer again; from a customer, it means the PDF. */
  | { intent: 'resend'; numbers: string[] }
  | { intent: 'details'; number: string | null }
  | { intent: 'zip'; filter: InvoiceFilter }
  | { intent: 'notifications' }
  | { intent: 'attachments'; on: boolean }
  | { intent: 'chat'; on: boolean }
  | { intent: 'address'; address: string }
  | { intent: 'confirm'; code: string | null };

export interface Parsed {
  command: Command | null;
  /** The language the text is written in, when its words say so. */
  locale: Locale | null;
}

/**
 * The rules of the command language, tried in order; the first that applies wins.
 * Order matters where a sentence carries several keywords: "all my 2019 invoices as
 * a zip" is a ZIP, "la facture 1210 ?" is a PDF, not a request for help.
 */
const RULES: { applies(s: Sentence): boolean; command(s: Sentence): Command }[] = [
  {
    applies: (s) => s.has('confirm'),
    command: (s) => ({ intent: 'confirm', code: s.numbers().find((n) => /^\d{6}$/.test(n.value))?.value ?? null }),
  },
  {
    applies: (s) => s.has('notifications') || s.has('attachments'),
    command: (s) => {
      const address = s.emails()[0];
      if (address) return { intent: 'address', address };
      const on = s.toggle();
      if (on === null) return { intent: 'notifications' };
      return s.has('chat') ? { intent: 'chat', on } : { intent: 'attachments', on };
    },
  },
  { applies: (s) => s.has('zip'), command: (s) => ({ intent: 'zip', filter: s.filter() }) },
  { applies: (s) => s.has('details'), command: (s) => ({ intent: 'details', number: s.numbers()[0]?.value ?? null }) },
  { applies: (s) => s.has('next') && !s.has('list'), command: () => ({ intent: 'page', step: 1 }) },
  { applies: (s) => s.has('previous') && !s.has('list'), command: () => ({ intent: 'page', step: -1 }) },
  { applies: (s) => s.has('resend') && s.numbers().length > 0, command: (s) => ({ intent: 'resend', numbers: s.numbers().map((n) => n.value) }) },
  {
    applies: (s) => (s.has('one') && !s.has('list') && s.numbers().length > 0) || (s.onlyNumbers() && s.numbers().some((n) => n.marked)),
    command: (s) => ({ intent: 'pdf', numbers: s.numbers().map((n) => n.value) }),
  },
  { applies: (s) => s.has('list') || s.has('one') || s.hasFilter(), command: (s) => ({ intent: 'list', filter: s.filter() }) },
  { applies: (s) => s.has('help'), command: () => ({ intent: 'help' }) },
];

/** Parses a customer's sentence; `today` (YYYY-MM-DD) places a month given without its year. */
export function parse(text: string, today: string): Parsed {
  const sentence = new Sentence(tokenize(text), today, /[àâçéèêëîïôûùœ]/i.test(text));
  const rule = sentence.hasImpossibleDate() ? undefined : RULES.find((r) => r.applies(sentence));
  return { command: rule ? rule.command(sentence) : null, locale: sentence.locale() };
}

const YEARS = { min: 2000, max: 2099 };

class Sentence {
  constructor(
    private readonly tokens: Token[],
    private readonly today: string,
    /** French accents are a vote for French: `détails` is spelt `details` in English. */
    private readonly accented: boolean,
  ) {}

  has(role: Role): boolean {
    return this.tokens.some((t) => t.kind === 'word' && t.role === role);
  }

  hasImpossibleDate(): boolean {
    return this.tokens.some((t) => t.kind === 'impossibleDate');
  }

  emails(): string[] {
    return this.tokens.flatMap((t) => (t.kind === 'email' ? [t.value] : []));
  }

  /** Invoice numbers: marked ones (`#1210`, `n° 1210`) always, bare ones unless they read as a year. */
  numbers(): { value: string; marked: boolean }[] {
    const asYear = !this.has('one') && !this.has('details') && !this.has('resend');
    return this.tokens.flatMap((t) => (t.kind === 'number' && (t.marked || !(asYear && isYear(t.value))) ? [t] : []));
  }

  /** True when the text is nothing but numbers and filler: `#1210`, `n° 1210 svp`. */
  onlyNumbers(): boolean {
    return this.tokens.every((t) => t.kind === 'number' || (t.kind === 'word' && (t.role === 'filler' || t.role === 'numberMark' || t.role === 'help')));
  }

  /** `oui`/`on` → true, `non`/`off`/`no` → false, nothing said → null. */
  toggle(): boolean | null {
    for (const t of this.tokens) {
      if (t.kind !== 'word') continue;
      if (t.role === 'on') return true;
      if (t.role === 'off' || t.word === 'no') return false;
    }
    return null;
  }

  hasFilter(): boolean {
    return Object.keys(this.filter()).length > 0;
  }

  filter(): InvoiceFilter {
    const filter: InvoiceFilter = {};
    const numbers = this.numbers().map((n) => n.value);
    if (numbers.length > 0) filter.numbers = numbers;
    const status = (['unpaid', 'paid', 'cancelled'] as const).find((role) => this.has(role));
    if (status) filter.status = status;
    Object.assign(filter, this.period());
    return filter;
  }

  /** A year, a month of a year, or a range of dates or years. */
  private period(): InvoiceFilter {
    const dates = this.tokens.flatMap((t) => (t.kind === 'date' ? [t.value] : [])).sort();
    if (dates.length >= 2) return { from: dates[0]!, to: dates.at(-1)! };
    if (dates.length === 1) return this.has('to') && !this.has('from') ? { to: dates[0]! } : this.has('from') ? { from: dates[0]! } : { from: dates[0]!, to: dates[0]! };
    const years = this.tokens.flatMap((t) => (t.kind === 'number' && !t.marked && isYear(t.value) ? [Number(t.value)] : []));
    const month = this.tokens.find((t) => t.kind === 'month')?.month;
    if (years.length > 1) return { from: `${Math.min(...years)}-01-01`, to: `${Math.max(...years)}-12-31` };
    if (month === undefined) return years.length === 1 ? { year: years[0]! } : {};
    return { year: years[0] ?? latestYearOf(month, this.today), month };
  }

  locale(): Locale | null {
    let score = this.accented ? 1 : 0;
    for (const t of this.tokens) {
      if ((t.kind === 'word' || t.kind === 'month') && t.locale) score += t.locale === 'fr' ? 1 : -1;
    }
    return score > 0 ? 'fr' : score < 0 ? 'en' : null;
  }
}

function isYear(value: string): boolean {
  const n = Number(value);
  return value.length === 4 && n >= YEARS.min && n <= YEARS.max;
}

// French and English only, as the reading of sentences loads them (assistant/reading/tokens.ts): the whole of chrono-node is every language's parsers, three times as long to load.
import * as en from 'chrono-node/en';
import * as fr from 'chrono-node/fr';
/**
 * What an invoice's text says that a forger changes to be paid in their place, read from the
 * text a PDF reader gives (pdf.js), whatever the layout: the amounts, the bank details (IBAN,
 * RIB, account numbers), the mobile-money numbers, the due date and the customer. Each value is
 * normalised (no spaces, upper case, digits only for numbers), so that two layouts of the same
 * invoice give the same facts and an edited digit gives another.
 */
export interface Facts {
  amounts: string[];
  ibans: string[];
  /** RIBs (bank, branch, account, key) and account numbers given as such. */
  accounts: string[];
  /** Phone numbers given for mobile money (MTN MoMo, Orange Money, …): the last nine digits. */
  mobileMoney: string[];
  /** Due dates, YYYY-MM-DD. */
  dueDates: string[];
  emails: string[];
}

/** The facts a forger would change, each as the reader is told what differs. */
export type FactKind = 'amounts' | 'bank' | 'mobileMoney' | 'dueDate' | 'customer';

export interface Difference {
  kind: FactKind;
  /** What the copy says, and what the genuine document says, as printed (normalised). */
  copy: string[];
  genuine: string[];
}

/** Spaces a PDF writes between digit groups and around amounts: thin, no-break, narrow no-break. */
const SPACES = /[\u00A0\u2000-\u200B\u202F\u205F\u3000\t]/g;

/** An IBAN: two letters, two check digits, then groups of letters and digits (trailing word groups trimmed). */
const IBAN = /\b([A-Z]{2}\d{2}(?: ?[A-Z0-9]{1,5}){3,9})\b/g;
/** A French or CEMAC RIB: bank (5), branch (5), account (11), key (2). */
const RIB = /\b(\d{5}) ?(\d{5}) ?([0-9A-Z]{11}) ?(\d{2})\b/g;
/** An account number after its label. */
const ACCOUNT = /(?:n°|no\.?|num[eé]ro|number)?\s*(?:de\s+)?(?:compte|account|acct)\s*(?:n°|no\.?|num[eé]ro|number)?\s*:?\s*([0-9][0-9 -]{6,30}[0-9])/gi;
/** Words that say a phone number is one to pay to. */
const MOBILE_MONEY = /mobile\s*money|momo|orange\s*money|\bom\b|airtel\s*money|moov\s*money|wave|flooz|express\s*union|paiement\s*mobile|mobile\s*payment/i;
const PHONE = /(?:\+|00)?\d[\d .-]{7,18}\d/g;
const EMAIL = /[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/g;
/** An amount with its currency, either side: `121 039 FCFA`, `FCFA 121,039`, `10,50 €`. */
const AMOUNT =
  /(?:(?:FCFA|F\s?CFA|XAF|XOF|EUR|€|USD|\$)\s*(\d{1,3}(?:[ .,']\d{3})+|\d+)(?:[.,](\d{1,2}))?)|(?:(\d{1,3}(?:[ .,']\d{3})+|\d+)(?:[.,](\d{1,2}))?\s*(?:FCFA|F\s?CFA|XAF|XOF|EUR|€|USD|\$))/gi;
/** Words that say a date is the one to pay by. */
const DUE = /[ée]ch[ée]ance|due|payable|[àa] payer avant|[àa] r[ée]gler avant|pay by|date limite/i;

/** The facts of an invoice's text. */
export function factsOf(text: string): Facts {
  const plain = text.normalize('NFKC').replace(SPACES, ' ');
  const lines = plain.split(/\r?\n/);
  const upper = plain.toUpperCase();
  const ibans = unique([...upper.matchAll(IBAN)].map((m) => trimWordGroups(m[1]!)).filter((iban) => iban.length >= 14 && /\d{8}/.test(iban.slice(4))));
  const ribs = [...upper.matchAll(RIB)].map((m) => `${m[1]}${m[2]}${m[3]}${m[4]}`);
  const accounts = unique([
    ...ribs,
    ...[...plain.matchAll(ACCOUNT)].map((m) => m[1]!.replace(/\D/g, '')).filter((digits) => digits.length >= 8 && !ribs.some((rib) => rib.includes(digits))),
  ]);
  const mobileMoney = unique(
    lines
      .filter((line) => MOBILE_MONEY.test(line))
      .flatMap((line) =>
        [...line.matchAll(PHONE)]
          .map((m) => m[0].replace(/\D/g, ''))
          .filter((d) => d.length >= 8 && d.length <= 15)
          .map((d) => d.slice(-9)),
      ),
  );
  const amounts = unique([...plain.matchAll(AMOUNT)].map((m) => amountOf(m[1] ?? m[3]!, m[2] ?? m[4])));
  const dueDates = unique(
    lines.flatMap((line, i) => (DUE.test(line) ? datesIn(`${line} ${DUE.test(lines[i + 1] ?? '') ? '' : (lines[i + 1] ?? '')}`).slice(0, 1) : [])),
  );
  const emails = unique([...plain.matchAll(EMAIL)].map((m) => m[0].toLowerCase()));
  return { amounts, ibans, accounts, mobileMoney, dueDates, emails };
}

/**
 * What differs between a copy's facts and the genuine document's, kind by kind: a value the
 * copy has that the genuine does not (an IBAN, an amount, a phone number put in), or, for what
 * the genuine always says (the due date, the customer), a value it has that the copy changed.
 */
export function differences(copy: Facts, genuine: Facts, customer: { email: string; name: string } | null, copyText: string): Difference[] {
  const found: Difference[] = [];
  const added = (mine: string[], theirs: string[]) => mine.some((value) => !theirs.includes(value));
  if (added(copy.amounts, genuine.amounts))
    found.push({
      kind: 'amounts',
      copy: copy.amounts.filter((a) => !genuine.amounts.includes(a)),
      genuine: genuine.amounts.filter((a) => !copy.amounts.includes(a)),
    });
  const bank = (facts: Facts) => [...facts.ibans, ...facts.accounts];
  if (added(bank(copy), bank(genuine)))
    found.push({ kind: 'bank', copy: bank(copy).filter((b) => !bank(genuine).includes(b)), genuine: bank(genuine).filter((b) => !bank(copy).includes(b)) });
  if (added(copy.mobileMoney, genuine.mobileMoney))
    found.push({
      kind: 'mobileMoney',
      copy: copy.mobileMoney.filter((p) => !genuine.mobileMoney.includes(p)),
      genuine: genuine.mobileMoney.filter((p) => !copy.mobileMoney.includes(p)),
    });
  if (copy.dueDates.length > 0 && genuine.dueDates.length > 0 && added(copy.dueDates, genuine.dueDates))
    found.push({ kind: 'dueDate', copy: copy.dueDates, genuine: genuine.dueDates });
  if (customer) {
    // The customer is named by their name or address; another address put where theirs was is another customer.
    const named = fold(copyText).includes(fold(customer.name)) || copy.emails.includes(customer.email);
    const others = copy.emails.filter((email) => !genuine.emails.includes(email));
    if (!named || (others.length > 0 && !copy.emails.includes(customer.email)))
      found.push({ kind: 'customer', copy: others, genuine: [customer.name, customer.email] });
  }
  return found;
}

/** An amount as digits, in its currency's main unit, with its cents when it has any: `121 039` → `121039`, `10,50` → `10.50`. */
function amountOf(whole: string, cents: string | undefined): string {
  const digits = whole.replace(/\D/g, '').replace(/^0+(?=\d)/, '');
  return cents && Number(cents) !== 0 ? `${digits}.${cents.padEnd(2, '0')}` : digits;
}

/** The IBAN without its spaces, less groups at its end that hold no digit (`… 12 BIC` is not part of it). */
function trimWordGroups(match: string): string {
  const groups = match.split(' ');
  while (groups.length > 1 && !/\d/.test(groups.at(-1)!)) groups.pop();
  return groups.join('');
}

/** Days written in a line, in French or English, as YYYY-MM-DD, in the order written. */
function datesIn(line: string): string[] {
  const numeric = [...line.matchAll(/\b(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})\b/g)].map((m) => `${m[3]}-${m[2]!.padStart(2, '0')}-${m[1]!.padStart(2, '0')}`);
  const iso = [...line.matchAll(/\b(\d{4})-(\d{2})-(\d{2})\b/g)].map((m) => m[0]);
  const words = [...fr.parse(line), ...en.parse(line)].filter((r) => r.start.isCertain('year') && r.start.isCertain('day')).map((r) => isoDay(r.start.date()));
  return unique([...numeric, ...iso, ...words]);
}

function isoDay(date: Date): string {
  return `${date.getFullYear()}-${String(date.getMonth() + 1).padStart(2, '0')}-${String(date.getDate()).padStart(2, '0')}`;
}

/** Lower case, no accents, one space: how a name is looked for in a text. */
export function fold(text: string): string {
  return text.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase().replace(/\s+/g, ' ').trim();
}

function unique<T>(items: T[]): T[] {
  return [...new Set(items)];
}

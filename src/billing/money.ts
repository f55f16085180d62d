import { totals } from './totals.js';
import type { Amount, Invoice, IsoDate, Locale } from './types.js';

const INTL_LOCALE: Record<Locale, string> = { fr: 'fr-CM', en: 'en-US' };

// Building an Intl formatter costs tens of microseconds: one per locale and currency, kept.
const moneyFormats = new Map<string, Intl.NumberFormat>();
const dateFormats = new Map<Locale, Intl.DateTimeFormat>();
const decimalFormats = new Map<Locale, Intl.NumberFormat>();
const digits = new Map<string, number>();

/** The currency's number of minor digits (0 for XAF, 2 for EUR), as Intl knows it. */
export function minorDigits(currency: string): number {
  let count = digits.get(currency);
  if (count === undefined) {
    count = new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 0;
    digits.set(currency, count);
  }
  return count;
}

/**
 * Formats an amount held in the currency's smallest unit, e.g. 125000 XAF → `125 000 FCFA` in
 * French. Intl formats a bigint, and a decimal written as a string, exactly: the amount is
 * never divided as a float (10¹⁶ − 9 cents would print rounded).
 */
export function formatMoney(amount: number | bigint, currency: string, locale: Locale): string {
  const key = `${locale}:${currency}`;
  let format = moneyFormats.get(key);
  if (!format) {
    format = new Intl.NumberFormat(INTL_LOCALE[locale], { style: 'currency', currency });
    moneyFormats.set(key, format);
  }
  const minor = minorDigits(currency);
  if (minor === 0) return format.format(amount);
  const units = BigInt(amount);
  const digits = (units < 0n ? -units : units).toString().padStart(minor + 1, '0');
  // A decimal string is formatted as written (Intl.NumberFormat v3): `-1234.56`.
  return format.format(`${units < 0n ? '-' : ''}${digits.slice(0, -minor)}.${digits.slice(-minor)}` as unknown as number);
}

/**
 * What amounts come to in each currency, in the order the currencies first appear, added
 * exactly as bigints: a customer's balance, a statement's total, a reminder's.
 */
export function sumByCurrency(amounts: Iterable<Amount>): Amount[] {
  const sums = new Map<string, bigint>();
  for (const { currency, amount } of amounts) sums.set(currency, (sums.get(currency) ?? 0n) + BigInt(amount));
  return [...sums].map(([currency, amount]) => ({ currency, amount }));
}

/** Formats a `YYYY-MM-DD` date the way the customer reads dates, e.g. `17 janv. 2019`. */
export function formatDate(date: string, locale: Locale): string {
  const [year, month, day] = date.split('-').map(Number);
  let format = dateFormats.get(locale);
  if (!format) {
    format = new Intl.DateTimeFormat(INTL_LOCALE[locale], { day: 'numeric', month: 'short', year: 'numeric', timeZone: 'UTC' });
    dateFormats.set(locale, format);
  }
  return format.format(new Date(Date.UTC(year!, month! - 1, day!)));
}

/** Quantities (hours) and tax rates, which may have decimals, written the customer's way: `2,5` in French. */
export function formatDecimal(value: number, locale: Locale): string {
  let format = decimalFormats.get(locale);
  if (!format) {
    format = new Intl.NumberFormat(INTL_LOCALE[locale], { maximumFractionDigits: 2 });
    decimalFormats.set(locale, format);
  }
  return format.format(value);
}

/** A file's size in megabytes as a sentence prints it before its unit: `12`, one decimal under ten (`0,4`), never `0`. */
export function formatMegabytes(bytes: number, locale: Locale): string {
  const megabytes = bytes / (1024 * 1024);
  return formatDecimal(megabytes >= 10 ? Math.round(megabytes) : Math.max(0.1, Math.round(megabytes * 10) / 10), locale);
}

/** An invoice as a sentence of the catalog names it, `{date, date}` and `{amount, money}` formatting them there: its number, dates and total. */
export function invoiceFacts(invoice: Invoice): { number: string; date: IsoDate; due: IsoDate; amount: Amount } {
  return { number: invoice.number, date: invoice.issuedAt, due: invoice.dueAt, amount: { amount: totals(invoice).total, currency: invoice.currency } };
}

/** The same, written out in the reader's words, for what prints them as they are (a table's cells, a menu's choices). */
export function invoiceFigures(invoice: Invoice, locale: Locale): { number: string; date: string; due: string; amount: string } {
  const { date, due, amount } = invoiceFacts(invoice);
  return { number: invoice.number, date: formatDate(date, locale), due: formatDate(due, locale), amount: formatMoney(amount.amount, amount.currency, locale) };
}

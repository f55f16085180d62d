import { formatDate, formatMoney } from '../billing/money.js';
import type { Amount, Locale } from '../billing/types.js';

/**
 * What a message formats inside its sentence, `{total, money}` or `{due, date}`, so that callers
 * pass amounts and days as they hold them and the words around them stay the operator's.
 * Named here, so that the catalog refuses at load any other name an operator writes.
 *
 * A formatter is handed the values of every case, those a `select` or `plural` does not pick
 * too (the compiled message builds them all): an absent value is the empty string, while a
 * value of the wrong kind is a bug and throws.
 */
export const FORMATTERS = {
  /** An {@link Amount}, or one per currency (a total over several, joined by " + "): `125 000 FCFA`. */
  money: (value: unknown, locale: string): string => {
    if (value === undefined || value === null) return '';
    const amounts = Array.isArray(value) ? (value as unknown[]) : [value];
    return amounts.map((amount) => formatMoney(...amountOf(amount), locale as Locale)).join(' + ');
  },
  /** A day, `YYYY-MM-DD` or a Date (its UTC day), the way the customer reads dates: `17 janv. 2019`. */
  date: (value: unknown, locale: string): string => {
    if (value === undefined || value === null) return '';
    if (value instanceof Date) return formatDate(value.toISOString().slice(0, 10), locale as Locale);
    if (typeof value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value)) return formatDate(value, locale as Locale);
    throw new TypeError(`{…, date} takes a YYYY-MM-DD day or a Date, not ${JSON.stringify(value)}`);
  },
};

function amountOf(value: unknown): [number | bigint, string] {
  const amount = value as Partial<Amount> | null;
  if ((typeof amount?.amount === 'number' || typeof amount?.amount === 'bigint') && typeof amount.currency === 'string') return [amount.amount, amount.currency];
  throw new TypeError(`{…, money} takes an amount and its currency, not ${JSON.stringify(value)}`);
}

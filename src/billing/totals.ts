import type { Invoice } from './types.js';

export interface TaxAmount {
  label: string;
  rate: number;
  amount: number;
}

export interface Totals {
  subtotal: number;
  taxes: TaxAmount[];
  total: number;
}

/**
 * Line amount in the smallest unit: quantity × unit price, rounded once, half up. Computed
 * exactly: a quantity has at most three decimals (hours), so it is counted in thousandths,
 * where a float product of 10¹⁵ and more could land on the wrong side of a half.
 */
export function lineAmount(line: { quantity: number; unitPrice: number }): number {
  // What the import refuses before it adds anything up (a quantity of 1e308) is no integer to count in.
  if (!Number.isFinite(line.quantity * line.unitPrice * 1000)) return line.quantity * line.unitPrice;
  return Number(roundedQuotient(BigInt(Math.round(line.quantity * 1000)) * BigInt(Math.round(line.unitPrice)), 1000n));
}

/** Subtotal, each tax rounded to the smallest unit, and the total the customer owes. Invoices the import accepts keep every one a safe integer. */
export function totals(invoice: Pick<Invoice, 'lines' | 'taxes'>): Totals {
  const subtotal = invoice.lines.reduce((sum, line) => sum + lineAmount(line), 0);
  const taxes = invoice.taxes.map((tax) => ({ ...tax, amount: taxOn(subtotal, tax.rate) }));
  return { subtotal, taxes, total: subtotal + taxes.reduce((sum, tax) => sum + tax.amount, 0) };
}

/** A tax of `rate` percent on `subtotal`, rounded half up, exactly: the rate is taken as the decimal it is written as (19.6 is 196/10, not the float nearest it). */
function taxOn(subtotal: number, rate: number): number {
  const [mantissa = '0', exponent = '0'] = String(rate).split('e');
  const [whole = '0', fraction = ''] = mantissa.split('.');
  const scale = fraction.length - Number(exponent);
  const units = BigInt(whole + fraction) * 10n ** BigInt(Math.max(0, -scale));
  return Number(roundedQuotient(BigInt(subtotal) * units, 100n * 10n ** BigInt(Math.max(0, scale))));
}

/** `dividend / divisor` rounded half up (as Math.round does), for a positive divisor. */
function roundedQuotient(dividend: bigint, divisor: bigint): bigint {
  const numerator = 2n * dividend + divisor;
  const denominator = 2n * divisor;
  return numerator >= 0n ? numerator / denominator : -((-numerator + denominator - 1n) / denominator);
}

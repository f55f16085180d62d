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

/** Line amount in the smallest unit; quantities may be fractional (hours), so round once per line. */
export function lineAmount(line: { quantity: number; unitPrice: number }): number {
  return Math.round(line.quantity * line.unitPrice);
}

/** Subtotal, each tax rounded to the smallest unit, and the total the customer owes. */
export function totals(invoice: Pick<Invoice, 'lines' | 'taxes'>): Totals {
  const subtotal = invoice.lines.reduce((sum, line) => sum + lineAmount(line), 0);
  const taxes = invoice.taxes.map((tax) => ({ ...tax, amount: Math.round((subtotal * tax.rate) / 100) }));
  return { subtotal, taxes, total: subtotal + taxes.reduce((sum, tax) => sum + tax.amount, 0) };
}

import { z } from 'zod';
import { calendarDay } from '../billing/dates.js';
import { INVOICE_STATUSES } from '../billing/types.js';
import type { Candidate } from './candidate.js';

const CURRENCIES = new Set(Intl.supportedValuesOf('currency'));

const text = z.string().trim().min(1, 'missing');

/**
 * `YYYY-MM-DD` naming a day that exists: `2019-02-30` is refused, not rolled over to March.
 * A bad date aborts the invoice-level checks, which compare dates.
 */
const isoDate = text.refine(isRealDate, { abort: true, error: (issue) => `${show(issue.input)} is not a real YYYY-MM-DD date` });

function isRealDate(value: string): boolean {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (!match) return false;
  const [year, month, day] = match.slice(1).map(Number) as [number, number, number];
  return calendarDay(year, month, day) !== undefined;
}

const lineSchema = z.object({
  label: text,
  /** Fractional quantities are fine (hours of work); zero or less is not a line. */
  quantity: z.number().positive('must be more than zero'),
  unitPrice: z.number().int("must be a whole number of the currency's smallest unit").nonnegative('must not be negative'),
});

const taxSchema = z.object({ label: text, rate: z.number().min(0, 'must not be negative').max(100, 'is a percentage, at most 100') });

/**
 * One invoice of the billing system's export, as the JSON format writes it (the CSV reader
 * builds the same shape). Unknown fields are dropped, since exports grow columns.
 *
 * Decisions: the currency is upper-cased, then must be a code Intl knows; a paid invoice
 * without `paidAt` is accepted (the CSV format has no required column for it and the
 * billing system remains the authority on the status), but `paidAt` on an unpaid invoice
 * is a contradiction and refused.
 */
const invoiceSchema = z
  .object({
    number: text,
    customer: z.string().trim().toLowerCase().pipe(z.email({ error: (issue) => `${show(issue.input)} is not a valid email address` })),
    customerName: z.string().trim().optional(),
    issuedAt: isoDate,
    dueAt: isoDate,
    currency: z
      .string()
      .trim()
      .toUpperCase()
      .refine((code) => CURRENCIES.has(code), { error: (issue) => `unknown currency ${show(issue.input)}` }),
    lines: z.array(lineSchema).min(1, 'an invoice needs at least one line'),
    taxes: z.array(taxSchema).default([]),
    status: z.enum(INVOICE_STATUSES),
    paidAt: isoDate.nullish().transform((date) => date ?? null),
  }, { error: 'expected an invoice object' })
  .refine((invoice) => invoice.dueAt >= invoice.issuedAt, { path: ['dueAt'], error: 'is before issuedAt' })
  .refine((invoice) => invoice.status !== 'unpaid' || invoice.paidAt === null, { path: ['paidAt'], error: 'is set on an unpaid invoice' });

/** A valid invoice, still naming its customer by email: the importer resolves it to a customer. */
export type ImportedInvoice = z.output<typeof invoiceSchema>;

export type Checked = { invoice: ImportedInvoice } | { reason: string };

/** Checks a candidate: the invoice it describes, or every reason it cannot be imported, in one sentence. */
export function validate(candidate: Candidate): Checked {
  if (candidate.problem) return { reason: candidate.problem };
  const parsed = invoiceSchema.safeParse(candidate.fields, { error: operatorMessages });
  if (parsed.success) return { invoice: parsed.data };
  return { reason: parsed.error.issues.map((issue) => `${field(issue.path, candidate)}: ${issue.message}`).join('; ') };
}

/** Wording for the checks that carry no message of their own: absent values and wrong types or values. */
const operatorMessages: z.core.$ZodErrorMap = (issue) => {
  if (issue.input === undefined) return 'missing';
  if (issue.code === 'invalid_type') return `expected ${issue.expected}, got ${show(issue.input)}`;
  if (issue.code === 'invalid_value') return `unknown value ${show(issue.input)} (expected ${issue.values.join(', ')})`;
  return undefined;
};

/** Names the field an issue is about: `lines[1].quantity` in JSON, `quantity on line 4` when the reader located the lines. */
function field(path: PropertyKey[], candidate: Candidate): string {
  const [head, index, ...rest] = path;
  const lineWhere = typeof index === 'number' ? candidate.lineWhere?.[index] : undefined;
  if (head === 'lines' && lineWhere) return `${rest.join('.') || 'line'} on ${lineWhere}`;
  return z.core.toDotPath(path) || 'invoice';
}

function show(value: unknown): string {
  return JSON.stringify(value) ?? String(value);
}

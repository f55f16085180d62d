import { z } from 'zod';
import { calendarDay } from '../billing/dates.js';
import { foldLookAlikes, INVOICE_NUMBER_RULE, invoiceNumber } from '../billing/numbers.js';
import { checkPayUrl } from '../billing/pay-link.js';
import { totals } from '../billing/totals.js';
import { INVOICE_STATUSES } from '../billing/types.js';
import { unprintable } from '../documents/fonts.js';
import type { Candidate } from './candidate.js';

const CURRENCIES = new Set(Intl.supportedValuesOf('currency'));

/**
 * The bounds an invoice must keep, so that every amount stays a safe integer, every page
 * prints, and nothing in it reaches a terminal or a PDF as a control sequence. Documented
 * in the README's import section.
 */
export const LIMITS = {
  /** Text fields (labels, names): characters at most. */
  text: 200,
  lines: 1000,
  /** A quantity is more than zero, at most this, with at most three decimals (hours, kilograms). */
  quantity: 100_000,
  quantityDecimals: 3,
  /** In the currency's smallest unit: a unit price, and a whole invoice. */
  unitPrice: 1_000_000_000_000,
  total: 1_000_000_000_000_000,
  /** Dates of invoices and payments: no billing system of a provider issues outside these. */
  firstDate: '2000-01-01',
  lastDate: '2099-12-31',
} as const;

/** Control, format (invisible, bidirectional), private, unassigned characters and lone surrogates (no UTF-8 can hold one): nothing a person reads. */
const UNREADABLE = /[\p{Cc}\p{Cf}\p{Co}\p{Cn}\p{Cs}]/u;

/**
 * Look-alikes of ASCII letters and digits (`１２１０`, `𝐏𝐚𝐜𝐤`) are made those letters and
 * digits: they print, and read, as what they look like. What then no invoice font can print
 * (`✓`, Chinese) is refused: it would be an empty box on the invoice, and unreadable in its text.
 */
const text = z
  .string()
  .trim()
  .min(1, 'missing')
  .max(LIMITS.text, `is longer than ${LIMITS.text} characters`)
  .refine((value) => !UNREADABLE.test(value), { abort: true, error: 'holds control or invisible characters' })
  .transform(foldLookAlikes)
  .check((context) => {
    const missing = unprintable(context.value);
    if (missing.length > 0)
      context.issues.push({
        code: 'custom',
        input: context.value,
        message: `holds ${missing.slice(0, 3).map(described).join(', ')}${missing.length > 3 ? '…' : ''}, which the invoice cannot print`,
      });
  });

/** A character as a reason names it: itself and its code point, `"✓" (U+2713)`. */
function described(character: string): string {
  return `${JSON.stringify(character)} (U+${character.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')})`;
}

/**
 * `YYYY-MM-DD` naming a day that exists, `2019-02-30` refused rather than rolled over to
 * March, within the years a provider invoices. A bad date aborts the invoice-level checks,
 * which compare dates.
 */
export const isoDate = z
  .string()
  .trim()
  .min(1, 'missing')
  .refine(isRealDate, { abort: true, error: (issue) => `${show(issue.input)} is not a real YYYY-MM-DD date` })
  .refine((date) => date >= LIMITS.firstDate && date <= LIMITS.lastDate, { abort: true, error: `is outside ${LIMITS.firstDate} to ${LIMITS.lastDate}` });

function isRealDate(value: string): boolean {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (!match) return false;
  const [year, month, day] = match.slice(1).map(Number) as [number, number, number];
  return calendarDay(year, month, day) !== undefined;
}

/**
 * A number as text, in the one form numbers are kept in (look-alikes folded, upper case: see
 * billing/numbers.ts), so that `１２１０` can never sit beside `1210` for another customer;
 * a whole JSON number is taken as its digits, since some exports write `"number": 1210`.
 */
const number = z
  .union([z.string(), z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER).transform(String)])
  .pipe(z.string().trim().min(1, 'missing'))
  .transform((written, context) => {
    const kept = invoiceNumber(written);
    if (kept === null) context.addIssue({ code: 'custom', message: `${show(written)} is not an invoice number (${INVOICE_NUMBER_RULE})` });
    return kept ?? written;
  });

const lineSchema = z.object({
  label: text,
  /** Fractional quantities are fine (hours of work); zero or less is not a line. */
  quantity: z
    .number()
    .positive('must be more than zero')
    .max(LIMITS.quantity, `must be at most ${LIMITS.quantity}`)
    .refine((quantity) => Number(quantity.toFixed(LIMITS.quantityDecimals)) === quantity, `has more than ${LIMITS.quantityDecimals} decimals`),
  unitPrice: z
    .number()
    .int("must be a whole number of the currency's smallest unit")
    .nonnegative('must not be negative')
    .max(LIMITS.unitPrice, `must be at most ${LIMITS.unitPrice}`),
});

/**
 * The billing system's pay link (see billing/pay-link.ts for what is refused and why), kept as
 * browsers write it. Absent leaves the invoice's link as it is, so that an export without the
 * column keeps what the API set; `null` or an empty text takes it away.
 */
export const payUrl = z
  .string()
  .nullable()
  .transform((written, context) => {
    if (written === null || written.trim() === '') return null;
    const checked = checkPayUrl(written);
    if ('url' in checked) return checked.url;
    context.addIssue({ code: 'custom', message: checked.reason });
    return z.NEVER;
  })
  .optional();

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
  .object(
    {
      number,
      customer: z
        .string()
        .trim()
        .transform((email) => foldLookAlikes(email).toLowerCase())
        .pipe(z.email({ error: (issue) => `${show(issue.input)} is not a valid email address` })),
      customerName: text.optional(),
      issuedAt: isoDate,
      dueAt: isoDate,
      currency: z
        .string()
        .trim()
        .toUpperCase()
        .refine((code) => CURRENCIES.has(code), { error: (issue) => `unknown currency ${show(issue.input)}` }),
      lines: z.array(lineSchema).min(1, 'an invoice needs at least one line').max(LIMITS.lines, `an invoice has at most ${LIMITS.lines} lines`),
      taxes: z.array(taxSchema).max(10, 'an invoice has at most 10 taxes').default([]),
      status: z.enum(INVOICE_STATUSES),
      paidAt: isoDate.nullish().transform((date) => date ?? null),
      payUrl,
    },
    { error: 'expected an invoice object' },
  )
  .refine((invoice) => invoice.dueAt >= invoice.issuedAt, { path: ['dueAt'], error: 'is before issuedAt' })
  .refine((invoice) => invoice.status !== 'unpaid' || invoice.paidAt === null, { path: ['paidAt'], error: 'is set on an unpaid invoice' })
  .refine((invoice) => invoice.paidAt === null || invoice.paidAt >= invoice.issuedAt, { path: ['paidAt'], error: 'is before issuedAt' })
  .refine((invoice) => totals(invoice).total <= LIMITS.total, { path: ['total'], error: `is more than ${LIMITS.total} in the smallest unit` });

/** A valid invoice, still naming its customer by email: the importer resolves it to a customer. */
export type ImportedInvoice = z.output<typeof invoiceSchema>;

export type Checked = { invoice: ImportedInvoice } | { reason: string };

const FIELDS = new Set(Object.keys(invoiceSchema.shape));
/** One sentence for every element of another kind of file: said once, it costs nothing per element. */
const NOT_AN_INVOICE: Checked = { reason: `invoice: has none of an invoice's fields (${[...FIELDS].join(', ')})` };

/** Checks a candidate: the invoice it describes, or every reason it cannot be imported, in one sentence. */
export function validate(candidate: Candidate): Checked {
  if (candidate.problem) return { reason: candidate.problem };
  const { fields } = candidate;
  if (typeof fields === 'object' && fields !== null && !Array.isArray(fields) && !Object.keys(fields).some((key) => FIELDS.has(key))) return NOT_AN_INVOICE;
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

/** A value as a reason quotes it: a short text or number as written, anything else by its kind, never a whole deep value. */
function show(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.length > SHOWN ? `${value.slice(0, SHOWN)}…` : value);
  if (typeof value === 'number' || typeof value === 'boolean' || value === null) return String(value);
  return Array.isArray(value) ? 'an array' : typeof value === 'object' ? 'an object' : typeof value;
}

/** Characters of a bad value a reason repeats at most. */
const SHOWN = 60;

import { z } from 'zod';
import { BOUNCE_KINDS, DELIVERY_CHANNELS, DELIVERY_REASONS, DELIVERY_STATUSES } from '../../billing/delivery.js';
import { keptPayUrlProblem, PAY_URL_RULE } from '../../billing/pay-link.js';
import { INVOICE_STATUSES, LOCALES } from '../../billing/types.js';
import { INBOUND_STATUSES } from '../store.js';

const SHA256 = /^[0-9a-f]{64}$/;
const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'expected a YYYY-MM-DD date');

const codeOnItsWaySchema = z.object({ codeHash: z.string(), expiresAt: z.string(), attempts: z.number().int().nonnegative() });

const accountChangeSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('address'), address: z.string().min(3) }),
  z.object({ kind: z.literal('attachments'), on: z.boolean() }),
  z.object({ kind: z.literal('chat'), on: z.boolean() }),
  z.object({ kind: z.literal('reminders'), on: z.boolean() }),
  z.object({ kind: z.literal('contact'), address: z.string().min(3) }),
  z.object({ kind: z.literal('contactRemoved'), address: z.string().min(3) }),
  z.object({ kind: z.literal('contactMayAsk'), address: z.string().min(3), on: z.boolean() }),
]);

/**
 * A customer. Files written before changes needed the owner's approval held a
 * `notifications.pending` address, confirmed by its new address alone: it is dropped on
 * reading (the customer asks again), never carried on with a proof it lacks.
 */
export const customerSchema = z.object({
  id: z.string().min(1),
  email: z.string().min(3),
  name: z.string(),
  locale: z.enum(LOCALES),
  notifications: z.object({
    address: z.string().nullable(),
    attachPdf: z.boolean(),
    chat: z.boolean().default(false),
    reminders: z.boolean().optional(),
  }),
  links: z.record(z.string(), z.array(z.string())),
  pending: z
    .array(
      z.object({
        change: accountChangeSchema,
        approval: z.object({ replyHashes: z.array(z.string()), expiresAt: z.string() }).nullable(),
        confirmation: codeOnItsWaySchema.nullable(),
        requestedAt: z.string(),
      }),
    )
    .default([]),
  codeFailures: z.array(z.string()).default([]),
  codesMailed: z.array(z.string()).default([]),
  paymentClaims: z.array(z.object({ number: z.string(), at: z.string() })).optional(),
  contacts: z.array(z.object({ address: z.string().min(3), mayAsk: z.boolean(), addedAt: z.string() })).optional(),
});

export const invoiceSchema = z.object({
  number: z.string().min(1),
  customerId: z.string().min(1),
  issuedAt: isoDate,
  dueAt: isoDate,
  currency: z.string().length(3),
  lines: z.array(z.object({ label: z.string(), quantity: z.number().nonnegative(), unitPrice: z.number().int().nonnegative() })),
  taxes: z.array(z.object({ label: z.string(), rate: z.number().nonnegative() })),
  status: z.enum(INVOICE_STATUSES),
  paidAt: isoDate.nullable(),
  // As the import keeps it: a link edited by hand into something else stops start-up, naming the file.
  payUrl: z
    .string()
    .refine((url) => keptPayUrlProblem(url) === null, {
      error: (issue) => `is not a pay link as Facteur keeps them (${PAY_URL_RULE}): it ${keptPayUrlProblem(String(issue.input))}`,
    })
    .optional(),
});

export const inboundMessageSchema = z.object({
  key: z.string().min(1),
  messageId: z.string().nullable(),
  sender: z.string().nullable(),
  customerId: z.string().nullable(),
  status: z.enum(INBOUND_STATUSES),
  attempts: z.number().int().nonnegative(),
  sent: z.number().int().nonnegative(),
  inDoubt: z.array(z.number().int().positive()).default([]),
  reason: z.string().nullable(),
  claimedBy: z.string().nullable().default(null),
  receivedAt: z.string(),
  updatedAt: z.string(),
});

export const deliverySchema = z.object({
  id: z.string().min(1),
  customerId: z.string().min(1),
  invoices: z.array(z.string()),
  channel: z.enum(DELIVERY_CHANNELS),
  recipient: z.string().min(1),
  cc: z.array(z.string().min(3)).optional(),
  reason: z.enum(DELIVERY_REASONS),
  status: z.enum(DELIVERY_STATUSES),
  attempts: z.number().int().nonnegative(),
  lastError: z.string().nullable(),
  messageId: z.string().nullable(),
  attachPdf: z.boolean(),
  requestedBy: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
  nextAttemptAt: z.string().nullable(),
  reminded: z.record(z.string(), z.number().int()).optional(),
  links: z.array(z.object({ id: z.string().min(1), expiresAt: z.string(), invoices: z.array(z.string()) })).optional(),
  files: z
    .array(
      z.object({
        name: z.string(),
        sha256: z.string().regex(SHA256),
        invoice: z.string().optional(),
        source: z.enum(['billing', 'rendered']),
        zip: z.string().optional(),
        link: z.string().optional(),
      }),
    )
    .optional(),
  parts: z.object({ invoices: z.array(z.array(z.string())).min(2), sent: z.number().int().nonnegative() }).optional(),
  verp: z.boolean().optional(),
  withheld: z.array(z.string()).optional(),
  bounces: z.array(z.object({ address: z.string(), kind: z.enum(BOUNCE_KINDS), status: z.string(), diagnostic: z.string(), at: z.string() })).optional(),
});

export const suppressionSchema = z.object({
  address: z.string().min(3),
  customerId: z.string().nullable(),
  kind: z.enum(['bounce', 'softBounces', 'complaint']),
  status: z.string(),
  diagnostic: z.string(),
  deliveryId: z.string(),
  since: z.string(),
});

/** A billing system's PDF as `issued.json` lists it (its bytes are in `issued/`). */
export const issuedPdfSchema = z.object({
  invoice: z.string().min(1),
  sha256: z.string().regex(SHA256),
  size: z.number().int().positive(),
  receivedAt: z.string(),
});

export const linkAttemptSchema = z.object({
  account: z.string().regex(/^[a-z]+:.+$/, 'expected <network>:<user id>'),
  customerId: z.string().nullable(),
  codeHash: z.string().nullable(),
  expiresAt: z.string(),
  mailedTo: z.string().nullable().optional(),
  failures: z.number().int().nonnegative(),
  lockedUntil: z.string().nullable(),
  requestedAt: z.array(z.string()).default([]),
  failedFor: z.array(z.object({ customerId: z.string(), at: z.string() })).default([]),
  updatedAt: z.string(),
});

export const heldRequestSchema = z.object({
  staff: z.string().min(1),
  numbers: z.array(z.string()),
  codeHash: z.string().nullable(),
  expiresAt: z.string(),
  attempts: z.number().int().nonnegative(),
});

export const chatMessageSchema = z.object({
  id: z.string().min(1),
  customerId: z.string().min(1),
  invoices: z.array(z.string()),
  sentAt: z.string(),
});

export const staffActionSchema = z.object({
  id: z.string().min(1),
  staff: z.string().min(1),
  action: z.string().min(1),
  target: z.string().nullable(),
  detail: z.string().nullable(),
  at: z.string(),
});

export const signedReceiptSchema = z.object({
  signature: z.string().min(1),
  signedAt: z.string(),
  invoices: z.array(z.string()),
  expiresAt: z.string(),
});

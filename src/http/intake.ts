import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { invoiceNumber } from '../billing/numbers.js';
import { payHost } from '../billing/pay-link.js';
import { withStatus } from '../billing/status.js';
import { totals } from '../billing/totals.js';
import { INVOICE_STATUSES, type Invoice } from '../billing/types.js';
import { importCandidates, importSigned, type InvoiceOutcome } from '../import/import.js';
import { candidatesOf } from '../import/json.js';
import { isoDate, payUrl } from '../import/validate.js';
import type { Logger } from '../log.js';
import { DELIVERY_STATUSES } from '../billing/delivery.js';
import type { Store } from '../store/store.js';
import { checkPdf } from '../documents/reading/check.js';
import { issuedPdf, namesInvoice, type PdfChecks } from '../import/pdfs.js';
import { DAY_MS } from '../time.js';

/** Invoices one request may carry: a month's run of a big provider is sent in several. */
export const MAX_BATCH = 10_000;
/** Deliveries one listing returns at most (the latest). */
const MAX_LISTED = 1_000;
/** Days a listing that names no customer nor invoice goes back, unless it says `since`. */
const UNFILTERED_DAYS = 30;

export interface IntakeServices {
  store: Store;
  log: Logger;
  /** How the billing system's PDFs are checked before anything is kept. */
  pdfs: PdfChecks;
  /** Today in the provider's time zone: the day of a payment that does not say. */
  today: () => string;
}

const CHANGE_SHAPE = '{"status"?: "paid" | "cancelled" | "unpaid", "paidAt"?: "YYYY-MM-DD", "payUrl"?: "https://…" | null}';
/** What a PATCH may change: the status (with the day paid), the pay link (null takes it away), or both; at least one. */
const changeBody = z
  .strictObject({ status: z.enum(INVOICE_STATUSES).optional(), paidAt: isoDate.nullish(), payUrl }, { error: `expected ${CHANGE_SHAPE}` })
  .refine((body) => body.status !== undefined || body.payUrl !== undefined, { error: `nothing to change: expected ${CHANGE_SHAPE}` })
  .refine((body) => body.status !== undefined || body.paidAt === undefined, { path: ['paidAt'], error: 'is only taken with "status": "paid"' });
/** An address, an id or a number as a query names it: short, and no control character (which PostgreSQL refuses, NUL first). */
const name = z
  .string()
  .trim()
  .min(1)
  .max(320)
  .regex(/^[^\p{Cc}]+$/u, 'holds control characters');
const deliveriesQuery = z.strictObject({
  customer: name.optional(),
  status: z.enum(DELIVERY_STATUSES).optional(),
  // A number as the import keeps it: `inv-1` names INV-1.
  invoice: name.transform((number) => invoiceNumber(number) ?? number).optional(),
  // Compared with the records' own times, which are UTC: whatever offset is given is turned to that.
  since: z.iso
    .datetime({ offset: true })
    .transform((time) => new Date(time).toISOString())
    .optional(),
  limit: z.coerce.number().int().min(1).max(MAX_LISTED).default(100),
});

/**
 * The billing system's API (under /api/v1, behind the keys `server.ts` checks):
 * - `POST /invoices`: one invoice or an array, in the import's JSON shape, through the
 *   import's own validation; idempotent by number; one outcome per invoice. What arrives is
 *   pushed by the next run of the schedule, exactly as an import's.
 * - `PATCH /invoices/{number}`: a payment, a cancellation.
 * - `GET /invoices/{number}` and `GET /deliveries?customer=…&status=…`: for support.
 */
export function intakeRoutes(app: FastifyInstance, services: IntakeServices): void {
  const { store, log } = services;

  app.post('/invoices', async (request, reply) => {
    const body = request.body;
    const items = Array.isArray(body) ? body : [body];
    if (body === null || typeof body !== 'object') return refuse(reply, 400, 'the body must be an invoice object or an array of them');
    if (items.length === 0) return refuse(reply, 400, 'the array holds no invoice');
    if (items.length > MAX_BATCH) return refuse(reply, 413, `at most ${MAX_BATCH} invoices per request; send the rest in another`);
    const invoices: (InvoiceOutcome & { index: number })[] = [];
    const each = (outcome: InvoiceOutcome) => invoices.push({ index: invoices.length, ...outcome });
    const report = request.signed
      ? await importSigned(store, candidatesOf(items), request.signed, each, services.pdfs)
      : await importCandidates(store, candidatesOf(items), [], each, services.pdfs);
    if (report === 'replayed')
      return refuseCredentials(request, reply, log, {
        message: 'Facteur-Signature refused: this signed request was already received (a replay)',
        log: 'replay',
      });
    const outdated = invoices.filter((invoice) => invoice.outcome === 'outdated').length;
    log.info(
      { event: 'intake', created: report.created, updated: report.updated, unchanged: report.unchanged, outdated, rejected: report.rejected.length },
      'invoices received by the API',
    );
    return {
      created: report.created,
      updated: report.updated,
      unchanged: report.unchanged,
      outdated,
      rejected: report.rejected.length,
      invoices: invoices.map(({ where: _where, ...rest }) => rest),
    };
  });

  app.patch<{ Params: { number: string } }>('/invoices/:number', async (request, reply) => {
    const parsed = changeBody.safeParse(request.body);
    if (!parsed.success) return refuse(reply, 400, parsed.error.issues.map((issue) => `${issue.path.join('.') || 'body'}: ${issue.message}`).join('; '));
    const number = invoiceNumber(request.params.number);
    if (number === null) return refuse(reply, 404, `no invoice ${JSON.stringify(request.params.number)}`);
    const { status, paidAt, payUrl: link } = parsed.data;
    // Decided on the invoice as it is when written: of two changes reported at once, the second is judged on what the first made of it.
    const outcome = await store.updateInvoice(number, (invoice): { invoice: Invoice; result: { updated: Invoice } | { refused: string } } => {
      const result = status === undefined ? { invoice } : withStatus(invoice, { status, paidAt }, services.today());
      if ('reason' in result) return { invoice, result: { refused: result.reason } };
      const updated = { ...withPayUrl(result.invoice, link), number };
      return { invoice: updated, result: { updated } };
    });
    if (!outcome) return refuse(reply, 404, `no invoice ${number}`);
    if ('refused' in outcome) return refuse(reply, 422, outcome.refused);
    const { updated } = outcome;
    // The link's host only: the rest of a payment page's address may hold the session's token.
    log.info(
      { event: 'intake.change', invoice: number, status: updated.status, payLink: updated.payUrl === undefined ? null : payHost(updated.payUrl) },
      'invoice changed by the API',
    );
    return { invoice: updated };
  });

  app.get<{ Params: { number: string } }>('/invoices/:number', async (request, reply) => {
    const number = invoiceNumber(request.params.number);
    const invoice = number === null ? undefined : await store.invoice(number);
    if (!invoice) return refuse(reply, 404, `no invoice ${JSON.stringify(request.params.number)}`);
    const customer = await store.customerById(invoice.customerId);
    const deliveries = await store.deliveries({ invoice: invoice.number });
    // The billing system's PDFs of it, oldest first: the last is the one sent.
    const pdfs = await store.issuedPdfHistory({ invoice: invoice.number });
    return { invoice, total: totals(invoice).total, customer: customer ? { email: customer.email, name: customer.name } : null, pdfs, deliveries };
  });

  app.get('/deliveries', async (request: FastifyRequest, reply) => {
    const parsed = deliveriesQuery.safeParse(request.query);
    if (!parsed.success) return refuse(reply, 400, parsed.error.issues.map((issue) => `${issue.path.join('.') || 'query'}: ${issue.message}`).join('; '));
    const { customer: who, limit, ...query } = parsed.data;
    const customer = who === undefined ? undefined : ((await store.customerByAddress(who)) ?? (await store.customerById(who)));
    if (who !== undefined && !customer) return refuse(reply, 404, `no customer ${who}`);
    // Unnamed by customer or invoice, a listing is of the last days only: the whole log of a big provider is no one answer.
    const since = query.since ?? (who === undefined && query.invoice === undefined ? new Date(Date.now() - UNFILTERED_DAYS * DAY_MS).toISOString() : undefined);
    const found = await store.deliveries({ ...query, ...(since ? { since } : {}), ...(customer ? { customerId: customer.id } : {}) });
    return { total: found.length, deliveries: found.slice(-limit) };
  });
}

/** The invoice with the pay link a change names: `undefined` leaves it, null takes it away. */
function withPayUrl(invoice: Invoice, link: string | null | undefined): Invoice {
  if (link === undefined) return invoice;
  const { payUrl: _old, ...rest } = invoice;
  return link === null ? rest : { ...rest, payUrl: link };
}

/**
 * `PUT /invoices/{number}/pdf`: the billing system's PDF of an invoice, as its bytes
 * (`Content-Type: application/pdf`, by key). Refused, and nothing kept, when it is no PDF (no
 * `%PDF-`, does not read, over FACTEUR_PDF_MAX_MB) or does not name that invoice in its text.
 * From then on it is what every channel sends for the invoice; the same bytes again change nothing.
 */
export function pdfRoute(app: FastifyInstance, services: IntakeServices): void {
  const { store, log } = services;
  app.put<{ Params: { number: string } }>('/invoices/:number/pdf', async (request, reply) => {
    if (request.credential !== 'key')
      return refuseCredentials(request, reply, log, { message: 'a PDF needs Authorization: Bearer <key>', log: 'pdf without a key' });
    const number = invoiceNumber(request.params.number);
    const invoice = number === null ? undefined : await store.invoice(number);
    if (!invoice) return refuse(reply, 404, `no invoice ${JSON.stringify(request.params.number)}: send the invoice first (POST /api/v1/invoices)`);
    if (!Buffer.isBuffer(request.body)) return refuse(reply, 400, 'send the PDF\u2019s bytes with Content-Type: application/pdf');
    const checked = await checkPdf(request.body, services.pdfs.maxBytes, services.pdfs.reader);
    if ('reason' in checked) return refusePdf(request, reply, log, invoice.number, `the body ${checked.reason}`);
    if (!namesInvoice(checked.text.text, invoice.number))
      return refusePdf(request, reply, log, invoice.number, `the PDF does not name invoice ${invoice.number} in its text: it is not that invoice's PDF`);
    const pdf = issuedPdf(invoice.number, request.body, new Date().toISOString());
    const current = (await store.issuedPdfs([invoice.number])).get(invoice.number);
    const outcome = current?.sha256 === pdf.sha256 ? 'unchanged' : 'stored';
    if (outcome === 'stored') await store.save({ pdfs: [{ pdf, bytes: request.body }] });
    log.info(
      { event: 'intake.pdf', invoice: invoice.number, sha256: pdf.sha256, size: pdf.size, outcome },
      'the billing system\u2019s PDF of an invoice received',
    );
    return { number: invoice.number, outcome, pdf: outcome === 'stored' ? pdf : current };
  });
}

/** A PDF refused: 422 with why, and a line in the log. */
function refusePdf(request: FastifyRequest, reply: FastifyReply, log: Logger, number: string, reason: string): FastifyReply {
  log.warn({ event: 'intake.pdf.refused', invoice: number, ip: request.ip, reason }, 'HTTP: a PDF refused, nothing kept');
  return refuse(reply, 422, reason);
}

/** Why a caller's credentials were refused: the words for the caller, and what the log says (never the key). */
export interface Refusal {
  message: string;
  log: string;
}

/** A request refused for its credentials: 401 saying how to get in, and a warning naming the route, the caller and why. */
export function refuseCredentials(request: FastifyRequest, reply: FastifyReply, log: Logger, refusal: Refusal): FastifyReply {
  log.warn({ event: 'http.refused', route: request.routeOptions.url, ip: request.ip, why: refusal.log }, 'HTTP: request refused');
  return refuse(reply.header('www-authenticate', 'Bearer'), 401, refusal.message);
}

/** An answer saying what was wrong, in the shape Fastify gives its own errors. */
export function refuse(reply: FastifyReply, status: number, message: string): FastifyReply {
  return reply.code(status).send({ statusCode: status, error: ERRORS[status] ?? 'Error', message });
}

const ERRORS: Record<number, string> = { 400: 'Bad Request', 401: 'Unauthorized', 404: 'Not Found', 413: 'Payload Too Large', 422: 'Unprocessable Entity' };

import type { InvoiceFilter } from '../../billing/filter.js';
import { invoiceFacts } from '../../billing/money.js';
import { MAX_PDFS } from '../../documents/attachment.js';
import type { Context } from '../context.js';
import { missingNumbers } from '../describe.js';
import type { Reply } from '../reply.js';
import { list, matching } from './list.js';
import { withPdfs } from './with-pdfs.js';
import { zip } from './zip.js';

/** One PDF per invoice asked for, or one ZIP past MAX_PDFS; numbers that are not the customer's are named, never shown. */
export async function pdf(ctx: Context, numbers: string[]): Promise<Reply> {
  const unique = [...new Set(numbers)];
  const invoices = await ctx.ownInvoices(unique);
  const missing = await missingNumbers(ctx, unique);
  if (invoices.length === 0) return ctx.refuse('invoice.unknown', { number: missing.join(', ') });
  if (invoices.length > MAX_PDFS) return zip(ctx, { numbers: unique });
  const { sendable, notYet } = await withPdfs(ctx, invoices);
  const notes = [...notYet, ...(missing.length > 0 ? [ctx.t('invoices.missing', { numbers: missing.join(', ') })] : [])];
  if (sendable.length === 0) return ctx.reply(notes, { outcome: 'refused' });
  const attachments = await Promise.all(sendable.map((invoice) => ctx.services.documents.pdfAttachment(invoice, ctx.reader)));
  const text =
    sendable.length === 1
      ? [ctx.t('pdf.one', { ...invoiceFacts(sendable[0]!), status: ctx.t('status', { status: sendable[0]!.status }) })]
      : [ctx.t('pdf.many', { count: sendable.length })];
  return ctx.reply([...text, ...notes], { attachments, invoices: sendable.map((invoice) => invoice.number), pay: ctx.payLinks(invoices) });
}

/** The files of the invoices a filter names: their PDFs, or one ZIP past MAX_PDFS; when none matches, the empty list says so. */
export async function files(ctx: Context, filter: InvoiceFilter): Promise<Reply> {
  const found = await matching(ctx, filter);
  return found.length === 0
    ? list(ctx, filter)
    : pdf(
        ctx,
        found.map((invoice) => invoice.number),
      );
}

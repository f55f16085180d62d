import type { InvoiceFilter } from '../../billing/filter.js';
import type { Context } from '../context.js';
import { missingNumbers } from '../describe.js';
import type { Reply } from '../reply.js';
import { withPdfs } from './with-pdfs.js';

/** One ZIP of the customer's invoices that match; an empty filter ("zip tout") means all of them. */
export async function zip(ctx: Context, filter: InvoiceFilter): Promise<Reply> {
  const invoices = await ctx.services.store.invoices(ctx.customer.id, filter);
  const missing = await missingNumbers(ctx, filter.numbers);
  const notes = missing.length > 0 ? [ctx.t('invoices.missing', { numbers: missing.join(', ') })] : [];
  if (invoices.length === 0) return ctx.reply([ctx.t('zip.empty'), ...notes], { outcome: 'refused' });
  const { sendable, notYet } = await withPdfs(ctx, invoices);
  if (sendable.length === 0) return ctx.reply([...notYet, ...notes], { outcome: 'refused' });
  const archive = await ctx.services.documents.zipAttachment(sendable, ctx.reader, ctx.progress);
  return ctx.reply([ctx.t('zip.ready', { count: sendable.length, filename: archive.filename }), ...notYet, ...notes], {
    attachments: [archive],
    invoices: sendable.map((invoice) => invoice.number),
  });
}

import type { Invoice } from '../../billing/types.js';
import { tellPdfsMissing } from '../../notifications/staff-notice.js';
import type { Context } from '../context.js';

/**
 * The invoices whose PDF can be sent, and a sentence for those whose cannot (PDF_SOURCE=billing
 * and the billing system has not sent it): the customer is told in the templates' words, the log
 * and staff with the numbers. Never a rendering in the place of the billing system's PDF.
 */
export async function withPdfs(ctx: Context, invoices: Invoice[]): Promise<{ sendable: Invoice[]; notYet: string[] }> {
  const missing = await ctx.services.documents.missingPdfs(invoices);
  if (missing.length === 0) return { sendable: invoices, notYet: [] };
  await tellPdfsMissing(ctx.services, ctx.customer, missing, 'an answer');
  return {
    sendable: invoices.filter((invoice) => !missing.includes(invoice.number)),
    notYet: [ctx.t('pdf.notYet', { numbers: missing.join(', '), count: missing.length })],
  };
}

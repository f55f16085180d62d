import type { InvoiceFilter } from '../../billing/filter.js';
import type { Context } from '../context.js';
import type { Reply } from '../reply.js';
import { list, matching } from './list.js';
import { pdf } from './pdf.js';

/** One invoice asked by its period or rank ("la facture d'octobre", "my latest bill"): its PDF when exactly one matches, the list otherwise. */
export async function one(ctx: Context, filter: InvoiceFilter): Promise<Reply> {
  const found = await matching(ctx, filter);
  return found.length === 1 ? pdf(ctx, [found[0]!.number]) : list(ctx, filter);
}

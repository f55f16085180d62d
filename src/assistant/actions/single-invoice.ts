import type { InvoiceFilter } from '../../billing/filter.js';
import type { Command } from '../command.js';
import type { Context } from '../context.js';
import type { Reply } from '../reply.js';
import { clarify, type Run } from './clarify.js';
import { list, matching } from './list.js';
import { pdf } from './pdf.js';

/** Invoices a singular request may name before it is rather a list: « la facture d'octobre » with two of October asks which of the two; « la facture de 2019 » with three lists them. */
const AT_MOST_OFFERED = 2;

/**
 * One invoice asked by its period or rank ("la facture d'octobre", "my latest bill"): its PDF
 * when exactly one matches, the list otherwise (from which a menu or « facture N » picks).
 */
export async function singleInvoice(ctx: Context, filter: InvoiceFilter): Promise<Reply> {
  const found = await matching(ctx, filter);
  return found.length === 1 ? pdf(ctx, [found[0]!.number]) : list(ctx, filter);
}

/** What `asked` makes of the one invoice the filter names (its details, a payment of it), or which one when two match, or the list. */
export async function forTheInvoiceMatching(ctx: Context, filter: InvoiceFilter, asked: (number: string) => Command, run: Run): Promise<Reply> {
  const found = await matching(ctx, filter);
  if (found.length === 1) return run(asked(found[0]!.number));
  if (found.length > 1 && found.length <= AT_MOST_OFFERED)
    return clarify(
      ctx,
      found.map((invoice) => asked(invoice.number)),
      run,
    );
  return list(ctx, filter);
}

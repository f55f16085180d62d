import type { InvoiceFilter } from '../../billing/filter.js';
import type { Context } from '../context.js';
import type { Reply } from '../reply.js';
import type { Run } from './clarify.js';
import { matching } from './list.js';
import { forTheInvoiceMatching } from './single-invoice.js';

/**
 * « j'ai déjà payé la facture 1266 »: staff are told, and, when the owner says it (a linked
 * chat account, authenticated mail), the claim is recorded on the customer so that those
 * invoices' reminders wait while staff check. A From alone proves nothing: a claim in a mail
 * that could be forged reaches staff but pauses no reminder. Only the customer's own unpaid
 * invoices can be claimed; the others are named in the answer. A claim changes nothing but
 * when reminders go: the payment is the billing system's to record.
 */
export async function claimPaid(ctx: Context, numbers: string[], byOwner: boolean): Promise<Reply> {
  const invoices = await ctx.ownInvoices(numbers);
  const unpaid = invoices.filter((invoice) => invoice.status === 'unpaid');
  const others = numbers.filter((number) => !unpaid.some((invoice) => invoice.number === number));
  if (unpaid.length === 0) return ctx.refuse('claim.nothing', { numbers: others.join(', '), count: others.length });
  const now = ctx.services.now();
  const at = now.toISOString();
  if (byOwner)
    await ctx.services.store.updateCustomer(ctx.customer.id, (customer) => ({
      ...customer,
      paymentClaims: [
        ...(customer.paymentClaims ?? []).filter((claim) => !unpaid.some((invoice) => invoice.number === claim.number)),
        ...unpaid.map((invoice) => ({ number: invoice.number, at })),
      ],
    }));
  const claimed = unpaid.map((invoice) => invoice.number).join(', ');
  ctx.services.log.info({ event: 'claim.paid', customer: ctx.customer.id, invoices: claimed, paused: byOwner }, 'a customer says invoices are paid');
  const staff = ctx.services.catalog;
  await ctx.services.tellStaff({
    subject: staff.t('fr', 'staff.claim.subject', { numbers: claimed, count: unpaid.length, customer: ctx.customer.email }),
    text: staff.t('fr', 'staff.claim.text', { numbers: claimed, count: unpaid.length, customer: ctx.customer.email, name: ctx.customer.name, date: now }),
  });
  const text = [ctx.t(byOwner ? 'claim.recorded' : 'claim.told', { numbers: claimed, count: unpaid.length })];
  if (others.length > 0) text.push(ctx.t('claim.others', { numbers: others.join(', '), count: others.length }));
  return ctx.reply(text);
}

/**
 * A payment of the unpaid invoices a filter names (« j'ai payé la facture de décembre »): the
 * one it names, or which one when two match; all it names when the claim says so in the
 * plural (« les deux factures d'octobre », "both"), each then claimed as by its number.
 */
export async function claimMatching(ctx: Context, filter: InvoiceFilter, every: boolean, run: Run): Promise<Reply> {
  const found = every ? await matching(ctx, filter) : [];
  if (found.length > 0) return run({ intent: 'paidClaim', numbers: found.map((invoice) => invoice.number) });
  return forTheInvoiceMatching(ctx, filter, (number) => ({ intent: 'paidClaim', numbers: [number] }), run);
}

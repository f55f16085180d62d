import { newAddressOf, samePending } from '../../billing/changes.js';
import { addressesOnRecord } from '../../billing/customer.js';
import type { AccountChange, PendingChange } from '../../billing/types.js';
import type { Request } from '../request.js';
import type { Context } from '../context.js';
import type { Reply } from '../reply.js';
import { describeChange } from './describe.js';

/** The kinds of waiting change a withdrawal names: a new notification address, or anything about a contact. */
const KINDS: Record<'address' | 'contact', AccountChange['kind'][]> = { address: ['address'], contact: ['contact', 'contactRemoved', 'contactMayAsk'] };

/**
 * A change asked before, taken back before it is made: the waiting change of that kind (every
 * one when none is named) is dropped, so that its approval approves nothing and its code
 * confirms nothing, and nothing more is mailed to the address it named. It sends nothing
 * anywhere new, so mail from an address on record may do it at once (its answer goes to that
 * address: an owner who did not write it learns of it there); an invoice contact, never the
 * owner, may not, nor may words the customer did not write (see `mayAsk`).
 */
export async function withdrawChange(ctx: Context, kind: 'address' | 'contact' | null, request: Request): Promise<Reply> {
  if (request.sender !== undefined && !addressesOnRecord(ctx.customer).includes(request.sender.toLowerCase())) return ctx.refuse('withdraw.notOnRecord');
  const named = (pending: PendingChange) => kind === null || KINDS[kind].includes(pending.change.kind);
  let dropped: PendingChange[] = [];
  // Read where it is written: a code confirmed meanwhile has made its change, which is no longer to withdraw.
  await ctx.services.store.updateCustomer(ctx.customer.id, (customer) => {
    dropped = customer.pending.filter(named);
    return dropped.length === 0 ? customer : { ...customer, pending: customer.pending.filter((pending) => !dropped.some((d) => samePending(pending, d))) };
  });
  if (dropped.length === 0) return ctx.reply([ctx.t('withdraw.nothing')]);
  ctx.services.log.info(
    { event: 'change.withdrawn', customer: ctx.customer.id, changes: dropped.map((pending) => pending.change.kind), trust: request.trust },
    'account change withdrawn by the customer',
  );
  const addresses = dropped.flatMap((pending) => newAddressOf(ctx.customer, pending.change) ?? []);
  const changes = dropped.map((pending) => describeChange(ctx, pending.change)).join(ctx.t('withdraw.separator'));
  return ctx.reply([ctx.t('withdraw.done', { changes }), ...(addresses.length > 0 ? [ctx.t('withdraw.noMail', { addresses: addresses.join(', ') })] : [])]);
}

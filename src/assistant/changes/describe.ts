import type { AccountChange } from '../../billing/types.js';
import type { Context } from '../context.js';

/** What a change does, as the end of a sentence ("…asks that new invoices arrive without the PDF"). */
export function describeChange(ctx: Context, change: AccountChange): string {
  if (change.kind === 'address' || change.kind === 'contact' || change.kind === 'contactRemoved')
    return ctx.t(`change.${change.kind}`, { address: change.address });
  if (change.kind === 'contactMayAsk') return ctx.t(`change.contactMayAsk.${change.on ? 'on' : 'off'}`, { address: change.address });
  return ctx.t(`change.${change.kind}.${change.on ? 'on' : 'off'}`);
}

/** What the customer is told once a change is made. */
export function changeDone(ctx: Context, change: AccountChange): string {
  if (change.kind === 'address') return ctx.t('confirm.done', { address: change.address });
  if (change.kind === 'contact') return ctx.t('contact.added', { address: change.address });
  if (change.kind === 'contactRemoved') return ctx.t('contact.removed', { address: change.address });
  if (change.kind === 'contactMayAsk') return ctx.t(`contact.mayAsk.${change.on ? 'on' : 'off'}`, { address: change.address });
  return ctx.t(`${change.kind}.${change.on ? 'on' : 'off'}`);
}

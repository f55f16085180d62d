import { z } from 'zod';
import { issueCode } from '../../billing/codes.js';
import { addressesOnRecord } from '../../billing/customer.js';
import type { AccountChange, Customer } from '../../billing/types.js';
import type { Request } from '../assistant.js';
import type { Context } from '../context.js';
import type { Reply } from '../reply.js';
import { changeDone, describeChange } from './describe.js';
import { applyChange, APPROVAL_TTL_MINUTES, CONFIRMATION_TTL_MINUTES, codeSubject, lockedForMail, pendingOn, withPending, type Step } from './pending.js';

/**
 * A change of the account asked for: made at once when the owner asks (a linked chat
 * account, the console) and nothing new would receive invoices; otherwise it waits for
 * the proofs it needs. Mail from an address on record proves nothing by itself, so a
 * change asked by mail first waits for the owner's approval, by a code mailed to the
 * addresses on record whatever the From said; a new address then gets a code of its own,
 * and nothing but that code is sent to it until it comes back.
 */
export async function askChange(ctx: Context, asked: AccountChange, request: Request): Promise<Reply> {
  const change = checked(ctx, asked);
  if ('outcome' in change) return change;
  if (unchanged(ctx.customer, change)) return ctx.reply([changeDone(ctx, change)]);
  ctx.services.log.info({ event: 'change.requested', customer: ctx.customer.id, change: change.kind, trust: request.trust }, 'account change requested');
  if (request.trust === 'address') return askOwner(ctx, change);
  if (change.kind === 'address' && change.address !== ctx.customer.email) return askNewAddress(ctx, change, null);
  return makeChange(ctx, change, null);
}

/** The address normalised and valid, a chat opt-in only for a linked account; or the refusal. */
function checked(ctx: Context, change: AccountChange): AccountChange | Reply {
  if (change.kind === 'chat' && (ctx.customer.links.discord ?? []).length === 0) return ctx.refuse('chat.notLinked');
  if (change.kind !== 'address') return change;
  const address = change.address.trim().toLowerCase();
  if (!z.email().safeParse(address).success) return ctx.refuse('address.invalid', { address: change.address });
  if (address === ctx.customer.notifications.address) return ctx.refuse('address.same', { address });
  return { kind: 'address', address };
}

function unchanged(customer: Customer, change: AccountChange): boolean {
  if (change.kind === 'attachments') return customer.notifications.attachPdf === change.on;
  if (change.kind === 'chat') return customer.notifications.chat === change.on;
  return false;
}

/** The owner's approval asked of every address on record, and the change kept until it comes back. */
async function askOwner(ctx: Context, change: AccountChange): Promise<Reply> {
  const now = ctx.services.now();
  if (lockedForMail(ctx.customer, now)) return lockedOut(ctx);
  const { code, codeHash, expiresAt } = issueCode(codeSubject(ctx.customer, change, 'approval'), now, APPROVAL_TTL_MINUTES);
  const params = { name: ctx.customer.name, code, change: describeChange(ctx, change), hours: APPROVAL_TTL_MINUTES / 60 };
  const addresses = addressesOnRecord(ctx.customer);
  const sent: string[] = [];
  for (const address of addresses) if (await ctx.services.codeMail.send(address, ctx.locale, 'mail.approval', params)) sent.push(address);
  if (sent.length === 0) return ctx.refuse('address.tooMany', { address: addresses.join(', ') });
  const pending = { change, approval: { codeHash, expiresAt, attempts: 0 }, confirmation: null, requestedAt: now.toISOString() };
  await ctx.services.store.updateCustomer(ctx.customer.id, (customer) => withPending(customer, pending));
  return ctx.reply([ctx.t('approval.asked', { addresses: sent.join(', ') })]);
}

/**
 * A code to the new address, which proves its reader wants the invoices there. `approved`
 * names the owner's approval this follows, which it replaces if it still stands; without
 * one, the owner asked, and the current address is told.
 */
export async function askNewAddress(ctx: Context, change: AccountChange & { kind: 'address' }, approved: { codeHash: string } | null): Promise<Reply> {
  const now = ctx.services.now();
  const { code, codeHash, expiresAt } = issueCode(codeSubject(ctx.customer, change, 'confirmation'), now, CONFIRMATION_TTL_MINUTES);
  const params = { name: ctx.customer.name, code, minutes: CONFIRMATION_TTL_MINUTES, address: change.address };
  if (!(await ctx.services.codeMail.send(change.address, ctx.locale, 'mail.code', params))) return ctx.refuse('address.tooMany', { address: change.address });
  const pending = { change, approval: null, confirmation: { codeHash, expiresAt, attempts: 0 }, requestedAt: now.toISOString() };
  const updated = await ctx.services.store.updateCustomer(ctx.customer.id, (customer) =>
    approved && !pendingOn(customer, 'address', 'approval', approved.codeHash) ? customer : withPending(customer, pending),
  );
  if (!updated?.pending.some((p) => p.confirmation?.codeHash === codeHash)) return ctx.refuse('confirm.nothing');
  const current = ctx.customer.notifications.address;
  if (approved) return ctx.reply([ctx.t('confirm.approved', { address: change.address })]);
  if (current) await ctx.services.codeMail.send(current, ctx.locale, 'mail.notice', params);
  return ctx.reply([ctx.t('address.codeSent', params)]);
}

/**
 * Makes the change on the record as it is now. `after` names the code that allowed it: if
 * another request replaced that pending change meanwhile, nothing is made.
 */
export async function makeChange(ctx: Context, change: AccountChange, after: { step: Step; codeHash: string } | null): Promise<Reply> {
  let made = false;
  await ctx.services.store.updateCustomer(ctx.customer.id, (customer) => {
    if (after && !pendingOn(customer, change.kind, after.step, after.codeHash)) return customer;
    made = true;
    return applyChange(customer, change);
  });
  if (!made) return ctx.refuse('confirm.nothing');
  ctx.services.log.info({ event: 'change.made', customer: ctx.customer.id, change: change.kind }, 'account changed');
  return ctx.reply([changeDone(ctx, change)]);
}

export function lockedOut(ctx: Context): Reply {
  ctx.services.log.warn({ event: 'change.locked', customer: ctx.customer.id }, 'account change by mail refused: too many wrong codes today');
  return ctx.refuse('confirm.locked');
}

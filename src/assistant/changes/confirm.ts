import { checkCode, CODE_MAX_ATTEMPTS } from '../../billing/codes.js';
import { codeSubject, codesLocked, countWrongCode, live, pendingOf, replyHash, samePending, waiting, withoutPending } from '../../billing/changes.js';
import { addressesOnRecord } from '../../billing/customer.js';
import type { PendingChange } from '../../billing/types.js';
import { notUnderstood } from '../actions/help.js';
import type { Request } from '../assistant.js';
import type { Context } from '../context.js';
import type { Reply } from '../reply.js';
import { askNewAddress, makeChange } from './ask.js';

/**
 * `confirmer` or `confirmer 123456`. In a reply to an approval mail, from an address on
 * record, it is the owner's approval: that mail's Message-ID, which the reply names, went
 * to the owner's mailboxes only, and nothing is typed that could be guessed. Otherwise the
 * code is a new address's, and counts only from that address, or from the owner's chat
 * account; a wrong one counts against the change and against the account, whoever gave it.
 */
export async function confirmCode(ctx: Context, code: string | null, request: Request): Promise<Reply> {
  const now = ctx.services.now();
  const answered = approvalAnswered(ctx, request);
  if (answered) return approve(ctx, answered);
  const confirming = pendingOf(ctx.customer, 'address');
  if (!confirming || confirming.change.kind !== 'address' || confirming.approval !== null || !live(confirming.confirmation, now)) {
    const unapproved = ctx.customer.pending.some((pending) => pending.approval && waiting(pending, now));
    return ctx.refuse(unapproved ? 'approval.replyNeeded' : 'confirm.nothing');
  }
  const { address } = confirming.change;
  if (code === null) return ctx.refuse('confirm.missingCode');
  const fromThere = request.sender === undefined ? request.trust === 'owner' : request.sender.toLowerCase() === address;
  if (!fromThere) return ctx.refuse('confirm.wrongSender', { address });
  if (codesLocked(ctx.customer, now)) {
    ctx.services.log.warn({ event: 'code.locked', customer: ctx.customer.id }, 'code refused: too many wrong codes for this account today');
    return ctx.refuse('confirm.locked');
  }
  if (checkCode(confirming.confirmation, codeSubject(ctx.customer, confirming.change), code, now) === 'ok') {
    ctx.services.log.info({ event: 'change.confirmed', customer: ctx.customer.id, change: 'address' }, 'new address confirmed');
    return makeChange(ctx, confirming.change, confirming);
  }
  const updated = await ctx.services.store.updateCustomer(ctx.customer.id, (customer) => countWrongCode(customer, 'address', now.toISOString()));
  ctx.services.log.warn({ event: 'code.wrong', customer: ctx.customer.id, trust: request.trust }, 'wrong code given');
  const left = updated && pendingOf(updated, 'address')?.confirmation;
  return left ? ctx.refuse('confirm.wrong', { left: CODE_MAX_ATTEMPTS - left.attempts }) : ctx.refuse('confirm.expired');
}

/** "oui" or "non" in a reply to an approval mail: the change is approved, or dropped. Anywhere else it means nothing. */
export async function answerApproval(ctx: Context, yes: boolean, request: Request): Promise<Reply> {
  const answered = approvalAnswered(ctx, request);
  if (!answered) return notUnderstood(ctx);
  if (yes) return approve(ctx, answered);
  await ctx.services.store.updateCustomer(ctx.customer.id, (customer) =>
    samePending(pendingOf(customer, answered.change.kind), answered) ? withoutPending(customer, answered.change.kind) : customer,
  );
  ctx.services.log.info({ event: 'change.refused', customer: ctx.customer.id, change: answered.change.kind }, 'account change refused by its owner');
  return ctx.reply([ctx.t('approval.cancelled')]);
}

/** The pending change whose approval mail this message answers, from an address on record, while it may still be approved. */
function approvalAnswered(ctx: Context, request: Request): PendingChange | undefined {
  if (request.sender === undefined || !addressesOnRecord(ctx.customer).includes(request.sender.toLowerCase())) return undefined;
  const named = new Set((request.answering ?? []).map(replyHash));
  const now = ctx.services.now().toISOString();
  return ctx.customer.pending.find((pending) => pending.approval && pending.approval.expiresAt > now && pending.approval.replyHashes.some((hash) => named.has(hash)));
}

function approve(ctx: Context, pending: PendingChange): Promise<Reply> {
  ctx.services.log.info({ event: 'change.approved', customer: ctx.customer.id, change: pending.change.kind }, 'account change approved by its owner');
  const { change } = pending;
  if (change.kind === 'address' && change.address !== ctx.customer.email) return askNewAddress(ctx, change, pending);
  return makeChange(ctx, change, pending);
}

import { checkCode, CODE_MAX_ATTEMPTS } from '../../billing/codes.js';
import {
  codeSubject,
  codesLocked,
  confirmingOf,
  newAddressOf,
  countWrongCode,
  live,
  pendingOf,
  replyHash,
  samePending,
  waiting,
  withoutPending,
} from '../../billing/changes.js';
import { addressesOnRecord } from '../../billing/customer.js';
import type { PendingChange } from '../../billing/types.js';
import { readAnswer } from './answer.js';
import { describeChange } from './describe.js';
import type { Request } from '../request.js';
import type { Command } from '../command.js';
import type { Context } from '../context.js';
import type { Reply } from '../reply.js';
import { askNewAddress, makeChange } from './ask.js';
import { liftProven } from '../../notifications/suppressions.js';

/**
 * While a new address's code is on its way, a message that is only six digits, and no
 * invoice of the customer's, is that code: people paste it alone.
 */
export async function asCode(ctx: Context, command: Command, text: string): Promise<Command> {
  const code = /^\W*(\d{6})\W*$/.exec(text)?.[1];
  if (!code || command.intent !== 'pdf' || (await ctx.ownInvoice(code))) return command;
  const confirming = confirmingOf(ctx.customer);
  return confirming && live(confirming.confirmation, ctx.services.now()) ? { intent: 'confirm', code } : command;
}

/**
 * `confirmer 123456`: a new address's code, which counts only from that address, or from
 * the owner's chat account; a wrong one counts against the change and the account,
 * whoever gave it. (The owner's approval is no code: see `answerToApproval`.)
 */
export async function confirmCode(ctx: Context, code: string | null, request: Request): Promise<Reply> {
  const now = ctx.services.now();
  const confirming = confirmingOf(ctx.customer);
  if (!confirming || !live(confirming.confirmation, now)) {
    const unapproved = ctx.customer.pending.some((pending) => pending.approval && waiting(pending, now));
    return ctx.refuse(unapproved ? 'approval.replyNeeded' : 'confirm.nothing');
  }
  const address = newAddressOf(ctx.customer, confirming.change)!;
  if (code === null) return ctx.refuse('confirm.missingCode');
  const fromThere = request.sender === undefined ? request.trust === 'owner' : request.sender.toLowerCase() === address;
  if (!fromThere) return ctx.refuse('confirm.wrongSender', { address });
  if (codesLocked(ctx.customer, now)) {
    ctx.services.log.warn({ event: 'code.locked', customer: ctx.customer.id }, 'code refused: too many wrong codes for this account today');
    return ctx.refuse('confirm.locked');
  }
  if (checkCode(confirming.confirmation, codeSubject(ctx.customer, confirming.change), code, now) === 'ok') {
    ctx.services.log.info({ event: 'change.confirmed', customer: ctx.customer.id, change: confirming.change.kind }, 'new address confirmed');
    // The code reached that mailbox: an address that bounced before receives again.
    await liftProven(ctx.services.store, ctx.services.log, address, now.toISOString(), { customer: ctx.customer.id, code: confirming.change.kind });
    return makeChange(ctx, confirming.change, confirming);
  }
  const updated = await ctx.services.store.updateCustomer(ctx.customer.id, (customer) => countWrongCode(customer, confirming.change.kind, now.toISOString()));
  ctx.services.log.warn({ event: 'code.wrong', customer: ctx.customer.id, trust: request.trust }, 'wrong code given');
  const left = updated && pendingOf(updated, confirming.change.kind)?.confirmation;
  return left ? ctx.refuse('confirm.wrong', { left: CODE_MAX_ATTEMPTS - left.attempts }) : ctx.refuse('confirm.expired');
}

/**
 * The owner's answer, when the message is a direct reply (In-Reply-To) to an approval mail
 * from an address on record: that mail's Message-ID went to the owner's mailboxes only, and
 * nothing typed could be guessed. The answer is read strictly (see `readAnswer`): yes
 * approves, no drops the change, anything else is asked again. Null for any other message.
 */
export async function answerToApproval(ctx: Context, request: Request): Promise<Reply | null> {
  const pending = repliedApproval(ctx, request);
  if (!pending) return null;
  const { change } = pending;
  if (pending.approval!.expiresAt <= ctx.services.now().toISOString()) return ctx.refuse('approval.expired');
  // Words the owner did not write (an empty reply's subject, which names the approval) answer nothing.
  const yes = (request.words ?? 'own') === 'own' ? readAnswer(request.text) : null;
  if (yes === null) return ctx.refuse('approval.unclear', { change: describeChange(ctx, change) });
  if (yes) return approve(ctx, pending);
  await ctx.services.store.updateCustomer(ctx.customer.id, (customer) =>
    samePending(pendingOf(customer, change.kind), pending) ? withoutPending(customer, change.kind) : customer,
  );
  ctx.services.log.info({ event: 'change.refused', customer: ctx.customer.id, change: change.kind }, 'account change refused by its owner');
  return ctx.reply([ctx.t('approval.cancelled')]);
}

/** The pending change whose approval mail this message directly answers, from an address on record. */
function repliedApproval(ctx: Context, request: Request): PendingChange | undefined {
  if (request.sender === undefined || request.inReplyTo === undefined) return undefined;
  if (!addressesOnRecord(ctx.customer).includes(request.sender.toLowerCase())) return undefined;
  const hash = replyHash(request.inReplyTo);
  return ctx.customer.pending.find((pending) => pending.approval?.replyHashes.includes(hash));
}

function approve(ctx: Context, pending: PendingChange): Promise<Reply> {
  ctx.services.log.info({ event: 'change.approved', customer: ctx.customer.id, change: pending.change.kind }, 'account change approved by its owner');
  const { change } = pending;
  if (newAddressOf(ctx.customer, change) !== null) return askNewAddress(ctx, change, pending);
  return makeChange(ctx, change, pending);
}

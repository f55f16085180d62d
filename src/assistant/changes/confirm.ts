import { checkCode, CODE_MAX_ATTEMPTS } from '../../billing/codes.js';
import { addressesOnRecord } from '../../billing/customer.js';
import type { CodeOnItsWay, Customer, PendingChange } from '../../billing/types.js';
import type { Request } from '../assistant.js';
import type { Context } from '../context.js';
import type { Reply } from '../reply.js';
import { askNewAddress, lockedOut, makeChange } from './ask.js';
import { codeSubject, countWrongCode, live, lockedForMail, type Step } from './pending.js';

/** A code some pending change waits for. */
interface Waiting {
  pending: PendingChange;
  step: Step;
  code: CodeOnItsWay;
}

/**
 * A code given back (`confirmer 123456`). The owner's approval counts only from the owner:
 * a linked chat account, or mail from an address on record, where the code was sent. A
 * new address's code counts only from that address, or from the owner's chat account. A
 * wrong code is counted against every code it could have been, and by mail against the
 * account too, so guessing is bounded however many messages a forger sends.
 */
export async function confirmCode(ctx: Context, code: string | null, request: Request): Promise<Reply> {
  const now = ctx.services.now();
  const customer = ctx.customer;
  const waiting = waitingCodes(customer, now);
  if (waiting.length === 0) return ctx.refuse('confirm.nothing');
  if (code === null) return ctx.refuse('confirm.missingCode');
  if (request.trust === 'address' && lockedForMail(customer, now)) return lockedOut(ctx);
  const eligible = waiting.filter((w) => mayGive(customer, w, request));
  if (eligible.length === 0) {
    const elsewhere = waiting.find((w) => w.pending.change.kind === 'address' && w.step === 'confirmation');
    if (elsewhere?.pending.change.kind === 'address') return ctx.refuse('confirm.wrongSender', { address: elsewhere.pending.change.address });
    return ctx.refuse('confirm.nothing');
  }
  const match = eligible.find((w) => checkCode(w.code, codeSubject(customer, w.pending.change, w.step), code, now) === 'ok');
  if (match) return accept(ctx, match);
  return wrongCode(ctx, eligible, request, now);
}

function waitingCodes(customer: Customer, now: Date): Waiting[] {
  return customer.pending.flatMap((pending) =>
    (['approval', 'confirmation'] as const).flatMap((step) => {
      const code = pending[step];
      return live(code, now) ? [{ pending, step, code }] : [];
    }),
  );
}

function mayGive(customer: Customer, waiting: Waiting, request: Request): boolean {
  const { change } = waiting.pending;
  if (waiting.step === 'approval') return request.trust === 'owner' || (request.sender !== undefined && addressesOnRecord(customer).includes(request.sender.toLowerCase()));
  if (request.sender === undefined) return request.trust === 'owner';
  return change.kind === 'address' && request.sender.toLowerCase() === change.address;
}

async function accept(ctx: Context, { pending, step, code }: Waiting): Promise<Reply> {
  const { change } = pending;
  ctx.services.log.info({ event: `change.${step === 'approval' ? 'approved' : 'confirmed'}`, customer: ctx.customer.id, change: change.kind }, 'code accepted');
  if (step === 'approval' && change.kind === 'address' && change.address !== ctx.customer.email) return askNewAddress(ctx, change, code);
  return makeChange(ctx, change, { step, codeHash: code.codeHash });
}

async function wrongCode(ctx: Context, eligible: Waiting[], request: Request, now: Date): Promise<Reply> {
  const tried = eligible.map((w) => ({ kind: w.pending.change.kind, step: w.step, codeHash: w.code.codeHash }));
  const failedAt = request.trust === 'address' ? now.toISOString() : null;
  const updated = await ctx.services.store.updateCustomer(ctx.customer.id, (customer) => countWrongCode(customer, tried, failedAt));
  ctx.services.log.warn({ event: 'code.wrong', customer: ctx.customer.id, trust: request.trust }, 'wrong code given');
  const left = (updated ? waitingCodes(updated, now) : []).filter((w) => tried.some((t) => t.codeHash === w.code.codeHash)).map((w) => CODE_MAX_ATTEMPTS - w.code.attempts);
  if (left.length === 0) return ctx.refuse('confirm.expired');
  return ctx.refuse('confirm.wrong', { left: Math.min(...left) });
}

import { z } from 'zod';
import { issueCode } from '../../billing/codes.js';
import {
  applyChange,
  APPROVAL_TTL_MINUTES,
  CONFIRMATION_TTL_MINUTES,
  codeSubject,
  confirmingOf,
  contactRefusal,
  countCodeMailed,
  live,
  mayMailCode,
  namesProviderMailbox,
  newAddressOf,
  pendingOf,
  redirectsInvoices,
  replyHash,
  samePending,
  waiting,
  withoutPending,
  withPending,
} from '../../billing/changes.js';
import { addressesOnRecord } from '../../billing/customer.js';
import { MAX_CONTACTS, type AccountChange, type Customer, type PendingChange } from '../../billing/types.js';
import type { Request } from '../request.js';
import type { Context } from '../context.js';
import type { Reply } from '../reply.js';
import { changeDone, describeChange } from './describe.js';
import { MINUTE_MS } from '../../time.js';

/**
 * A change of the account asked for: made at once when the owner asks (a linked chat
 * account, the console) and nothing new would receive invoices; otherwise it waits for the
 * proofs it needs. Mail from an address on record proves nothing by itself, so a change
 * asked by mail first waits for the owner's approval: a reply to a mail sent to every
 * address on record, whatever the From said. Mail that passed DMARC skips it only for what
 * sends invoices nowhere new. A new address then gets a code of its own, and nothing but
 * that code is sent to it until it comes back.
 */
export async function askChange(ctx: Context, asked: AccountChange, request: Request): Promise<Reply> {
  const change = checked(ctx, asked);
  if ('outcome' in change) return change;
  if (unchanged(ctx.customer, change)) return ctx.reply([changeDone(ctx, change)]);
  ctx.services.log.info({ event: 'change.requested', customer: ctx.customer.id, change: change.kind, trust: request.trust }, 'account change requested');
  // A DMARC pass proves the domain, not the command: what would send invoices somewhere new still needs the owner's yes.
  if (request.trust === 'address' || (request.trust === 'domain' && redirectsInvoices(change))) return askOwner(ctx, change);
  if (newAddressOf(ctx.customer, change) !== null) return askNewAddress(ctx, change, null);
  return makeChange(ctx, change, null);
}

/** The address normalised and valid, a contact that may be added or is there, a chat opt-in only for a linked account; or the refusal. */
function checked(ctx: Context, change: AccountChange): AccountChange | Reply {
  if (change.kind === 'chat' && (ctx.customer.links.discord ?? []).length === 0) return ctx.refuse('chat.notLinked');
  if (change.kind === 'reminders' && !change.on && !ctx.services.remindersOptOut) return ctx.refuse('reminders.required');
  if (!('address' in change)) return change;
  const address = change.address.trim().toLowerCase();
  if (!z.email().safeParse(address).success) return ctx.refuse('address.invalid', { address: change.address });
  if (namesProviderMailbox({ ...change, address }, ctx.services.providerMailboxes)) return providerRefusal(ctx, address);
  if (change.kind === 'address') return address === ctx.customer.notifications.address ? ctx.refuse('address.same', { address }) : { ...change, address };
  if (change.kind === 'contact') {
    const refusal = contactRefusal(ctx.customer, address);
    return refusal ? ctx.refuse(refusal, { address, max: MAX_CONTACTS }) : { ...change, address };
  }
  if (!(ctx.customer.contacts ?? []).some((contact) => contact.address === address)) return ctx.refuse('contact.unknown', { address });
  return { ...change, address };
}

function unchanged(customer: Customer, change: AccountChange): boolean {
  if (change.kind === 'attachments') return customer.notifications.attachPdf === change.on;
  if (change.kind === 'chat') return customer.notifications.chat === change.on;
  if (change.kind === 'reminders') return (customer.notifications.reminders !== false) === change.on;
  if (change.kind === 'contactMayAsk') return (customer.contacts ?? []).some((contact) => contact.address === change.address && contact.mayAsk === change.on);
  return false;
}

/**
 * The owner's approval asked of every address on record, and the change kept until a reply
 * to one of those mails says yes. While a change of its kind waits (for an approval or for
 * a new address's code), another asked by mail is refused rather than put in its place: a
 * forger must not swap theirs in under the owner's eyes, nor wipe out the owner's own.
 */
async function askOwner(ctx: Context, change: AccountChange): Promise<Reply> {
  const now = ctx.services.now();
  const earlier = waitingOf(ctx.customer, change.kind, now);
  if (earlier) return ctx.refuse('approval.already', { change: describeChange(ctx, earlier.change) });
  const params = { name: ctx.customer.name, change: describeChange(ctx, change), hours: APPROVAL_TTL_MINUTES / 60 };
  const addresses = addressesOnRecord(ctx.customer);
  const sent: { address: string; messageId: string }[] = [];
  for (const address of addresses) {
    const messageId = await ctx.services.codeMail.send(address, ctx.locale, 'mail.approval', params);
    if (messageId) sent.push({ address, messageId });
  }
  if (sent.length === 0) return ctx.refuse('address.tooMany', { address: addresses.join(', ') });
  const expiresAt = new Date(now.getTime() + APPROVAL_TTL_MINUTES * MINUTE_MS).toISOString();
  const pending: PendingChange = {
    change,
    approval: { replyHashes: sent.map((mail) => replyHash(mail.messageId)), expiresAt },
    confirmation: null,
    requestedAt: now.toISOString(),
  };
  // Checked again where it is written: another message may have placed one while the mails went out.
  let placed = false;
  await ctx.services.store.updateCustomer(ctx.customer.id, (customer) => {
    if (waitingOf(customer, change.kind, now)) return customer;
    placed = true;
    return withPending(customer, pending);
  });
  if (!placed) return ctx.refuse('approval.already', { change: describeChange(ctx, change) });
  return ctx.reply([ctx.t('approval.asked', { addresses: sent.map((mail) => mail.address).join(', ') })]);
}

/** The change of this kind that still waits for something that can come. */
function waitingOf(customer: Customer, kind: AccountChange['kind'], now: Date): PendingChange | undefined {
  const pending = pendingOf(customer, kind);
  return pending && waiting(pending, now) ? pending : undefined;
}

/**
 * A code to the new address, which proves its reader wants the invoices there. `approved`
 * is the pending change the owner approved, which it replaces if it still stands.
 */
export async function askNewAddress(ctx: Context, change: AccountChange, approved: PendingChange | null): Promise<Reply> {
  const now = ctx.services.now();
  const address = newAddressOf(ctx.customer, change)!;
  if (namesProviderMailbox(change, ctx.services.providerMailboxes)) return dropProviderMailbox(ctx, change, approved, address);
  if (!mayMailCode(ctx.customer, now)) return ctx.refuse('address.tooManyToday');
  // One new address confirms at a time (see `confirmingOf`): another of the other kind waits until it is done or expired.
  const other = confirmingOf(ctx.customer);
  if (other && other.change.kind !== change.kind && live(other.confirmation, now))
    return ctx.refuse('contact.otherWaiting', { address: newAddressOf(ctx.customer, other.change)!, minutes: CONFIRMATION_TTL_MINUTES });
  const { code, codeHash, expiresAt } = issueCode(codeSubject(ctx.customer, change), now, CONFIRMATION_TTL_MINUTES);
  const params = { name: ctx.customer.name, code, minutes: CONFIRMATION_TTL_MINUTES, address };
  if (!(await ctx.services.codeMail.send(address, ctx.locale, 'mail.code', params))) return ctx.refuse('address.tooMany', { address });
  const pending: PendingChange = {
    change,
    approval: null,
    confirmation: { codeHash, expiresAt, attempts: 0 },
    requestedAt: approved?.requestedAt ?? now.toISOString(),
  };
  let placed = false;
  await ctx.services.store.updateCustomer(ctx.customer.id, (customer) => {
    if (approved && !samePending(pendingOf(customer, change.kind), approved)) return customer;
    placed = true;
    return countCodeMailed(withPending(customer, pending), now.toISOString());
  });
  if (!placed) return ctx.refuse('confirm.nothing');
  return ctx.reply([ctx.t(approved ? 'confirm.approved' : 'address.codeSent', params)]);
}

/**
 * Makes the change on the record as it is now. `after` is the pending change that allowed
 * it: if another request replaced it meanwhile, nothing is made. A new address is told to
 * the addresses it replaces, so that an owner who did not ask learns of it at once.
 */
export async function makeChange(ctx: Context, change: AccountChange, after: PendingChange | null): Promise<Reply> {
  if (namesProviderMailbox(change, ctx.services.providerMailboxes)) return dropProviderMailbox(ctx, change, after, (change as { address: string }).address);
  let previous: string[] | null = null;
  await ctx.services.store.updateCustomer(ctx.customer.id, (customer) => {
    if (after && !samePending(pendingOf(customer, change.kind), after)) return customer;
    previous = addressesOnRecord(customer);
    return applyChange(customer, change, ctx.services.now().toISOString(), ctx.services.providerMailboxes);
  });
  if (previous === null) return ctx.refuse('confirm.nothing');
  ctx.services.log.info({ event: 'change.made', customer: ctx.customer.id, change: change.kind }, 'account changed');
  if (change.kind === 'address') {
    for (const address of (previous as string[]).filter((old) => old !== change.address)) {
      await ctx.services.codeMail.notice(address, ctx.locale, 'mail.changed', { name: ctx.customer.name, address: change.address });
    }
  }
  return ctx.reply([changeDone(ctx, change)]);
}

/** The customer told that invoices never go to the provider's own mailboxes; logged, since it may be someone trying. */
function providerRefusal(ctx: Context, address: string): Reply {
  ctx.services.log.warn({ event: 'change.providerMailbox', customer: ctx.customer.id }, "a change naming one of the provider's own addresses: refused");
  return ctx.refuse('address.provider', { address });
}

/** A change waiting since before the settings named its address as the provider's: dropped, and nothing mailed. */
async function dropProviderMailbox(ctx: Context, change: AccountChange, pending: PendingChange | null, address: string): Promise<Reply> {
  if (pending)
    await ctx.services.store.updateCustomer(ctx.customer.id, (customer) =>
      samePending(pendingOf(customer, change.kind), pending) ? withoutPending(customer, change.kind) : customer,
    );
  return providerRefusal(ctx, address);
}

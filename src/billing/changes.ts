import { createHash } from 'node:crypto';
import { CODE_MAX_ATTEMPTS } from './codes.js';
import type { AccountChange, CodeOnItsWay, Customer, PendingChange } from './types.js';

/**
 * The rules of account changes waiting for proofs, as functions of a customer record: the
 * store applies them to the record as it is when it writes (`updateCustomer`), so a change
 * made meanwhile by another message is never overwritten.
 */

/** The owner reads their mail when they can: an approval may come back within a day. */
export const APPROVAL_TTL_MINUTES = 24 * 60;
/** The new address's reader confirms right after the owner approved: a short lifetime, like every code sent to an address not yet on record. */
export const CONFIRMATION_TTL_MINUTES = 15;
/**
 * Wrong codes given for one account in a day, from any number of chat accounts or
 * addresses, before no code is taken for it until the day has passed: ten guesses a day in
 * a million, however many accounts an attacker opens.
 */
export const CODE_FAILURES_PER_DAY = 10;
/** Codes mailed to new addresses for one account in a day: nobody needs more, and each is a mail to someone not on record. */
export const CODES_MAILED_PER_DAY = 5;
const DAY_MS = 24 * 60 * 60_000;

/** What a code proves, and for which change of which customer: a code for one thing confirms nothing else. */
export function codeSubject(customer: Customer, change: AccountChange): string {
  return `account-change:${customer.id}:confirmation:${JSON.stringify(change)}`;
}

/** How the Message-ID of an approval mail is kept: hashed, so that the store alone cannot answer it. */
export function replyHash(messageId: string): string {
  return createHash('sha256').update(`approval-reply\n${messageId.trim().toLowerCase()}`).digest('hex');
}

/** A customer with this pending change in place of any other of its kind. */
export function withPending(customer: Customer, pending: PendingChange): Customer {
  return { ...customer, pending: [...customer.pending.filter((p) => p.change.kind !== pending.change.kind), pending] };
}

/** The customer without the pending change of this kind. */
export function withoutPending(customer: Customer, kind: AccountChange['kind']): Customer {
  return { ...customer, pending: customer.pending.filter((p) => p.change.kind !== kind) };
}

/** The customer with the change made and its pending record gone. */
export function applyChange(customer: Customer, change: AccountChange): Customer {
  const { pending } = withoutPending(customer, change.kind);
  if (change.kind === 'address') return { ...customer, pending, notifications: { ...customer.notifications, address: change.address } };
  if (change.kind === 'attachments') return { ...customer, pending, notifications: { ...customer.notifications, attachPdf: change.on } };
  if (change.kind === 'reminders') return { ...customer, pending, notifications: { ...customer.notifications, reminders: change.on } };
  return { ...customer, pending, notifications: { ...customer.notifications, chat: change.on } };
}

/** Whether the pending change is still the one a step began with: another request may have replaced it meanwhile. */
export function samePending(a: PendingChange | undefined, b: PendingChange): boolean {
  return a !== undefined && a.requestedAt === b.requestedAt && JSON.stringify(a.change) === JSON.stringify(b.change);
}

/** The pending change of this kind. */
export function pendingOf(customer: Customer, kind: AccountChange['kind']): PendingChange | undefined {
  return customer.pending.find((p) => p.change.kind === kind);
}

/** Whether a pending change still waits for something that can come: an approval or a code not expired. */
export function waiting(pending: PendingChange, now: Date): boolean {
  if (pending.approval) return pending.approval.expiresAt > now.toISOString();
  return live(pending.confirmation, now);
}

/** The pending address change whose code this address may give back, while that code is good. */
export function awaitsConfirmationFrom(customer: Customer, address: string, now: Date): PendingChange | undefined {
  const pending = pendingOf(customer, 'address');
  return pending?.change.kind === 'address' && pending.change.address === address.toLowerCase() && pending.approval === null && live(pending.confirmation, now) ? pending : undefined;
}

/**
 * A wrong code counted against the pending change it was tried on (dropped after too many)
 * and against the account, whichever chat account or address gave it.
 */
export function countWrongCode(customer: Customer, kind: AccountChange['kind'] | null, failedAt: string): Customer {
  const pending = customer.pending.flatMap((p): PendingChange[] => {
    if (p.change.kind !== kind || !p.confirmation) return [p];
    const attempts = p.confirmation.attempts + 1;
    return attempts >= CODE_MAX_ATTEMPTS ? [] : [{ ...p, confirmation: { ...p.confirmation, attempts } }];
  });
  return { ...customer, pending, codeFailures: [...recent(customer.codeFailures, new Date(failedAt)), failedAt] };
}

/** Whether no code is taken for this account for now: too many wrong ones today. */
export function codesLocked(customer: Customer, now: Date): boolean {
  return recent(customer.codeFailures, now).length >= CODE_FAILURES_PER_DAY;
}

/** Whether another code may be mailed to a new address for this account today. */
export function mayMailCode(customer: Customer, now: Date): boolean {
  return recent(customer.codesMailed, now).length < CODES_MAILED_PER_DAY;
}

/** The customer with one more code mailed today. */
export function countCodeMailed(customer: Customer, at: string): Customer {
  return { ...customer, codesMailed: [...recent(customer.codesMailed, new Date(at)), at] };
}

/** A code still good: not expired, not tried too often. */
export function live(code: CodeOnItsWay | null, now: Date): code is CodeOnItsWay {
  return code !== null && code.expiresAt > now.toISOString() && code.attempts < CODE_MAX_ATTEMPTS;
}

function recent(times: string[], now: Date): string[] {
  const since = new Date(now.getTime() - DAY_MS).toISOString();
  return times.filter((at) => at > since);
}

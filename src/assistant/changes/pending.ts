import { CODE_MAX_ATTEMPTS } from '../../billing/codes.js';
import type { AccountChange, CodeOnItsWay, Customer, PendingChange } from '../../billing/types.js';

/**
 * The rules of changes waiting for codes, as functions of a customer record: the store
 * applies them to the record as it is when it writes (`updateCustomer`), so a change made
 * meanwhile by another message is never overwritten.
 */

/** The owner reads their mail when they can: an approval may come back within a day. */
export const APPROVAL_TTL_MINUTES = 24 * 60;
/** The new address's reader confirms right after the owner approved: a short lifetime, like every code sent to an address not yet on record. */
export const CONFIRMATION_TTL_MINUTES = 15;
/**
 * Wrong codes given by mail for one account in a day before mail may give or ask for no
 * more codes for it until a day has passed: a forger guessing codes in the owner's name gets
 * that many tries a day, one chance in a hundred thousand, instead of one per message.
 */
export const CODE_FAILURES_PER_DAY = 10;
const DAY_MS = 24 * 60 * 60_000;

export type Step = 'approval' | 'confirmation';

/** What a code proves, and for which change of which customer: a code for one thing confirms nothing else. */
export function codeSubject(customer: Customer, change: AccountChange, step: Step): string {
  return `account-change:${customer.id}:${step}:${JSON.stringify(change)}`;
}

/** A customer with this pending change in place of any other of its kind (a new request replaces the old one). */
export function withPending(customer: Customer, pending: PendingChange): Customer {
  return { ...customer, pending: [...customer.pending.filter((p) => p.change.kind !== pending.change.kind), pending] };
}

/** The pending change of this kind, if it still waits on the code with this hash (another request may have replaced it). */
export function pendingOn(customer: Customer, kind: AccountChange['kind'], step: Step, codeHash: string): PendingChange | undefined {
  return customer.pending.find((p) => p.change.kind === kind && p[step]?.codeHash === codeHash);
}

/** The customer with the change made and its pending record gone. */
export function applyChange(customer: Customer, change: AccountChange): Customer {
  const pending = customer.pending.filter((p) => p.change.kind !== change.kind);
  if (change.kind === 'address') return { ...customer, pending, notifications: { ...customer.notifications, address: change.address } };
  if (change.kind === 'attachments') return { ...customer, pending, notifications: { ...customer.notifications, attachPdf: change.on } };
  return { ...customer, pending, notifications: { ...customer.notifications, chat: change.on } };
}

/**
 * A wrong code counted against every step it was tried on; a step tried too often is
 * dropped with its change. `failedAt` also records the failure on the account, for mail.
 */
export function countWrongCode(customer: Customer, tried: { kind: AccountChange['kind']; step: Step; codeHash: string }[], failedAt: string | null): Customer {
  const pending = customer.pending.flatMap((p): PendingChange[] => {
    const hit = tried.find((t) => t.kind === p.change.kind && p[t.step]?.codeHash === t.codeHash);
    if (!hit) return [p];
    const code = p[hit.step]!;
    const attempts = code.attempts + 1;
    return attempts >= CODE_MAX_ATTEMPTS ? [] : [{ ...p, [hit.step]: { ...code, attempts } }];
  });
  const codeFailures = failedAt === null ? customer.codeFailures : [...recentFailures(customer, new Date(failedAt)), failedAt];
  return { ...customer, pending, codeFailures };
}

/** Wrong codes given by mail in the last day. */
export function recentFailures(customer: Customer, now: Date): string[] {
  const since = new Date(now.getTime() - DAY_MS).toISOString();
  return customer.codeFailures.filter((at) => at > since);
}

/** Whether mail may no longer give or ask for codes for this account, for now. */
export function lockedForMail(customer: Customer, now: Date): boolean {
  return recentFailures(customer, now).length >= CODE_FAILURES_PER_DAY;
}

/** A code still good: not expired, not tried too often. */
export function live(code: CodeOnItsWay | null, now: Date): code is CodeOnItsWay {
  return code !== null && code.expiresAt > now.toISOString() && code.attempts < CODE_MAX_ATTEMPTS;
}

import { createHash } from 'node:crypto';
import { CODE_MAX_ATTEMPTS } from './codes.js';
import { addressesOnRecord } from './customer.js';
import type { ProviderMailboxes } from './provider.js';
import { MAX_CONTACTS, type AccountChange, type CodeOnItsWay, type Customer, type PendingChange } from './types.js';
import { DAY_MS } from '../time.js';

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

/**
 * The address a change would start sending invoices to, which must confirm itself; null
 * for changes that add no one (the login email is on record already).
 */
export function newAddressOf(customer: Customer, change: AccountChange): string | null {
  if (change.kind === 'contact') return change.address;
  return change.kind === 'address' && change.address !== customer.email ? change.address : null;
}

/**
 * Whether the change could make invoices reach someone who does not get them now: a new
 * notification address, a new invoice contact, a contact let ask for them. Turning things
 * off, removing a contact, the PDF toggle, reminders and the Discord opt-in send nothing
 * elsewhere.
 */
export function redirectsInvoices(change: AccountChange): boolean {
  return change.kind === 'address' || change.kind === 'contact' || (change.kind === 'contactMayAsk' && change.on);
}

/** Whether the change would send invoices, or a code, to one of the provider's own mailboxes: no change may (see `ProviderMailboxes`). */
export function namesProviderMailbox(change: AccountChange, provider: ProviderMailboxes): boolean {
  return redirectsInvoices(change) && 'address' in change && provider.owns(change.address);
}

/**
 * The pending change owed a code from its new address. One at a time per account, so that
 * a code that comes back names one change, and the stores index one pending address.
 */
export function confirmingOf(customer: Customer): PendingChange | undefined {
  return customer.pending.find((p) => p.approval === null && p.confirmation !== null && newAddressOf(customer, p.change) !== null);
}

/**
 * The customer with the change made and its pending record gone (`at`: when). The rules on
 * contacts are checked again here, on the record as it is when written: another message may
 * have added one meanwhile; a change they no longer allow changes nothing, nor one to the
 * provider's own mailboxes (the settings may have named one since it was asked).
 */
export function applyChange(customer: Customer, change: AccountChange, at: string, provider: ProviderMailboxes): Customer {
  const { pending } = withoutPending(customer, change.kind);
  if (namesProviderMailbox(change, provider)) return { ...customer, pending };
  const contacts = customer.contacts ?? [];
  if (change.kind === 'contact') {
    if (contactRefusal(customer, change.address) !== null) return { ...customer, pending };
    return { ...customer, pending, contacts: [...contacts, { address: change.address, mayAsk: false, addedAt: at }] };
  }
  if (change.kind === 'contactRemoved') return { ...customer, pending, contacts: contacts.filter((c) => c.address !== change.address) };
  if (change.kind === 'contactMayAsk')
    return { ...customer, pending, contacts: contacts.map((c) => (c.address === change.address ? { ...c, mayAsk: change.on } : c)) };
  if (change.kind === 'address') {
    // A contact that becomes the notification address is no longer a copy of it (a record without contacts stays without).
    const copies = customer.contacts ? { contacts: contacts.filter((c) => c.address !== change.address) } : {};
    return { ...customer, pending, ...copies, notifications: { ...customer.notifications, address: change.address } };
  }
  if (change.kind === 'attachments') return { ...customer, pending, notifications: { ...customer.notifications, attachPdf: change.on } };
  if (change.kind === 'reminders') return { ...customer, pending, notifications: { ...customer.notifications, reminders: change.on } };
  return { ...customer, pending, notifications: { ...customer.notifications, chat: change.on } };
}

/** The addresses of the contacts that may ask (lower case): what the stores find a customer by. */
export function askingContacts(customer: Customer): string[] {
  return (customer.contacts ?? []).flatMap((contact) => (contact.mayAsk ? [contact.address.toLowerCase()] : []));
}

/** Why this address cannot be added as a contact, or null when it can. */
export function contactRefusal(customer: Customer, address: string): 'contact.onRecord' | 'contact.already' | 'contact.tooMany' | null {
  if (addressesOnRecord(customer).includes(address)) return 'contact.onRecord';
  const contacts = customer.contacts ?? [];
  if (contacts.some((c) => c.address === address)) return 'contact.already';
  return contacts.length >= MAX_CONTACTS ? 'contact.tooMany' : null;
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

/** The pending change (a new address or contact) whose code this address may give back, while that code is good. */
export function awaitsConfirmationFrom(customer: Customer, address: string, now: Date): PendingChange | undefined {
  const pending = confirmingOf(customer);
  return pending && newAddressOf(customer, pending.change) === address.toLowerCase() && live(pending.confirmation, now) ? pending : undefined;
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

import type { Customer } from '../billing/types.js';
import type { DeliveryChannel } from '../billing/delivery.js';

/**
 * Where a message about a customer's invoices goes: the notification address, with the
 * invoice contacts in copy (one mail, not one each: everyone sees who else got it, and a
 * reply-all reaches the customer), and the linked chat accounts when the customer opted in
 * and a chat channel is configured (without one, an opt-in waits: no DM is planned only to
 * fail). None when the customer has neither.
 */
export function recipientsOf(customer: Customer, chat: boolean): { channel: DeliveryChannel; recipient: string; cc?: string[] }[] {
  const address = customer.notifications.address;
  const chats = chat && customer.notifications.chat ? (customer.links.discord ?? []) : [];
  return [
    ...(address ? [{ channel: 'email' as const, recipient: address, ...copiesOf(customer) }] : []),
    ...chats.map((id) => ({ channel: 'discord' as const, recipient: id })),
  ];
}

/** The invoice contacts a mail to the notification address copies, as a delivery's `cc`; nothing when there are none. */
export function copiesOf(customer: Customer): { cc?: string[] } {
  const cc = (customer.contacts ?? []).map((contact) => contact.address);
  return cc.length > 0 ? { cc } : {};
}

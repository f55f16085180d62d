import type { Customer } from '../billing/types.js';
import type { DeliveryChannel } from '../store/delivery.js';

/**
 * Where a message about a customer's invoices goes: the notification address, and the linked
 * chat accounts when the customer opted in and a chat channel is configured (without one, an
 * opt-in waits: no DM is planned only to fail). None when the customer has neither.
 */
export function recipientsOf(customer: Customer, chat: boolean): { channel: DeliveryChannel; recipient: string }[] {
  const address = customer.notifications.address;
  const chats = chat && customer.notifications.chat ? (customer.links.discord ?? []) : [];
  return [...(address ? [{ channel: 'email' as const, recipient: address }] : []), ...chats.map((id) => ({ channel: 'discord' as const, recipient: id }))];
}

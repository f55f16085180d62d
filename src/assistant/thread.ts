import type { Customer, Invoice } from '../billing/types.js';
import type { Store } from '../store/store.js';
import type { MessageContext } from './reading/message.js';

/** Messages of a thread looked up at most, the nearest first: a References header may name hundreds, and only the nearest matter. */
export const MAX_LOOKED_UP = 10;

/**
 * What the nearest of the messages a customer answers (`ids`, the nearest first) carried, if
 * Facteur sent it to this customer: a mail of the delivery log by its Message-ID, a bot
 * message by its id (the delivery log's, or the chat messages kept for what they showed). In-Reply-To and References are written by whoever writes the mail, so a
 * message of another customer's, or one Facteur never sent, points at nothing; and of what
 * it carried, only the customer's own invoices count.
 */
export async function carriedBy(store: Store, customer: Customer, ids: string[]): Promise<Invoice[]> {
  for (const id of [...new Set(ids)].slice(0, MAX_LOOKED_UP)) {
    const delivered = (await store.deliveries({ customerId: customer.id, messageId: id })).flatMap((delivery) => delivery.invoices);
    const shown = await store.chatMessage(id);
    const numbers = [...new Set([...delivered, ...(shown?.customerId === customer.id ? shown.invoices : [])])];
    if (numbers.length === 0) continue;
    const found = new Map(
      (await store.invoicesByNumber(numbers)).filter((invoice) => invoice.customerId === customer.id).map((invoice) => [invoice.number, invoice]),
    );
    const own = numbers.flatMap((number) => found.get(number) ?? []);
    if (own.length > 0) return own;
  }
  return [];
}

/**
 * The context a message is read in (see `reading/context.ts`): what the message it answers
 * carried, or else the customer's own invoices it names beside her words (its subject, the
 * message it passes on).
 */
export async function contextOf(
  store: Store,
  customer: Customer,
  channel: MessageContext['channel'],
  replyingTo: string[],
  namedNumbers: () => string[],
): Promise<MessageContext> {
  const replied = await carriedBy(store, customer, replyingTo);
  if (replied.length > 0) return { channel, replyTo: { invoices: replied } };
  const named = namedNumbers();
  if (named.length === 0) return { channel };
  const own = (await store.invoicesByNumber(named)).filter((invoice) => invoice.customerId === customer.id);
  return own.length > 0 ? { channel, subject: { invoices: own } } : { channel };
}

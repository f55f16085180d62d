import { invoiceNumber } from '../billing/numbers.js';
import type { Logger } from '../log.js';
import type { Store } from '../store/store.js';
import type { Delivery, DeliveryChannel } from '../billing/delivery.js';
import type { Deliveries, NewDelivery } from './deliveries.js';
import { copiesOf } from './recipients.js';

export interface ResendRequest {
  number: string;
  /** An address on the customer's record; by default the notification address (or the login email). */
  to?: string;
  channels: DeliveryChannel[];
  /** Allows an address that is not on the record; the override is logged. */
  force?: boolean;
  /** Who asked (a staff member's id or address), kept in the delivery record. */
  requestedBy: string;
}

export type ResendResult = { ok: true; deliveries: Delivery[] } | { ok: false; problem: 'unknown-invoice' | 'not-on-record' | 'no-recipient'; message: string };

/**
 * Staff send an invoice again to its customer, with its PDF, through the delivery log.
 * An address given by hand must be one on the customer's record, so that a typo or a
 * social-engineering call cannot send an invoice to a stranger without a logged `force`.
 */
export async function resend(store: Store, deliveries: Deliveries, log: Logger, request: ResendRequest): Promise<ResendResult> {
  const number = invoiceNumber(request.number);
  const invoice = number === null ? undefined : await store.invoice(number);
  const customer = invoice && (await store.customerById(invoice.customerId));
  if (!invoice || !customer) return { ok: false, problem: 'unknown-invoice', message: `No invoice numbered ${request.number}.` };
  const base = { customerId: customer.id, invoices: [invoice.number], reason: 'resend' as const, attachPdf: true, requestedBy: request.requestedBy };
  const specs: NewDelivery[] = [];
  if (request.channels.includes('email')) {
    const onRecord = [customer.email, customer.notifications.address].filter((a): a is string => a !== null);
    const to = (request.to ?? customer.notifications.address ?? customer.email).trim().toLowerCase();
    if (!onRecord.includes(to)) {
      if (!request.force) {
        return {
          ok: false,
          problem: 'not-on-record',
          message: `${to} is not on the record of ${customer.email} (on record: ${onRecord.join(', ')}); use --force to send anyway.`,
        };
      }
      log.warn(
        { event: 'resend.forced', invoice: invoice.number, customer: customer.id, to, by: request.requestedBy },
        'resend to an address not on record, forced',
      );
    }
    // The customer's usual mail copies the invoice contacts; a mail to an address staff named (`--to`) goes there alone.
    const usual = request.to === undefined && to === customer.notifications.address;
    specs.push({ ...base, channel: 'email', recipient: to, ...(usual ? copiesOf(customer) : {}) });
  }
  if (request.channels.includes('discord')) {
    const linked = customer.links.discord ?? [];
    // Asked for Discord alone, a customer without a linked account is an error; asked for
    // both, the mail still goes.
    if (linked.length === 0 && specs.length === 0) return { ok: false, problem: 'no-recipient', message: `${customer.email} has no linked Discord account.` };
    for (const id of linked) specs.push({ ...base, channel: 'discord', recipient: id });
  }
  log.info({ event: 'resend', invoice: invoice.number, customer: customer.id, by: request.requestedBy, channels: request.channels }, 'resend requested');
  const recorded = await deliveries.record(specs);
  return { ok: true, deliveries: await deliveries.attemptAll(recorded, recorded.length) };
}

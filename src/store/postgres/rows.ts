import type { Insertable } from 'kysely';
import { askingContacts, confirmingOf, newAddressOf } from '../../billing/changes.js';
import type { Customer, Invoice } from '../../billing/types.js';
import type { Delivery } from '../../billing/delivery.js';
import type { InboundMessage, LinkAttempt, StaffAction } from '../store.js';
import type { Tables } from './tables.js';

/** Each record as its row: the record whole, and the columns it is found by, taken from it. */

export function customerRow(customer: Customer): Insertable<Tables['customers']> {
  // The one change (a new address or contact) that waits for its code to come back from that address.
  const confirming = confirmingOf(customer);
  return {
    id: customer.id,
    email: customer.email.toLowerCase(),
    address: customer.notifications.address?.toLowerCase() ?? null,
    pending_address: (confirming && newAddressOf(customer, confirming.change)?.toLowerCase()) ?? null,
    asking_contacts: askingContacts(customer),
    name: customer.name,
    doc: customer,
  };
}

export function linkRows(customer: Customer): Insertable<Tables['customer_links']>[] {
  return Object.entries(customer.links).flatMap(([network, ids]) => ids.map((id) => ({ account: `${network}:${id}`, customer_id: customer.id })));
}

export function invoiceRow(invoice: Invoice): Insertable<Tables['invoices']> {
  return { number: invoice.number, customer_id: invoice.customerId, issued_at: invoice.issuedAt, due_at: invoice.dueAt, status: invoice.status, doc: invoice };
}

export function deliveryRow(delivery: Delivery): Insertable<Tables['deliveries']> {
  return {
    id: delivery.id,
    customer_id: delivery.customerId,
    status: delivery.status,
    reason: delivery.reason,
    requested_by: delivery.requestedBy,
    invoices: delivery.invoices,
    created_at: delivery.createdAt,
    next_attempt_at: delivery.nextAttemptAt,
    files: delivery.files?.map((file) => file.sha256) ?? null,
    doc: delivery,
  };
}

export function inboundRow(record: InboundMessage): Insertable<Tables['inbound']> {
  return {
    key: record.key,
    message_id: record.messageId,
    sender: record.sender,
    customer_id: record.customerId,
    status: record.status,
    sent: record.sent,
    received_at: record.receivedAt,
    doc: record,
  };
}

export function linkAttemptRow(attempt: LinkAttempt): Insertable<Tables['link_attempts']> {
  return { account: attempt.account, updated_at: attempt.updatedAt, doc: attempt };
}

export function staffActionRow(action: StaffAction): Insertable<Tables['staff_actions']> {
  return { id: action.id, at: action.at, doc: action };
}

import type { Delivery } from '../../src/billing/delivery.js';
import type { InboundMessage } from '../../src/store/store.js';

/** The time every record below was made at, unless a test says otherwise. */
export const RECORDED_AT = '2026-11-25T10:00:00.000Z';

/** A delivery of the log as the store holds it: an answer by mail, sent, with what a test changes. */
export function deliveryRecord(id: string, customerId: string, changes: Partial<Delivery> = {}): Delivery {
  return {
    id,
    customerId,
    invoices: ['1210'],
    channel: 'email',
    recipient: 'awa@example.cm',
    reason: 'request',
    status: 'sent',
    attempts: 1,
    lastError: null,
    messageId: `<${id}@facteur>`,
    attachPdf: true,
    requestedBy: null,
    createdAt: RECORDED_AT,
    updatedAt: RECORDED_AT,
    nextAttemptAt: null,
    ...changes,
  };
}

/** An inbound message's record as the mail pipeline first writes it (claimed, nothing sent), with what a test changes. */
export function inboundRecord(key: string, changes: Partial<InboundMessage> = {}): InboundMessage {
  return {
    key,
    messageId: `<${key}@example.cm>`,
    sender: 'awa@example.cm',
    customerId: null,
    status: 'claimed',
    attempts: 1,
    sent: 0,
    inDoubt: [],
    reason: null,
    claimedBy: null,
    receivedAt: RECORDED_AT,
    updatedAt: RECORDED_AT,
    ...changes,
  };
}

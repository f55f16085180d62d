import type { Customer, Invoice } from '../../billing/types.js';
import type { Delivery } from '../../billing/delivery.js';
import type { ChatMessage, HeldRequest, InboundMessage, LinkAttempt, SignedReceipt, StaffAction, Suppression } from '../store.js';

/**
 * The tables as Kysely sees them (see migrations.ts): each record whole in `doc`, and the
 * columns it is looked up by. The columns are derived from `doc` by `rows.ts`, never set apart.
 */
export interface Tables {
  customers: {
    id: string;
    email: string;
    address: string | null;
    pending_address: string | null;
    asking_contacts: string[] | null;
    name: string;
    doc: Customer;
  };
  /** One row per linked chat account (`<network>:<user id>`). */
  customer_links: { account: string; customer_id: string };
  invoices: { number: string; customer_id: string; issued_at: string; due_at: string; status: string; doc: Invoice };
  announced: { number: string };
  settings: { key: string; value: string };
  deliveries: {
    id: string;
    customer_id: string;
    status: string;
    reason: string;
    requested_by: string | null;
    invoices: string[];
    created_at: string;
    next_attempt_at: string | null;
    /** The SHA-256 of each file it carried; null for records written before files were. */
    files: string[] | null;
    doc: Delivery;
  };
  inbound: {
    key: string;
    message_id: string | null;
    sender: string | null;
    customer_id: string | null;
    status: string;
    sent: number;
    received_at: string;
    doc: InboundMessage;
  };
  link_attempts: { account: string; updated_at: string; doc: LinkAttempt };
  staff_actions: { id: string; at: string; doc: StaffAction };
  held_requests: { staff: string; doc: HeldRequest };
  chat_messages: { id: string; customer_id: string; sent_at: string; doc: ChatMessage };
  pdf_bytes: { sha256: string; bytes: Buffer };
  issued_pdfs: { invoice: string; sha256: string; size: number; received_at: string };
  signed_receipts: { signature: string; signed_at: string; invoices: string[]; expires_at: string; doc: SignedReceipt };
  suppressions: { address: string; customer_id: string | null; since: string; doc: Suppression };
}

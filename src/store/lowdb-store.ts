import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { InvoiceFilter } from '../billing/filter.js';
import type { Customer, Invoice } from '../billing/types.js';
import type { Delivery, DeliveryQuery } from '../notifications/delivery.js';
import { BillingFile } from './lowdb/billing.js';
import { ChatFile } from './lowdb/chat.js';
import { DeliveryFiles } from './lowdb/deliveries.js';
import { InboundFiles } from './lowdb/inbound.js';
import { lockDataFolder } from './lowdb/lock.js';
import type { Changes, HeldRequest, InboundMessage, LinkAttempt, StaffAction, Store } from './store.js';

/**
 * The embedded store: lowdb JSON files in the data folder, each written atomically.
 *
 * lowdb rewrites a whole file at each write, so the data is laid out by how it changes:
 * `db.json` holds the customers and invoices (large, rarely written), `inbound/` the
 * billing inbox's records spread over small files by day (see InboundFiles), `chat.json`
 * chat linking and staff actions and requests, and the delivery log is spread over small
 * files (see DeliveryFiles). A delivery record never rewrites
 * the invoices. Changes that must land together live in the same file.
 */
export class LowdbStore implements Store {
  private constructor(
    private readonly billing: BillingFile,
    private readonly inbound: InboundFiles,
    private readonly chat: ChatFile,
    private readonly sent: DeliveryFiles,
  ) {}

  /**
   * Opens the store whose main file is `file` (`<data>/db.json`), the others beside it;
   * missing files start empty. A file that is not JSON or does not hold what Facteur
   * expects stops the opening with a StoreError naming it, and is never written. Only
   * one process may write a data folder (see lockDataFolder); `readOnly` opens one that
   * another process holds, for a look that changes nothing.
   */
  static async open(file: string, options: { readOnly?: boolean } = {}): Promise<LowdbStore> {
    const dir = path.dirname(file);
    await mkdir(dir, { recursive: true });
    if (!options.readOnly) lockDataFolder(path.join(dir, '.facteur.lock'));
    return new LowdbStore(
      await BillingFile.open(file),
      await InboundFiles.open(dir),
      await ChatFile.open(path.join(dir, 'chat.json')),
      await DeliveryFiles.open(dir),
    );
  }

  customerById(id: string): Customer | undefined {
    return this.billing.customerById(id);
  }

  customerByAddress(address: string): Customer | undefined {
    return this.billing.customerByAddress(address);
  }

  customerByPendingAddress(address: string): Customer | undefined {
    return this.billing.customerByPendingAddress(address);
  }

  customers(): Customer[] {
    return this.billing.customers();
  }

  customerByLink(network: string, userId: string): Customer | undefined {
    return this.billing.customerByLink(network, userId);
  }

  linkAttempt(account: string): LinkAttempt | undefined {
    return this.chat.linkAttempt(account);
  }

  heldRequest(staff: string): HeldRequest | undefined {
    return this.chat.heldRequest(staff);
  }

  linkFailuresFor(customerId: string, since: string): number {
    return this.chat.linkFailuresFor(customerId, since);
  }

  staffActions(since?: string): StaffAction[] {
    return this.chat.staffActions(since);
  }

  invoice(number: string): Invoice | undefined {
    return this.billing.invoice(number);
  }

  invoices(customerId: string, filter?: InvoiceFilter): Invoice[] {
    return this.billing.invoices(customerId, filter);
  }

  inboundMessage(key: string, copy: { messageId: string; sender: string } | null): InboundMessage | undefined {
    return this.inbound.message(key, copy);
  }

  answeredInbound(query: { since: string; sender?: string; strangers?: boolean }): number {
    return this.inbound.answered(query);
  }

  delivery(id: string): Delivery | undefined {
    return this.sent.delivery(id);
  }

  deliveries(query?: DeliveryQuery): Delivery[] {
    return this.sent.deliveries(query);
  }

  unannouncedInvoices(): Invoice[] {
    return this.billing
      .allInvoices()
      .filter((invoice) => !this.sent.isAnnounced(invoice.number))
      .sort((a, b) => a.issuedAt.localeCompare(b.issuedAt));
  }

  announcingSince(): string | null {
    return this.sent.announcingSince();
  }

  async save(changes: Changes): Promise<void> {
    const writes: Promise<void>[] = [];
    if (changes.customers?.length || changes.invoices?.length) {
      this.billing.apply(changes.customers ?? [], changes.invoices ?? []);
      writes.push(this.billing.file.write());
    }
    if (changes.inbound?.length) {
      writes.push(this.inbound.save(changes.inbound));
    }
    if (changes.linkAttempts?.length || changes.staffActions?.length || changes.heldRequests?.length) {
      this.chat.apply(changes.linkAttempts ?? [], changes.staffActions ?? [], changes.heldRequests ?? []);
      writes.push(this.chat.file.write());
    }
    if (changes.deliveries?.length || changes.announced?.length || changes.announcingSince) {
      writes.push(this.sent.save(changes.deliveries ?? [], changes.announced ?? [], changes.announcingSince));
    }
    await Promise.all(writes);
  }

  /** The change runs on the record in memory and is applied before anything else can run: one process writes the folder. */
  async updateCustomer(id: string, change: (customer: Customer) => Customer): Promise<Customer | undefined> {
    const current = this.billing.customerById(id);
    if (!current) return undefined;
    const next = change(current);
    this.billing.apply([next], []);
    await this.billing.file.write();
    return next;
  }

  async forget(before: { inbound: string; staffActions: string; linkAttempts: string }): Promise<void> {
    await this.inbound.forget(before.inbound);
    if (this.chat.forget(before.staffActions, before.linkAttempts)) await this.chat.file.write();
  }
}

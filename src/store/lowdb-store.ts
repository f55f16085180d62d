import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { Low } from 'lowdb';
import { JSONFile } from 'lowdb/node';
import type { Customer, Invoice } from '../billing/types.js';
import { byIssueDateDesc, matchesFilter, type InvoiceFilter } from '../billing/filter.js';
import { databaseSchema, type Database } from './schema.js';
import type { Delivery, DeliveryQuery } from '../notifications/delivery.js';
import { StoreError, type Changes, type InboundMessage, type LinkAttempt, type StaffAction, type Store } from './store.js';

/**
 * The embedded store: one lowdb JSON file, written atomically (temp file + rename).
 *
 * lowdb is built with an explicit `JSONFile` adapter rather than `JSONFilePreset`,
 * because the preset silently keeps everything in memory when NODE_ENV=test.
 * Lookups go through in-memory indexes so that a customer's list does not scan
 * every invoice of the provider.
 */
export class LowdbStore implements Store {
  private readonly byNumber = new Map<string, Invoice>();
  private readonly byCustomer = new Map<string, Invoice[]>();
  private readonly customersById = new Map<string, Customer>();
  private readonly customersByAddress = new Map<string, Customer>();
  private readonly customersByPendingAddress = new Map<string, Customer>();
  /** By `<network>:<user id>` of each linked chat account. */
  private readonly customersByLink = new Map<string, Customer>();
  private readonly linkAttempts = new Map<string, LinkAttempt>();
  private readonly inboundByKey = new Map<string, InboundMessage>();
  private readonly inboundByMessageId = new Map<string, InboundMessage>();
  private readonly inboundBySender = new Map<string, InboundMessage[]>();
  /** Position of each delivery in the file's array: records are updated after every attempt. */
  private readonly deliveryPosition = new Map<string, number>();
  private readonly announced = new Set<string>();

  private constructor(private readonly db: Low<Database>) {
    this.reindexBilling();
    this.reindexInbound();
    this.reindexNotifications();
  }

  /**
   * Opens `file`, creating an empty store when it does not exist. A file that is not
   * JSON or does not match the schema is refused with a StoreError and never written.
   */
  static async open(file: string): Promise<LowdbStore> {
    await mkdir(path.dirname(file), { recursive: true });
    const db = new Low<Database>(new JSONFile<Database>(file), databaseSchema.parse({ version: 1, customers: [], invoices: [] }));
    try {
      await db.read();
    } catch (error) {
      throw new StoreError(file, `cannot be read as JSON (${(error as Error).message})`);
    }
    const parsed = databaseSchema.safeParse(db.data);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      throw new StoreError(file, `invalid content at ${issue.path.join('.') || 'the top level'}: ${issue.message}`);
    }
    db.data = parsed.data;
    return new LowdbStore(db);
  }

  customerById(id: string): Customer | undefined {
    return this.customersById.get(id);
  }

  customerByAddress(address: string): Customer | undefined {
    return this.customersByAddress.get(address.trim().toLowerCase());
  }

  customerByPendingAddress(address: string): Customer | undefined {
    return this.customersByPendingAddress.get(address.trim().toLowerCase());
  }

  customers(): Customer[] {
    return [...this.db.data.customers];
  }

  customerByLink(network: string, userId: string): Customer | undefined {
    return this.customersByLink.get(`${network}:${userId}`);
  }

  linkAttempt(account: string): LinkAttempt | undefined {
    return this.linkAttempts.get(account);
  }

  staffActions(since = ''): StaffAction[] {
    return this.db.data.staffActions.filter((action) => action.at >= since);
  }

  invoice(number: string): Invoice | undefined {
    return this.byNumber.get(number);
  }

  invoices(customerId: string, filter: InvoiceFilter = {}): Invoice[] {
    return (this.byCustomer.get(customerId) ?? []).filter((invoice) => matchesFilter(invoice, filter));
  }

  inboundMessage(key: string, messageId: string | null): InboundMessage | undefined {
    return this.inboundByKey.get(key) ?? (messageId === null ? undefined : this.inboundByMessageId.get(messageId));
  }

  inboundFrom(address: string, since: string): InboundMessage[] {
    return (this.inboundBySender.get(address.toLowerCase()) ?? []).filter((message) => message.receivedAt >= since);
  }

  delivery(id: string): Delivery | undefined {
    const position = this.deliveryPosition.get(id);
    return position === undefined ? undefined : this.db.data.deliveries[position];
  }

  deliveries(query: DeliveryQuery = {}): Delivery[] {
    return this.db.data.deliveries.filter(
      (d) =>
        (query.customerId === undefined || d.customerId === query.customerId) &&
        (query.status === undefined || d.status === query.status) &&
        (query.since === undefined || d.createdAt >= query.since) &&
        (query.dueAt === undefined || (d.nextAttemptAt !== null && d.nextAttemptAt <= query.dueAt)),
    );
  }

  unannouncedInvoices(): Invoice[] {
    return this.db.data.invoices.filter((invoice) => !this.announced.has(invoice.number)).sort((a, b) => a.issuedAt.localeCompare(b.issuedAt));
  }

  announcingSince(): string | null {
    return this.db.data.announcements.since;
  }

  async save(changes: Changes): Promise<void> {
    const data = this.db.data;
    upsert(data.customers, changes.customers ?? [], (customer) => customer.id);
    upsert(data.invoices, changes.invoices ?? [], (invoice) => invoice.number);
    upsert(data.inbound, changes.inbound ?? [], (message) => message.key);
    upsert(data.linkAttempts, changes.linkAttempts ?? [], (attempt) => attempt.account);
    for (const attempt of changes.linkAttempts ?? []) this.linkAttempts.set(attempt.account, attempt);
    data.staffActions.push(...(changes.staffActions ?? []));
    for (const delivery of changes.deliveries ?? []) {
      const position = this.deliveryPosition.get(delivery.id);
      if (position === undefined) this.deliveryPosition.set(delivery.id, data.deliveries.push(delivery) - 1);
      else data.deliveries[position] = delivery;
    }
    for (const number of changes.announced ?? []) {
      if (!this.announced.has(number)) data.announcements.numbers.push(number);
      this.announced.add(number);
    }
    if (changes.announcingSince) data.announcements.since ??= changes.announcingSince;
    // Mail records are saved several times per message: they must not re-index every invoice.
    await this.write({ billing: Boolean(changes.customers?.length || changes.invoices?.length), inbound: Boolean(changes.inbound?.length) });
  }

  async forgetInbound(before: string): Promise<void> {
    const data = this.db.data;
    const kept = data.inbound.filter((message) => message.receivedAt >= before || message.status === 'claimed' || message.status === 'sending');
    if (kept.length === data.inbound.length) return;
    data.inbound = kept;
    await this.write({ billing: false, inbound: true });
  }

  private async write(changed: { billing: boolean; inbound: boolean }): Promise<void> {
    if (changed.billing) this.reindexBilling();
    if (changed.inbound) this.reindexInbound();
    try {
      await this.db.write();
    } catch (error) {
      // Memory must not stay ahead of the disk: go back to what the file holds.
      await this.db.read();
      this.db.data = databaseSchema.parse(this.db.data);
      this.reindexBilling();
      this.reindexInbound();
      this.reindexNotifications();
      throw error;
    }
  }

  private reindexBilling(): void {
    this.customersById.clear();
    this.customersByAddress.clear();
    this.customersByPendingAddress.clear();
    this.customersByLink.clear();
    this.linkAttempts.clear();
    for (const attempt of this.db.data.linkAttempts) this.linkAttempts.set(attempt.account, attempt);
    this.byNumber.clear();
    this.byCustomer.clear();
    for (const customer of this.db.data.customers) {
      this.customersById.set(customer.id, customer);
      this.customersByAddress.set(customer.email.toLowerCase(), customer);
      const address = customer.notifications.address;
      if (address && !this.customersByAddress.has(address.toLowerCase())) this.customersByAddress.set(address.toLowerCase(), customer);
      const pending = customer.notifications.pending;
      if (pending) this.customersByPendingAddress.set(pending.address.toLowerCase(), customer);
      for (const [network, ids] of Object.entries(customer.links)) for (const id of ids) this.customersByLink.set(`${network}:${id}`, customer);
    }
    for (const invoice of this.db.data.invoices) {
      this.byNumber.set(invoice.number, invoice);
      const list = this.byCustomer.get(invoice.customerId) ?? [];
      list.push(invoice);
      this.byCustomer.set(invoice.customerId, list);
    }
    for (const list of this.byCustomer.values()) list.sort(byIssueDateDesc);
  }

  private reindexNotifications(): void {
    this.deliveryPosition.clear();
    this.db.data.deliveries.forEach((delivery, position) => this.deliveryPosition.set(delivery.id, position));
    this.announced.clear();
    for (const number of this.db.data.announcements.numbers) this.announced.add(number);
  }

  private reindexInbound(): void {
    this.inboundByKey.clear();
    this.inboundByMessageId.clear();
    this.inboundBySender.clear();
    for (const message of this.db.data.inbound) {
      this.inboundByKey.set(message.key, message);
      if (message.messageId !== null && !this.inboundByMessageId.has(message.messageId)) this.inboundByMessageId.set(message.messageId, message);
      if (message.sender !== null) {
        const sender = message.sender.toLowerCase();
        const list = this.inboundBySender.get(sender) ?? [];
        list.push(message);
        this.inboundBySender.set(sender, list);
      }
    }
  }
}

/** Replaces items with the same key in place and appends the new ones, in one pass. */
function upsert<T>(items: T[], changed: T[], key: (item: T) => string): void {
  if (changed.length === 0) return;
  const position = new Map(items.map((item, index) => [key(item), index]));
  for (const item of changed) {
    const index = position.get(key(item));
    if (index === undefined) position.set(key(item), items.push(item) - 1);
    else items[index] = item;
  }
}

import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { InvoiceFilter } from '../../billing/filter.js';
import type { IssuedPdf } from '../../billing/files.js';
import type { Customer, Invoice } from '../../billing/types.js';
import type { Delivery, DeliveryQuery } from '../../billing/delivery.js';
import { BillingFile } from './billing.js';
import { ChatFile } from './chat.js';
import { DeliveryFiles } from './deliveries.js';
import { InboundFiles } from './inbound.js';
import { lockDataFolder, unlockDataFolder } from './lock.js';
import { PdfFiles } from './pdfs.js';
import { ReceiptsFile } from './receipts.js';
import { SuppressionsFile } from './suppressions.js';
import { Serial } from './serial.js';
import type { ChatMessage, Changes, HeldRequest, InboundMessage, LinkAttempt, SignedReceipt, StaffAction, Store, Suppression } from '../store.js';

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
  readonly shared = false;
  private readonly serial = new Serial();
  private readonly running = new Set<string>();
  /** The last turn queued of each serial job. */
  private readonly turns = new Map<string, Promise<unknown>>();

  private constructor(
    private readonly billing: BillingFile,
    private readonly inbound: InboundFiles,
    private readonly chat: ChatFile,
    private readonly sent: DeliveryFiles,
    private readonly receipts: ReceiptsFile,
    private readonly pdfs: PdfFiles,
    private readonly suppressed: SuppressionsFile,
    /** The data folder's lock, released on close; null for a store opened read-only. */
    private readonly lockFile: string | null,
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
    const lockFile = options.readOnly ? null : path.join(dir, '.facteur.lock');
    if (lockFile) lockDataFolder(lockFile);
    return new LowdbStore(
      await BillingFile.open(file),
      await InboundFiles.open(dir),
      await ChatFile.open(path.join(dir, 'chat.json')),
      await DeliveryFiles.open(dir),
      await ReceiptsFile.open(path.join(dir, 'webhooks.json')),
      await PdfFiles.open(dir),
      await SuppressionsFile.open(path.join(dir, 'suppressions.json')),
      lockFile,
    );
  }

  async customerById(id: string): Promise<Customer | undefined> {
    return this.billing.customerById(id);
  }

  async customerByAddress(address: string): Promise<Customer | undefined> {
    return this.billing.customerByAddress(address);
  }

  async customerByPendingAddress(address: string): Promise<Customer | undefined> {
    return this.billing.customerByPendingAddress(address);
  }

  async customerByAskingContact(address: string): Promise<Customer | undefined> {
    return this.billing.customerByAskingContact(address);
  }

  async customers(page: { offset?: number; limit?: number } = {}): Promise<Customer[]> {
    const offset = page.offset ?? 0;
    return this.billing
      .customers()
      .toSorted((a, b) => a.name.localeCompare(b.name) || a.id.localeCompare(b.id))
      .slice(offset, page.limit === undefined ? undefined : offset + page.limit);
  }

  async customersByEmail(emails: string[]): Promise<Customer[]> {
    const wanted = new Set(emails.map((email) => email.toLowerCase()));
    return this.billing.customers().filter((customer) => wanted.has(customer.email.toLowerCase()));
  }

  async countCustomers(): Promise<number> {
    return this.billing.customers().length;
  }

  async customerByLink(network: string, userId: string): Promise<Customer | undefined> {
    return this.billing.customerByLink(network, userId);
  }

  async linkAttempt(account: string): Promise<LinkAttempt | undefined> {
    return this.chat.linkAttempt(account);
  }

  async heldRequest(staff: string): Promise<HeldRequest | undefined> {
    return this.chat.heldRequest(staff);
  }

  async chatMessage(id: string): Promise<ChatMessage | undefined> {
    return this.chat.chatMessage(id);
  }

  async linkFailuresFor(customerId: string, since: string): Promise<number> {
    return this.chat.linkFailuresFor(customerId, since);
  }

  async staffActions(since?: string): Promise<StaffAction[]> {
    return this.chat.staffActions(since);
  }

  async invoice(number: string): Promise<Invoice | undefined> {
    return this.billing.invoice(number);
  }

  async invoicesByNumber(numbers: string[]): Promise<Invoice[]> {
    return numbers.map((number) => this.billing.invoice(number)).filter((invoice): invoice is Invoice => invoice !== undefined);
  }

  async invoices(customerId: string, filter?: InvoiceFilter): Promise<Invoice[]> {
    return this.billing.invoices(customerId, filter);
  }

  async inboundMessage(key: string, copy: { messageId: string; sender: string } | null): Promise<InboundMessage | undefined> {
    return this.inbound.message(key, copy);
  }

  async answeredInbound(query: { since: string; sender?: string; strangers?: boolean }): Promise<number> {
    return this.inbound.answered(query);
  }

  async delivery(id: string): Promise<Delivery | undefined> {
    return this.sent.delivery(id);
  }

  async deliveries(query?: DeliveryQuery): Promise<Delivery[]> {
    return this.sent.deliveries(query);
  }

  async suppression(address: string): Promise<Suppression | undefined> {
    return this.suppressed.find(address);
  }

  async suppressions(): Promise<Suppression[]> {
    return this.suppressed.all();
  }

  async signedReceipt(signature: string): Promise<SignedReceipt | undefined> {
    return this.receipts.receipt(signature);
  }

  async lastSigned(numbers: string[]): Promise<Map<string, string>> {
    return this.receipts.lastSigned(numbers);
  }

  async issuedPdfs(numbers: string[]): Promise<Map<string, IssuedPdf>> {
    return this.pdfs.latest(numbers);
  }

  async issuedPdfHistory(query: { invoice: string } | { sha256: string }): Promise<IssuedPdf[]> {
    return this.pdfs.history(query);
  }

  pdfBytes(sha256: string): Promise<Buffer | undefined> {
    return this.pdfs.bytes(sha256);
  }

  /** The data folder keeps each PDF as a file (`issued/`): what is sent is read from there, not copied. */
  async pdfFile(sha256: string): Promise<string | undefined> {
    return this.pdfs.file(sha256);
  }

  async unpaidDueBy(day: string): Promise<Invoice[]> {
    return this.billing
      .allInvoices()
      .filter((invoice) => invoice.status === 'unpaid' && invoice.dueAt <= day)
      .sort((a, b) => a.dueAt.localeCompare(b.dueAt) || a.number.localeCompare(b.number));
  }

  async remindedOffsets(numbers: string[]): Promise<Map<string, number>> {
    return this.sent.remindedOffsets(new Set(numbers));
  }

  async unannouncedInvoices(): Promise<Invoice[]> {
    return this.billing
      .allInvoices()
      .filter((invoice) => !this.sent.isAnnounced(invoice.number))
      .sort((a, b) => a.issuedAt.localeCompare(b.issuedAt));
  }

  async announcingSince(): Promise<string | null> {
    return this.sent.announcingSince();
  }

  async save(changes: Changes): Promise<void> {
    // Before the invoices: an invoice never names a PDF its data folder lacks, whatever stops the process between.
    if (changes.pdfs?.length) await this.pdfs.save(changes.pdfs);
    const writes: Promise<void>[] = [];
    if (changes.customers?.length || changes.invoices?.length) writes.push(this.billing.save(changes.customers ?? [], changes.invoices ?? []));
    if (changes.inbound?.length) writes.push(this.inbound.save(changes.inbound));
    if (changes.linkAttempts?.length || changes.staffActions?.length || changes.heldRequests?.length || changes.chatMessages?.length) {
      writes.push(this.chat.save(changes.linkAttempts ?? [], changes.staffActions ?? [], changes.heldRequests ?? [], changes.chatMessages ?? []));
    }
    if (changes.suppressions?.length) writes.push(this.suppressed.save(changes.suppressions));
    if (changes.deliveries?.length || changes.announced?.length || changes.announcingSince) {
      writes.push(this.sent.save(changes.deliveries ?? [], changes.announced ?? [], changes.announcingSince));
    }
    await Promise.all(writes);
    // Another file: written once what the requests changed is, so that a failed change never uses up a signature.
    if (changes.receipts?.length) await this.receipts.save(changes.receipts, new Date().toISOString());
  }

  /**
   * A change runs on the record as the changes asked before it left it, and what it writes
   * is read only once it is on disk (see StoreFile): a write that fails leaves every record
   * as the files hold it. The inbound and delivery files may have to be opened first, so
   * changes of one of their records wait for each other.
   */
  updateCustomer(id: string, change: (customer: Customer) => Customer): Promise<Customer | undefined> {
    return this.billing.updateCustomer(id, change);
  }

  updateInvoice<T>(number: string, change: (invoice: Invoice) => { invoice: Invoice; result: T }): Promise<T | undefined> {
    return this.billing.updateInvoice(number, change);
  }

  updateLinkAttempt<T>(account: string, change: (attempt: LinkAttempt | undefined) => { attempt: LinkAttempt | null; result: T }): Promise<T> {
    return this.chat.updateLinkAttempt(account, change);
  }

  updateHeldRequest<T>(staff: string, change: (held: HeldRequest | undefined) => { held: HeldRequest | null; result: T }): Promise<T> {
    return this.chat.updateHeldRequest(staff, change);
  }

  updateDelivery(id: string, change: (delivery: Delivery) => Delivery): Promise<Delivery | undefined> {
    return this.serial.run(`delivery:${id}`, async () => {
      const current = this.sent.delivery(id);
      if (!current) return undefined;
      const next = change(current);
      await this.sent.save([next], [], undefined);
      return next;
    });
  }

  updateSuppression<T>(address: string, change: (found: Suppression | undefined) => { suppression: Suppression | null; result: T }): Promise<T> {
    const key = address.toLowerCase();
    return this.serial.run(`suppression:${key}`, async () => {
      const found = this.suppressed.find(key);
      const { suppression, result } = change(found);
      // The record found, handed back as it was, is not written again (a report repeated a thousand times).
      if (suppression && suppression !== found) await this.suppressed.save([suppression]);
      else if (!suppression && found) await this.suppressed.save([], [key]);
      return result;
    });
  }

  updateInbound<T>(
    key: string,
    copy: { messageId: string; sender: string } | null,
    change: (found: InboundMessage | undefined) => { record: InboundMessage | null; result: T },
  ): Promise<T> {
    return this.serial.run(`inbound:${key}`, async () => {
      const { record, result } = change(this.inbound.message(key, copy));
      if (record) await this.inbound.save([record]);
      return result;
    });
  }

  async forget(before: { inbound: string; staffActions: string; linkAttempts: string; receipts: string }): Promise<void> {
    await this.inbound.forget(before.inbound);
    await this.chat.forget(before.staffActions, before.linkAttempts);
    await this.receipts.forget(before.receipts);
  }

  /**
   * Everything the folder holds, as changes another store can save: what `facteur db copy`
   * moves to PostgreSQL. Customers come before their invoices, which name them.
   */
  contents(): Required<
    Pick<
      Changes,
      'customers' | 'invoices' | 'inbound' | 'deliveries' | 'announced' | 'linkAttempts' | 'staffActions' | 'heldRequests' | 'chatMessages' | 'suppressions'
    >
  > & { announcingSince: string | null; issuedPdfs: IssuedPdf[] } {
    const { deliveries, announced } = this.sent.all();
    return {
      customers: this.billing.customers(),
      invoices: [...this.billing.allInvoices()],
      inbound: this.inbound.all(),
      deliveries,
      announced,
      announcingSince: this.sent.announcingSince(),
      issuedPdfs: this.pdfs.all(),
      suppressions: this.suppressed.all(),
      ...this.chat.all(),
    };
  }

  /** One process writes the folder, so a job is exclusive when this process is not running it already. */
  async exclusive<T>(job: string, work: (lost: AbortSignal) => Promise<T>): Promise<{ ran: true; result: T } | { ran: false }> {
    if (this.running.has(job)) return { ran: false };
    this.running.add(job);
    try {
      // Held in this process's memory, the job cannot be lost while the process lives.
      return { ran: true, result: await work(new AbortController().signal) };
    } finally {
      this.running.delete(job);
    }
  }

  /** One process writes the folder: a queue in its memory is every turn there is. */
  serially<T>(job: string, work: () => Promise<T>): Promise<T> {
    const turn = (this.turns.get(job) ?? Promise.resolve()).then(work);
    this.turns.set(
      job,
      turn.catch(() => undefined),
    );
    return turn;
  }

  async close(): Promise<void> {
    if (this.lockFile) unlockDataFolder(this.lockFile);
  }
}

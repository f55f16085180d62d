import { askingContacts, confirmingOf, newAddressOf } from '../../billing/changes.js';
import { z } from 'zod';
import { byIssueDateDesc, matchesFilter, type InvoiceFilter } from '../../billing/filter.js';
import type { Customer, Invoice } from '../../billing/types.js';
import { customerSchema, invoiceSchema } from './schema.js';
import { listOf, upsert } from './lists.js';
import { StoreFile } from './store-file.js';

/**
 * Nothing but customers and invoices: other records live in files of their own, so a
 * file written from an older layout (with other lists) is refused, never silently cut.
 * What the indexes take for granted is checked too, since a hand-edited file can break it:
 * one customer per id and per login email, one invoice per number, and no invoice of a
 * customer who is not there (two customers each seeing "their" 1210 is worse than not starting).
 */
const billingSchema = z
  .strictObject({ version: z.literal(1), customers: z.array(customerSchema), invoices: z.array(invoiceSchema) })
  .superRefine((data, context) => {
    const once = (values: string[], list: 'customers' | 'invoices', field: string, what: (value: string) => string) => {
      const first = new Map<string, number>();
      values.forEach((value, index) => {
        const earlier = first.get(value);
        if (earlier === undefined) first.set(value, index);
        else context.addIssue({ code: 'custom', path: [list, index, field], message: `${what(value)} appears twice (${list} ${earlier} and ${index})` });
      });
    };
    once(
      data.customers.map((c) => c.id),
      'customers',
      'id',
      (id) => `customer id ${id}`,
    );
    once(
      data.customers.map((c) => c.email.toLowerCase()),
      'customers',
      'email',
      (email) => `login email ${email}`,
    );
    once(
      data.invoices.map((i) => i.number),
      'invoices',
      'number',
      (number) => `invoice ${number}`,
    );
    const ids = new Set(data.customers.map((c) => c.id));
    data.invoices.forEach((invoice, index) => {
      if (!ids.has(invoice.customerId))
        context.addIssue({
          code: 'custom',
          path: ['invoices', index, 'customerId'],
          message: `invoice ${invoice.number} names customer ${invoice.customerId}, who is not in the file`,
        });
    });
  });
type Billing = z.infer<typeof billingSchema>;

/** What a draft holds beyond the written data: the customers put in it by id, and the positions of the invoices added to it by number. */
interface Staged {
  customers: Map<string, Customer>;
  invoices: Map<string, number>;
}

/** What one change put in a draft, for the indexes once it is written. */
interface Put {
  customers: boolean;
  /** Customers whose invoice lists changed. */
  touched: Set<string>;
  /** Invoices added, and where. */
  added: Map<string, number>;
}

/**
 * `db.json`: the customers and their invoices, what the billing system knows. Written by
 * imports and by customers' own settings, both rare; read through indexes, so that a
 * customer's list does not scan the provider's hundred thousand invoices.
 */
export class BillingFile {
  private readonly customersById = new Map<string, Customer>();
  private readonly customersByAddress = new Map<string, Customer>();
  private readonly customersByPendingAddress = new Map<string, Customer>();
  /** By the address of a contact that may ask; null when several customers allowed it (see Store). */
  private readonly customersByAskingContact = new Map<string, Customer | null>();
  /** By `<network>:<user id>` of each linked chat account. */
  private readonly customersByLink = new Map<string, Customer>();
  private readonly invoicePosition = new Map<string, number>();
  /** Each customer's invoices, newest first. */
  private readonly byCustomer = new Map<string, Invoice[]>();
  private readonly drafts = new WeakMap<Billing, Staged>();

  private constructor(private readonly file: StoreFile<Billing>) {
    this.indexCustomers();
    this.indexInvoices();
  }

  static async open(path: string): Promise<BillingFile> {
    return new BillingFile(await StoreFile.open(path, billingSchema, { version: 1, customers: [], invoices: [] }));
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

  customerByAskingContact(address: string): Customer | undefined {
    return this.customersByAskingContact.get(address.trim().toLowerCase()) ?? undefined;
  }

  customerByLink(network: string, userId: string): Customer | undefined {
    return this.customersByLink.get(`${network}:${userId}`);
  }

  customers(): Customer[] {
    return [...this.file.data.customers];
  }

  invoice(number: string): Invoice | undefined {
    const position = this.invoicePosition.get(number);
    return position === undefined ? undefined : this.file.data.invoices[position];
  }

  invoices(customerId: string, filter: InvoiceFilter = {}): Invoice[] {
    return (this.byCustomer.get(customerId) ?? []).filter((invoice) => matchesFilter(invoice, filter));
  }

  allInvoices(): readonly Invoice[] {
    return this.file.data.invoices;
  }

  /** Writes these customers and invoices, replacing those of the same id or number; resolves once they are on disk, and only then read. */
  async save(customers: Customer[], invoices: Invoice[]): Promise<void> {
    await this.file.change(
      (draft) => this.put(draft, customers, invoices),
      (put) => this.adopt(put),
    );
  }

  /** Changes one customer as `change` says, on the customer as the changes asked before this one left it; undefined for an unknown id. */
  async updateCustomer(id: string, change: (customer: Customer) => Customer): Promise<Customer | undefined> {
    const { next } = await this.file.change(
      (draft) => {
        const current = this.staged(draft).customers.get(id) ?? this.customersById.get(id);
        if (!current) return { next: undefined, put: null };
        const next = change(current);
        return { next, put: this.put(draft, [next], []) };
      },
      ({ put }) => {
        if (put) this.adopt(put);
      },
    );
    return next;
  }

  /** The same for an invoice; a change never renumbers it, the number being how everyone finds it. */
  async updateInvoice<T>(number: string, change: (invoice: Invoice) => { invoice: Invoice; result: T }): Promise<T | undefined> {
    const { result } = await this.file.change(
      (draft) => {
        const position = this.invoicePosition.get(number) ?? this.staged(draft).invoices.get(number);
        if (position === undefined) return { result: undefined, put: null };
        const changed = change(draft.invoices[position]!);
        return { result: changed.result, put: this.put(draft, [], [{ ...changed.invoice, number }]) };
      },
      ({ put }) => {
        if (put) this.adopt(put);
      },
    );
    return result;
  }

  /** What a draft holds that the indexes do not know yet: the customers put in it, and where invoices were added to it. */
  private staged(draft: Billing): Staged {
    let staged = this.drafts.get(draft);
    if (!staged) this.drafts.set(draft, (staged = { customers: new Map(), invoices: new Map() }));
    return staged;
  }

  private put(draft: Billing, customers: Customer[], invoices: Invoice[]): Put {
    const staged = this.staged(draft);
    upsert(draft.customers, customers, (customer) => customer.id);
    for (const customer of customers) staged.customers.set(customer.id, customer);
    const touched = new Set<string>();
    const added = new Map<string, number>();
    for (const invoice of invoices) {
      const position = this.invoicePosition.get(invoice.number) ?? staged.invoices.get(invoice.number);
      if (position === undefined) {
        const at = draft.invoices.push(invoice) - 1;
        staged.invoices.set(invoice.number, at);
        added.set(invoice.number, at);
      } else {
        touched.add(draft.invoices[position]!.customerId);
        draft.invoices[position] = invoice;
      }
      touched.add(invoice.customerId);
    }
    return { customers: customers.length > 0, touched, added };
  }

  /** The indexes brought up to what was written: only the customers whose invoices changed get their list rebuilt. */
  private adopt({ customers, touched, added }: Put): void {
    if (customers) this.indexCustomers();
    for (const [number, position] of added) this.invoicePosition.set(number, position);
    for (const customerId of touched) this.byCustomer.delete(customerId);
    for (const invoice of this.file.data.invoices) if (touched.has(invoice.customerId)) listOf(this.byCustomer, invoice.customerId).push(invoice);
    for (const customerId of touched) this.byCustomer.get(customerId)?.sort(byIssueDateDesc);
  }

  private indexCustomers(): void {
    this.customersById.clear();
    this.customersByAddress.clear();
    this.customersByPendingAddress.clear();
    this.customersByAskingContact.clear();
    this.customersByLink.clear();
    for (const customer of this.file.data.customers) {
      this.customersById.set(customer.id, customer);
      this.customersByAddress.set(customer.email.toLowerCase(), customer);
      const address = customer.notifications.address;
      // A login email wins over someone else's notification address.
      if (address && !this.customersByAddress.has(address.toLowerCase())) this.customersByAddress.set(address.toLowerCase(), customer);
      const confirming = confirmingOf(customer);
      const pendingAddress = confirming && newAddressOf(customer, confirming.change);
      if (pendingAddress) this.customersByPendingAddress.set(pendingAddress.toLowerCase(), customer);
      for (const contact of askingContacts(customer)) this.customersByAskingContact.set(contact, this.customersByAskingContact.has(contact) ? null : customer);
      for (const [network, ids] of Object.entries(customer.links)) for (const id of ids) this.customersByLink.set(`${network}:${id}`, customer);
    }
  }

  private indexInvoices(): void {
    this.invoicePosition.clear();
    this.byCustomer.clear();
    this.file.data.invoices.forEach((invoice, index) => {
      this.invoicePosition.set(invoice.number, index);
      listOf(this.byCustomer, invoice.customerId).push(invoice);
    });
    for (const list of this.byCustomer.values()) list.sort(byIssueDateDesc);
  }
}

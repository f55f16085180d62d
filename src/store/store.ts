import type { Customer, Invoice } from '../billing/types.js';
import type { InvoiceFilter } from '../billing/filter.js';

/** Changes applied together: either all of them reach the disk or none does. */
export interface Changes {
  customers?: Customer[];
  invoices?: Invoice[];
}

/**
 * The narrow interface every part of Facteur uses to reach its data. It is kept this
 * small on purpose: a PostgreSQL implementation should be a day's work, not a rewrite.
 */
export interface Store {
  customerById(id: string): Customer | undefined;
  /** By login email or confirmed notification address, case-insensitively. */
  customerByAddress(address: string): Customer | undefined;
  customers(): Customer[];
  invoice(number: string): Invoice | undefined;
  /** A customer's invoices matching the filter, newest first. */
  invoices(customerId: string, filter?: InvoiceFilter): Invoice[];
  save(changes: Changes): Promise<void>;
}

/** A store that cannot be opened; the message names the file and what is wrong with it. */
export class StoreError extends Error {
  constructor(
    readonly file: string,
    problem: string,
  ) {
    super(`${file}: ${problem}. The file was left untouched; fix or move it, then start again.`);
    this.name = 'StoreError';
  }
}

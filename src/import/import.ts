import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { newCustomer } from '../billing/customer.js';
import type { Customer, Invoice } from '../billing/types.js';
import type { SignedReceipt, Store } from '../store/store.js';
import { ImportError, type Candidate } from './candidate.js';
import { readCsv } from './csv.js';
import { readJson } from './json.js';
import { decodeText } from './text.js';
import { validate } from './validate.js';

export { ImportError } from './candidate.js';

/** An invoice of the file left out, with where it is and why. */
export interface Rejection {
  /** `index 3` (JSON) or `line 7` / `lines 7, 8` (CSV). */
  where: string;
  number?: string;
  reason: string;
}

/**
 * What an import did. An invoice already in the store and identical to the file's is
 * counted as `unchanged` rather than `updated`, and not written, so that re-importing
 * the same export reports 0 created and 0 updated.
 */
export interface ImportReport {
  created: number;
  updated: number;
  unchanged: number;
  rejected: Rejection[];
  /** What the operator should know about how the file was read (its encoding, its separator). */
  notes: string[];
}

/**
 * What became of one invoice of an import: the intake API answers with one per invoice.
 * `outdated`: a signed request older than one already taken for that invoice, left out.
 */
export interface InvoiceOutcome {
  where: string;
  number?: string;
  outcome: 'created' | 'updated' | 'unchanged' | 'rejected' | 'outdated';
  /** Why it was rejected or left out. */
  reason?: string;
}

/** A signed request of the billing system (a webhook), as its signature says: which, and when it was signed. */
export interface SignedEvent {
  /** `<t>.<v1 hex>`: good once. */
  signature: string;
  /** Its `t`, as an ISO time: the time of the event it tells. */
  signedAt: string;
  /** When the signature stops being good. */
  expiresAt: string;
}

export interface ImportOptions {
  /** Files larger than this are refused before being read (FACTEUR_IMPORT_MAX_MB). */
  maxBytes?: number;
}

/** The default size limit, 100 MB: an export of a million invoices is smaller. */
export const IMPORT_MAX_BYTES = 100 * 1024 * 1024;

const READERS: Record<string, (file: string, text: string, notes: string[]) => Candidate[]> = { '.json': readJson, '.csv': readCsv };

/**
 * Imports the billing system's export `file` (`.json` or `.csv`, by extension) into the store.
 *
 * - Idempotent by invoice number: a known number is updated in place when anything differs.
 *   Invoices absent from the file are left alone; an import never deletes.
 * - The file's `customer` is the client-area login email. It is matched against customers'
 *   login emails only, never their notification addresses, which customers choose and may
 *   share. An unknown email becomes a new customer, named by the first `customerName` given;
 *   known customers are not modified.
 * - A number the store already holds for a different customer is rejected: an invoice never
 *   moves from one customer to another.
 * - Bad invoices are reported and skipped; all the good ones are written by a single
 *   `store.save`, and none at all when nothing changed.
 *
 * Throws an ImportError, having written nothing, when the file cannot be read as a whole
 * (unknown extension, missing, not JSON, CSV without the required columns).
 */
export async function importInvoices(store: Store, file: string, options: ImportOptions = {}): Promise<ImportReport> {
  readerOf(file);
  return importBytes(store, file, await readBytes(file, options.maxBytes ?? IMPORT_MAX_BYTES));
}

/** The same for a file's bytes, named as the file was (its extension says how to read it): what `facteur import` sends a running service. */
export async function importBytes(store: Store, name: string, bytes: Buffer): Promise<ImportReport> {
  const read = readerOf(name);
  const { text, notes } = decodeText(name, bytes);
  return importCandidates(store, read(name, text, notes), notes);
}

function readerOf(file: string): (file: string, text: string, notes: string[]) => Candidate[] {
  const read = READERS[path.extname(file).toLowerCase()];
  if (!read) throw new ImportError(file, 'has neither a .json nor a .csv extension');
  return read;
}

/**
 * Imports invoices already read (a file's, or those the intake API received), as
 * `importInvoices` describes; `each` hears what became of every one, in order.
 */
export function importCandidates(store: Store, candidates: Candidate[], notes: string[] = [], each?: (outcome: InvoiceOutcome) => void): Promise<ImportReport> {
  // What the store holds is read, then written on what was read: two imports at once (two API
  // calls, on two instances) would each give a new number to their own customer.
  return store.serially('import', () => importAlone(store, candidates, notes, each, null));
}

/**
 * Imports the invoices of a signed request, once: its signature is used up by the write that
 * imports them (or, where the store cannot write both at once, right after it), so that a
 * request that failed (the store down) is taken when the billing system sends it again, and
 * one taken is refused ever after, by every instance ('replayed'). Events are ordered by
 * their signed time, per invoice: an invoice that a request signed later already carried is
 * left as that one left it (`outdated`), so that an old « unpaid » arriving after « paid »
 * changes nothing. Requests signed in the same second are taken in the order they come.
 */
export function importSigned(store: Store, candidates: Candidate[], signed: SignedEvent, each?: (outcome: InvoiceOutcome) => void): Promise<ImportReport | 'replayed'> {
  return store.serially('import', async () => ((await store.signedReceipt(signed.signature)) ? 'replayed' : importAlone(store, candidates, [], each, signed)));
}

async function importAlone(store: Store, candidates: Candidate[], notes: string[], each: ((outcome: InvoiceOutcome) => void) | undefined, signed: SignedEvent | null): Promise<ImportReport> {
  const report: ImportReport = { created: 0, updated: 0, unchanged: 0, rejected: [], notes };
  const checked = candidates.map((candidate) => ({ candidate, checked: validate(candidate) }));
  const valid = checked.flatMap(({ checked }) => ('reason' in checked ? [] : [checked.invoice]));
  // What the store knows of the file's customers and invoices, asked once for all of them.
  const customersByEmail = new Map((await store.customersByEmail([...new Set(valid.map((i) => i.customer))])).map((c) => [c.email.toLowerCase(), c]));
  const storedByNumber = new Map((await store.invoicesByNumber([...new Set(valid.map((i) => i.number))])).map((i) => [i.number, i]));
  // The owners of the invoices the file gives to someone else, to name them in the rejections.
  const owners = new Map<string, string>();
  for (const invoice of valid) {
    const stored = storedByNumber.get(invoice.number);
    if (!stored || stored.customerId === customersByEmail.get(invoice.customer)?.id || owners.has(stored.customerId)) continue;
    owners.set(stored.customerId, (await store.customerById(stored.customerId))?.email ?? stored.customerId);
  }
  // The latest signed request that carried each of them, if this one is signed.
  const lastSigned = signed ? await store.lastSigned([...storedByNumber.keys()]) : new Map<string, string>();
  const newCustomers: Customer[] = [];
  const changed: Invoice[] = [];
  const carried: string[] = [];

  for (const { candidate, checked: result } of checked) {
    const { where, number: written } = candidate;
    const reject = (reason: string) => {
      report.rejected.push({ where, number: written, reason });
      each?.({ where, number: written, outcome: 'rejected', reason });
    };
    if ('reason' in result) {
      reject(result.reason);
      continue;
    }
    const { customer: email, customerName, number, payUrl, ...fields } = result.invoice;
    const newer = lastSigned.get(number);
    if (signed && newer !== undefined && newer > signed.signedAt) {
      each?.({ where, number, outcome: 'outdated', reason: `a request signed later (${newer}) already set invoice ${number}; this one, signed ${signed.signedAt}, is older` });
      continue;
    }
    const known = customersByEmail.get(email);
    const stored = storedByNumber.get(number);
    if (stored && stored.customerId !== known?.id) {
      const owner = owners.get(stored.customerId)!;
      reject(`invoice ${number} already belongs to another customer (${owner}), not to ${email}`);
      continue;
    }
    const customer = known ?? newCustomer(email, customerName);
    if (!known) {
      customersByEmail.set(email, customer);
      newCustomers.push(customer);
    }
    // A pay link the file does not mention stays as it was (the API may have set it); null takes it away.
    const link = payUrl === undefined ? stored?.payUrl : (payUrl ?? undefined);
    const invoice: Invoice = { number, customerId: customer.id, ...fields, ...(link === undefined ? {} : { payUrl: link }) };
    const outcome = !stored ? 'created' : isDeepStrictEqual(stored, invoice) ? 'unchanged' : 'updated';
    report[outcome]++;
    each?.({ where, number, outcome });
    carried.push(number);
    if (outcome !== 'unchanged') changed.push(invoice);
  }

  const receipts: SignedReceipt[] = signed ? [{ signature: signed.signature, signedAt: signed.signedAt, invoices: carried, expiresAt: signed.expiresAt }] : [];
  if (changed.length > 0 || receipts.length > 0) await store.save({ customers: newCustomers, invoices: changed, receipts });
  return report;
}

/** The file's bytes, once its size is known to be within `maxBytes`. */
export async function readBytes(file: string, maxBytes: number): Promise<Buffer> {
  try {
    const { size } = await stat(file);
    if (size > maxBytes) throw new ImportError(file, `is ${megabytes(size)} MB, more than the ${megabytes(maxBytes)} MB allowed (FACTEUR_IMPORT_MAX_MB)`);
    return await readFile(file);
  } catch (error) {
    if (error instanceof ImportError) throw error;
    throw new ImportError(file, `cannot be read (${(error as Error).message})`);
  }
}

function megabytes(bytes: number): string {
  return String(Math.round((bytes / (1024 * 1024)) * 10) / 10);
}

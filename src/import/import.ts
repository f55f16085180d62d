import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { newCustomer } from '../billing/customer.js';
import type { IssuedPdfBytes } from '../billing/files.js';
import type { Customer, Invoice } from '../billing/types.js';
import type { SignedReceipt, Store } from '../store/store.js';
import { ImportError, type Candidate } from './candidate.js';
import { readCsv } from './csv.js';
import { readJson } from './json.js';
import { checkCandidatePdfs, issuedPdf, pdfFileName, pdfsInFolder, type PdfChecks, type PdfFinder } from './pdfs.js';
import { decodeText } from './text.js';
import { invoiceNumber } from '../billing/numbers.js';
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
  /**
   * How the billing system's PDFs are checked, and the folder of `--pdfs DIR` if one is given
   * (`<number>.pdf`). Without it, an invoice carrying a `pdf` is refused.
   */
  pdfs?: PdfChecks & { dir?: string };
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
  const { pdfs } = options;
  const folder = pdfs?.dir ? await pdfsInFolder(pdfs.dir, pdfs.maxBytes) : undefined;
  const bytes = await readBytes(file, options.maxBytes ?? IMPORT_MAX_BYTES);
  return importBytes(store, file, bytes, pdfs && { ...pdfs, ...(folder ? { find: folder.find, offered: folder.names } : {}) });
}

/**
 * The same for a file's bytes, named as the file was (its extension says how to read it): what
 * `facteur import` sends a running service. `pdfs.find` finds the invoices' PDF files of
 * `--pdfs DIR`; files of `offered` that name no invoice of the file are noted.
 */
export async function importBytes(
  store: Store,
  name: string,
  bytes: Buffer,
  pdfs?: PdfChecks & { find?: PdfFinder; offered?: string[] },
): Promise<ImportReport> {
  const read = readerOf(name);
  const { text, notes } = decodeText(name, bytes);
  const candidates = read(name, text, notes);
  if (pdfs?.offered) {
    const named = new Set(candidates.flatMap((c) => (c.number === undefined ? [] : [pdfFileName(c.number), pdfFileName(invoiceNumber(c.number) ?? c.number)])));
    const strays = pdfs.offered.filter((file) => file.toLowerCase().endsWith('.pdf') && !named.has(file));
    if (strays.length > 0)
      notes.push(
        `${strays.length} PDF file(s) of the folder name no invoice of the file, and were left alone: ${strays.slice(0, 5).join(', ')}${strays.length > 5 ? ', …' : ''}`,
      );
  }
  return importCandidates(store, candidates, notes, undefined, pdfs);
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
export async function importCandidates(
  store: Store,
  candidates: Candidate[],
  notes: string[] = [],
  each?: (outcome: InvoiceOutcome) => void,
  pdfs?: PdfChecks & { find?: PdfFinder },
): Promise<ImportReport> {
  // Read before the turn is taken: a slow PDF holds up no other import.
  await checkPdfs(candidates, pdfs);
  // What the store holds is read, then written on what was read: two imports at once (two API
  // calls, on two instances) would each give a new number to their own customer.
  return store.serially('import', () => importAlone(store, candidates, notes, each, null));
}

/** The PDFs the candidates carry, checked (see pdfs.ts); without checks, a candidate carrying one is refused. */
async function checkPdfs(candidates: Candidate[], pdfs: (PdfChecks & { find?: PdfFinder }) | undefined): Promise<void> {
  if (pdfs) return checkCandidatePdfs(candidates, pdfs, pdfs.find);
  for (const candidate of candidates) {
    const fields = candidate.fields as { pdf?: unknown } | null;
    if (typeof fields === 'object' && fields?.pdf != null) candidate.problem ??= 'pdf: this way of importing takes no PDF';
  }
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
export async function importSigned(
  store: Store,
  candidates: Candidate[],
  signed: SignedEvent,
  each?: (outcome: InvoiceOutcome) => void,
  pdfs?: PdfChecks,
): Promise<ImportReport | 'replayed'> {
  // A replay is refused before its PDFs cost anything.
  if (await store.signedReceipt(signed.signature)) return 'replayed';
  await checkPdfs(candidates, pdfs);
  return store.serially('import', async () => ((await store.signedReceipt(signed.signature)) ? 'replayed' : importAlone(store, candidates, [], each, signed)));
}

async function importAlone(
  store: Store,
  candidates: Candidate[],
  notes: string[],
  each: ((outcome: InvoiceOutcome) => void) | undefined,
  signed: SignedEvent | null,
): Promise<ImportReport> {
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
  // The PDF each of those that bring one has now: the same bytes again change nothing.
  const currentPdfs = await store.issuedPdfs(
    checked.flatMap(({ candidate, checked }) => (candidate.pdf && 'invoice' in checked ? [checked.invoice.number] : [])),
  );
  const receivedAt = new Date().toISOString();
  const newCustomers: Customer[] = [];
  const changed: Invoice[] = [];
  const pdfs: IssuedPdfBytes[] = [];
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
      each?.({
        where,
        number,
        outcome: 'outdated',
        reason: `a request signed later (${newer}) already set invoice ${number}; this one, signed ${signed.signedAt}, is older`,
      });
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
    const pdf = candidate.pdf && issuedPdf(number, candidate.pdf, receivedAt);
    const newPdf = pdf !== undefined && currentPdfs.get(number)?.sha256 !== pdf.sha256;
    if (newPdf) pdfs.push({ pdf, bytes: candidate.pdf! });
    const outcome = !stored ? 'created' : isDeepStrictEqual(stored, invoice) && !newPdf ? 'unchanged' : 'updated';
    report[outcome]++;
    each?.({ where, number, outcome });
    carried.push(number);
    if (outcome !== 'unchanged') changed.push(invoice);
  }

  const receipts: SignedReceipt[] = signed ? [{ signature: signed.signature, signedAt: signed.signedAt, invoices: carried, expiresAt: signed.expiresAt }] : [];
  if (changed.length > 0 || receipts.length > 0) await store.save({ customers: newCustomers, invoices: changed, receipts, pdfs });
  return report;
}

/**
 * The PDFs of `dir` for the invoices of an export (`<number>.pdf`), by file name, for a
 * running service to check and keep with them: those of other invoices are left out, and one
 * over `maxBytes` is named with its size (`tooLarge`), unread, for the service to refuse with its invoice.
 */
export async function folderPdfsFor(
  name: string,
  bytes: Buffer,
  dir: string,
  maxBytes: number,
): Promise<{ pdfs: Map<string, Buffer>; tooLarge: Map<string, number>; others: string[] }> {
  const { text, notes } = decodeText(name, bytes);
  const { find, sizeOf, names } = await pdfsInFolder(dir, maxBytes);
  const pdfs = new Map<string, Buffer>();
  const tooLarge = new Map<string, number>();
  for (const candidate of readerOf(name)(name, text, notes)) {
    if (candidate.number === undefined) continue;
    const size = await sizeOf(candidate.number);
    if (size !== null && size > maxBytes) tooLarge.set(pdfFileName(candidate.number), size);
    else if (size !== null) pdfs.set(pdfFileName(candidate.number), (await find(candidate.number))!);
  }
  return { pdfs, tooLarge, others: names.filter((file) => !pdfs.has(file) && !tooLarge.has(file)) };
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

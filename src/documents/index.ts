import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import type { TDocumentDefinitions } from 'pdfmake/interfaces.js';
import { PdfMissing, type Attachment, type ZipProgress } from './attachment.js';
import type { FileSource, IssuedPdf } from '../billing/files.js';
import type { Statement } from '../billing/statement.js';
import type { Customer, Invoice } from '../billing/types.js';
import { type CachedFile, FileCache } from './cache.js';
import { invoicePage } from './page.js';
import { RenderPool } from './pool.js';
import { RENDERER } from './renderer.js';
import { statementPage } from './statement-page.js';
import { type Brand, type InvoiceTemplate, loadInvoiceTemplate } from './template.js';
import { storedZipSize, type ZipEntry, zipFiles, zipGroups } from './zip.js';
import { publish, secondsSince } from '../observe.js';
import { DAY_MS } from '../time.js';

export interface InvoiceDocumentsOptions {
  dataDir: string;
  templatesDir: string;
  /**
   * Called after each actual render (not on cache hits), e.g. to log it, with what was
   * rendered: the invoice's number, or `statement <customer id> <day>`. The time includes
   * waiting for a render thread.
   */
  onRender?: (document: string, milliseconds: number) => void;
  /** The billing system's PDFs, sent byte for byte where an invoice has one; without, every invoice is rendered. */
  issued?: IssuedPdfs;
  /** `billing` (PDF_SOURCE): never send a rendering of an invoice; one without the billing system's PDF is missing (PdfMissing). */
  source?: 'any' | 'billing';
}

/** Where the billing system's PDFs are kept (the store): the one to send of each invoice, and the bytes by their SHA-256. */
export interface IssuedPdfs {
  issuedPdfs(numbers: string[]): Promise<Map<string, IssuedPdf>>;
  pdfBytes(sha256: string): Promise<Buffer | undefined>;
  /** Where a store that keeps them as files (the data folder) keeps these bytes: read from there, they are not copied. */
  pdfFile?(sha256: string): Promise<string | undefined>;
}

/** An invoice's PDF on disk, ready to send: which bytes (their SHA-256) and whose they are. */
interface InvoiceFile extends CachedFile {
  sha256: string;
  source: FileSource;
}

/** SHA-256s of rendered files remembered, by path: a file of the cache never changes, so each is read for it once. */
const HASHES_KEPT = 50_000;

/**
 * The render threads, one pool per process whatever the number of InvoiceDocuments: each
 * thread costs a start (~0.15 s: pdfmake and the fonts loaded; twice that from the TypeScript
 * sources, through tsx) and ~40 MB.
 */
const pool = new RenderPool();

/**
 * How many PDFs a ZIP looks up or renders at once: enough to keep every render thread and
 * the disk busy, few enough that a ZIP of thousands holds only a handful of page definitions.
 */
const LOOKUPS_AT_ONCE = 16;

/** How long a statement's PDF is kept: it is of the day it was asked, a day and a margin for time zones. */
const STATEMENT_KEPT_MS = 2 * DAY_MS;

/**
 * Invoices as PDF and ZIP attachments, and account statements as PDFs. Each PDF is
 * rendered once and kept under `<dataDir>/pdf/`, keyed on the page definition (every word,
 * amount and style it prints, from the invoice or statement, the customer and
 * `templates/invoice/`) and the renderer: a status change or a template edit renders again,
 * a repeated download or a ZIP reads files.
 */
export class InvoiceDocuments {
  private constructor(
    private readonly template: InvoiceTemplate,
    private readonly cache: FileCache,
    private readonly statements: FileCache,
    /** The billing system's PDFs copied from the store into this instance's data folder, under their hash. */
    private readonly billing: FileCache,
    private readonly options: Pick<InvoiceDocumentsOptions, 'onRender' | 'issued' | 'source'>,
  ) {}

  /** SHA-256s of cached files, by path. */
  private readonly hashes = new Map<string, string>();

  static async create(options: InvoiceDocumentsOptions): Promise<InvoiceDocuments> {
    const template = await loadInvoiceTemplate(options.templatesDir);
    const folder = path.join(options.dataDir, 'pdf');
    // Statements apart: they are of one day, so they are forgotten, where an invoice's PDF is valid for good.
    return new InvoiceDocuments(template, new FileCache(folder, '.pdf'), new FileCache(path.join(folder, 'statements'), '.pdf'), new FileCache(path.join(folder, 'issued'), '.pdf'), options);
  }

  /** Forgets the statements made before yesterday (none is asked for again: each is of its day); returns how many. */
  forgetOldStatements(now: Date): Promise<number> {
    return this.statements.forgetOlderThan(new Date(now.getTime() - STATEMENT_KEPT_MS));
  }

  /** Path of the PDF sent for the invoice: the billing system's, or the cached rendering, rendered first when needed. */
  async pdf(invoice: Invoice, customer: Customer): Promise<string> {
    return (await this.invoiceFile(invoice, customer, await this.issuedOf([invoice]))).file;
  }

  /**
   * Attachment for one invoice, named from the template: `facture-1210.pdf` (fr), `invoice-1210.pdf`
   * (en). Its bytes are the billing system's PDF when it sent one (the latest), else Facteur's
   * rendering; with PDF_SOURCE=billing, an invoice without one is a PdfMissing.
   */
  async pdfAttachment(invoice: Invoice, customer: Customer): Promise<Attachment> {
    const { file, size, sha256, source } = await this.invoiceFile(invoice, customer, await this.issuedOf([invoice]));
    const filename = this.pdfName(invoice, customer);
    return { filename, contentType: 'application/pdf', size, open: async () => createReadStream(file), files: [{ name: filename, sha256, invoice: invoice.number, source }] };
  }

  /** The numbers of these invoices whose PDF would not be sent: with PDF_SOURCE=billing, those the billing system has not sent; otherwise none. */
  async missingPdfs(invoices: Invoice[]): Promise<string[]> {
    if (this.options.source !== 'billing') return [];
    const issued = await this.issuedOf(invoices);
    return invoices.filter((invoice) => !issued.has(invoice.number)).map((invoice) => invoice.number);
  }

  /**
   * The account statement as a PDF, named from the template with its day:
   * `releve-2026-11-25.pdf` (fr), `statement-2026-11-25.pdf` (en). It is what the balance
   * answer attaches, and what a reminder attaches: build the statement with billing's
   * `accountStatement` from the customer's invoices. Kept like an invoice's PDF, so the
   * same statement asked again that day is read, not rendered.
   */
  async statementAttachment(statement: Statement, customer: Customer): Promise<Attachment> {
    if (statement.customerId !== customer.id) throw new Error(`statementAttachment: the statement of customer ${statement.customerId} is not customer ${customer.id}'s`);
    const { file, size } = await this.rendered(statementPage(this.template, statement, customer), `statement ${customer.id} ${statement.date}`, this.statements);
    const filename = this.template.catalog.t(customer.locale, 'file.statement', { date: statement.date });
    return { filename, contentType: 'application/pdf', size, open: async () => createReadStream(file), files: [{ name: filename, sha256: await this.hashOf(file), source: 'rendered' }] };
  }

  /**
   * One ZIP of these invoices' PDFs, in the order given, named after the oldest and newest
   * (`factures-1210-1234.zip`). Missing PDFs are rendered here, side by side on the render
   * pool's threads (one per core), so that `open` only streams; `progress` is told as each
   * PDF is ready.
   */
  async zipAttachment(invoices: Invoice[], customer: Customer, progress?: ZipProgress): Promise<Attachment> {
    const unique = [...new Map(invoices.map((invoice) => [invoice.number, invoice])).values()];
    const byIssue = unique.toSorted((a, b) => a.issuedAt.localeCompare(b.issuedAt) || a.number.localeCompare(b.number, 'en', { numeric: true }));
    const [oldest, newest] = [byIssue[0], byIssue.at(-1)];
    if (!oldest || !newest) throw new Error('zipAttachment: no invoices to put in a ZIP');
    const issued = await this.issuedOf(unique);
    // Said before anything is rendered: a ZIP never carries a rendering in the place of a billing system's PDF.
    const missing = this.options.source === 'billing' ? unique.filter((invoice) => !issued.has(invoice.number)) : [];
    if (missing.length > 0) throw new PdfMissing(missing.map((invoice) => invoice.number));
    const names = new UniqueNames();
    let ready = 0;
    const entries: (ZipEntry & InvoiceFile & { invoice: Invoice })[] = await mapAtMost(LOOKUPS_AT_ONCE, unique, async (invoice) => {
      const entry = { invoice, ...(await this.invoiceFile(invoice, customer, issued)), name: '' };
      progress?.(++ready, unique.length);
      return entry;
    });
    // Named in the archive's order, so that which of two numbers with one safe name gets the suffix does not depend on render times.
    for (const entry of entries) entry.name = names.take(this.pdfName(entry.invoice, customer));
    const name = oldest === newest ? safeName(oldest.number) : `${safeName(oldest.number)}-${safeName(newest.number)}`;
    const filename = this.template.catalog.t(customer.locale, 'file.zip', { name });
    return {
      filename,
      contentType: 'application/zip',
      size: storedZipSize(entries),
      open: () => zipFiles(entries),
      split: (maxBytes) => Promise.all(zipGroups(entries, maxBytes).map((group) => this.zipAttachment(group.map((entry) => entry.invoice), customer))),
      holds: { customerId: customer.id, invoices: entries.map((entry) => entry.invoice.number) },
      files: entries.map((entry) => ({ name: entry.name, sha256: entry.sha256, invoice: entry.invoice.number, source: entry.source, zip: filename })),
    };
  }

  /** Who issues the invoices and in which colours, for pages that wear the provider's brand (the download page). */
  get brand(): Brand {
    return this.template.brand;
  }

  /** The billing system's latest PDF of each of these invoices that has one. */
  private async issuedOf(invoices: Invoice[]): Promise<Map<string, IssuedPdf>> {
    return (await this.options.issued?.issuedPdfs(invoices.map((invoice) => invoice.number))) ?? new Map();
  }

  /** The file sent for an invoice: the billing system's PDF of `issued` when it has one, else the rendering (never with PDF_SOURCE=billing). */
  private async invoiceFile(invoice: Invoice, customer: Customer, issued: Map<string, IssuedPdf>): Promise<InvoiceFile> {
    const pdf = issued.get(invoice.number);
    if (pdf) return this.billingFile(pdf);
    if (this.options.source === 'billing') throw new PdfMissing([invoice.number]);
    const cached = await this.rendered(invoicePage(this.template, invoice, customer), invoice.number, this.cache);
    return { ...cached, sha256: await this.hashOf(cached.file), source: 'rendered' };
  }

  /**
   * The billing system's PDF as a file: the data folder's own when the store is the data folder,
   * else copied into this instance's data folder from the store (PostgreSQL) once; its bytes
   * checked against their SHA-256 either way, so that a ZIP of a thousand reads files as it does
   * renderings, and every instance sends the store's very bytes.
   */
  private async billingFile(pdf: IssuedPdf): Promise<InvoiceFile> {
    const issued = this.options.issued!;
    // The data folder's own file, its bytes checked against their hash once per process.
    const own = await issued.pdfFile?.(pdf.sha256);
    if (own) {
      if ((await this.hashOf(own)) !== pdf.sha256) throw new Error(`${own} does not hash to ${pdf.sha256}: the PDF of invoice ${pdf.invoice} is not sent`);
      return { file: own, size: (await stat(own)).size, sha256: pdf.sha256, source: 'billing' };
    }
    const cached = await this.billing.get(pdf.sha256, async () => {
      const bytes = await issued.pdfBytes(pdf.sha256);
      if (!bytes) throw new Error(`the store holds no bytes for the PDF ${pdf.sha256} of invoice ${pdf.invoice}`);
      if (sha256Of(bytes) !== pdf.sha256) throw new Error(`the store's bytes for the PDF of invoice ${pdf.invoice} do not hash to ${pdf.sha256}: not sent`);
      return bytes;
    });
    return { ...cached, sha256: pdf.sha256, source: 'billing' };
  }

  /** The SHA-256 of a cached file, read once per file: the cache's files never change. */
  private async hashOf(file: string): Promise<string> {
    let hash = this.hashes.get(file);
    if (hash === undefined) {
      hash = sha256Of(await readFile(file));
      if (this.hashes.size >= HASHES_KEPT) this.hashes.clear();
      this.hashes.set(file, hash);
    }
    return hash;
  }

  /** The PDF of `page` from the cache, rendered on the pool first when it is not there; `document` names it for `onRender`. */
  private rendered(page: TDocumentDefinitions, document: string, cache: FileCache): Promise<CachedFile> {
    const key = createHash('sha256').update(RENDERER).update('\0').update(JSON.stringify(page)).digest('hex');
    return cache.get(key, async () => {
      const started = performance.now();
      const bytes = await pool.render(page);
      publish('render', { seconds: secondsSince(started) });
      this.options.onRender?.(document, performance.now() - started);
      return bytes;
    });
  }

  private pdfName(invoice: Invoice, customer: Customer): string {
    return this.template.catalog.t(customer.locale, 'file.pdf', { number: safeName(invoice.number) });
  }
}

function sha256Of(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** `map` applied to every item, at most `limit` at a time, the results in the items' order. */
async function mapAtMost<T, R>(limit: number, items: readonly T[], map: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = [];
  let next = 0;
  const run = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await map(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, run));
  return results;
}

/** Characters of an invoice number kept in a file name; a longer one is cut, and named apart by a hash of the whole. */
const MAX_NAME = 60;

/**
 * An invoice number as it may appear in a file name: letters, digits, `.`, `_` and `-`
 * only (`INV/2024/1` becomes `INV-2024-1`), no `..` and no leading dot, and short, whatever
 * an older store or a hand-edited file holds.
 */
function safeName(text: string): string {
  const plain = text
    .replace(/\//g, '-')
    .replace(/[^\p{L}\p{N}._-]+/gu, '_')
    .replace(/\.{2,}/g, '_')
    .replace(/^[.]+/, '_');
  if (plain.length <= MAX_NAME) return plain;
  return `${plain.slice(0, MAX_NAME - 9)}-${createHash('sha256').update(text).digest('hex').slice(0, 8)}`;
}

/** Names given once each in an archive: a second `facture-INV-1.pdf` becomes `facture-INV-1-2.pdf`. */
class UniqueNames {
  private readonly taken = new Set<string>();

  take(name: string): string {
    const dot = name.lastIndexOf('.');
    const [stem, extension] = dot > 0 ? [name.slice(0, dot), name.slice(dot)] : [name, ''];
    let candidate = name;
    for (let n = 2; this.taken.has(candidate.toLowerCase()); n++) candidate = `${stem}-${n}${extension}`;
    this.taken.add(candidate.toLowerCase());
    return candidate;
  }
}

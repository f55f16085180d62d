import path from 'node:path';
import { PdfMissing, type Attachment, type ZipProgress } from './attachment.js';
import type { IssuedPdf } from '../billing/files.js';
import type { Statement } from '../billing/statement.js';
import type { Customer, Invoice } from '../billing/types.js';
import { BillingPdfs, type InvoiceFile, type IssuedPdfs } from './billing-pdfs.js';
import { FileCache } from './cache.js';
import { cachedRender } from './cached-render.js';
import { FileHashes, verifiedRead } from './file-hashes.js';
import { safeName, UniqueNames } from './file-names.js';
import { mapAtMost } from './map-at-most.js';
import { invoicePage } from './page.js';
import { statementPage } from './statement-page.js';
import { type Brand, type InvoiceTemplate, loadInvoiceTemplate } from './template.js';
import { storedZipSize, type ZipEntry, zipFiles, zipGroups } from './zip.js';
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
    private readonly billing: BillingPdfs,
    private readonly options: Pick<InvoiceDocumentsOptions, 'onRender' | 'source'>,
  ) {}

  static async create(options: InvoiceDocumentsOptions): Promise<InvoiceDocuments> {
    const template = await loadInvoiceTemplate(options.templatesDir);
    const folder = path.join(options.dataDir, 'pdf');
    const hashes = new FileHashes(path.join(folder, 'hashes.jsonl'));
    const billing = new BillingPdfs(options.issued, new FileCache(path.join(folder, 'issued'), '.pdf', hashes), hashes);
    // Statements apart: they are of one day, so they are forgotten, where an invoice's PDF is valid for good.
    const statements = new FileCache(path.join(folder, 'statements'), '.pdf', hashes);
    return new InvoiceDocuments(template, new FileCache(folder, '.pdf', hashes), statements, billing, options);
  }

  /** Forgets the statements made before yesterday (none is asked for again: each is of its day); returns how many. */
  forgetOldStatements(now: Date): Promise<number> {
    return this.statements.forgetOlderThan(new Date(now.getTime() - STATEMENT_KEPT_MS));
  }

  /** Path of the PDF sent for the invoice: the billing system's, or the cached rendering, rendered first when needed. */
  async pdf(invoice: Invoice, customer: Customer): Promise<string> {
    return (await this.invoiceFile(invoice, customer, await this.billing.latestOf([invoice]))).file;
  }

  /**
   * Attachment for one invoice, named from the template: `facture-1210.pdf` (fr), `invoice-1210.pdf`
   * (en). Its bytes are the billing system's PDF when it sent one (the latest), else Facteur's
   * rendering; with PDF_SOURCE=billing, an invoice without one is a PdfMissing.
   */
  async pdfAttachment(invoice: Invoice, customer: Customer): Promise<Attachment> {
    const { file, size, sha256, source } = await this.invoiceFile(invoice, customer, await this.billing.latestOf([invoice]));
    const filename = this.pdfName(invoice, customer);
    return {
      filename,
      contentType: 'application/pdf',
      size,
      open: async () => verifiedRead(file, sha256),
      files: [{ name: filename, sha256, invoice: invoice.number, source }],
    };
  }

  /** The numbers of these invoices whose PDF would not be sent: with PDF_SOURCE=billing, those the billing system has not sent; otherwise none. */
  async missingPdfs(invoices: Invoice[]): Promise<string[]> {
    if (this.options.source !== 'billing') return [];
    const issued = await this.billing.latestOf(invoices);
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
    if (statement.customerId !== customer.id)
      throw new Error(`statementAttachment: the statement of customer ${statement.customerId} is not customer ${customer.id}'s`);
    const page = statementPage(this.template, statement, customer);
    const { file, size, sha256 } = await cachedRender(page, `statement ${customer.id} ${statement.date}`, this.statements, this.options.onRender);
    const filename = this.template.catalog.t(customer.locale, 'file.statement', { date: statement.date });
    return {
      filename,
      contentType: 'application/pdf',
      size,
      open: async () => verifiedRead(file, sha256),
      files: [{ name: filename, sha256, source: 'rendered' }],
    };
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
    const issued = await this.billing.latestOf(unique);
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
      split: (maxBytes) =>
        Promise.all(
          zipGroups(entries, maxBytes).map((group) =>
            this.zipAttachment(
              group.map((entry) => entry.invoice),
              customer,
            ),
          ),
        ),
      holds: { customerId: customer.id, invoices: entries.map((entry) => entry.invoice.number) },
      files: entries.map((entry) => ({ name: entry.name, sha256: entry.sha256, invoice: entry.invoice.number, source: entry.source, zip: filename })),
    };
  }

  /** Who issues the invoices and in which colours, for pages that wear the provider's brand (the download page). */
  get brand(): Brand {
    return this.template.brand;
  }

  /** The file sent for an invoice: the billing system's PDF of `issued` when it has one, else the rendering (never with PDF_SOURCE=billing). */
  private async invoiceFile(invoice: Invoice, customer: Customer, issued: Map<string, IssuedPdf>): Promise<InvoiceFile> {
    const pdf = issued.get(invoice.number);
    if (pdf) return this.billing.file(pdf);
    if (this.options.source === 'billing') throw new PdfMissing([invoice.number]);
    const cached = await cachedRender(invoicePage(this.template, invoice, customer), invoice.number, this.cache, this.options.onRender);
    return { ...cached, source: 'rendered' };
  }

  private pdfName(invoice: Invoice, customer: Customer): string {
    return this.template.catalog.t(customer.locale, 'file.pdf', { number: safeName(invoice.number) });
  }
}

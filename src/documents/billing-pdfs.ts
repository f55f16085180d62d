import type { FileSource, IssuedPdf } from '../billing/files.js';
import type { Invoice } from '../billing/types.js';
import type { CachedFile, FileCache } from './cache.js';
import { type FileHashes, sha256Of } from './file-hashes.js';

/** Where the billing system's PDFs are kept (the store): the one to send of each invoice, and the bytes by their SHA-256. */
export interface IssuedPdfs {
  issuedPdfs(numbers: string[]): Promise<Map<string, IssuedPdf>>;
  pdfBytes(sha256: string): Promise<Buffer | undefined>;
  /** Where a store that keeps them as files (the data folder) keeps these bytes: read from there, they are not copied. */
  pdfFile?(sha256: string): Promise<string | undefined>;
}

/** An invoice's PDF on disk, ready to send: which bytes (their SHA-256) and whose they are. */
export interface InvoiceFile extends CachedFile {
  source: FileSource;
}

/** The billing system's PDFs, as files to send: looked up in the store, and read from the data folder or copied into it. */
export class BillingPdfs {
  constructor(
    private readonly issued: IssuedPdfs | undefined,
    /** The billing system's PDFs copied from the store into this instance's data folder, under their hash. */
    private readonly copies: FileCache,
    private readonly hashes: FileHashes,
  ) {}

  /** The billing system's latest PDF of each of these invoices that has one. */
  async latestOf(invoices: Invoice[]): Promise<Map<string, IssuedPdf>> {
    return (await this.issued?.issuedPdfs(invoices.map((invoice) => invoice.number))) ?? new Map();
  }

  /**
   * The billing system's PDF as a file: the data folder's own when the store is the data folder,
   * else copied into this instance's data folder from the store (PostgreSQL) once; its bytes
   * checked against their SHA-256 either way, so that a ZIP of a thousand reads files as it does
   * renderings, and every instance sends the store's very bytes.
   */
  async file(pdf: IssuedPdf): Promise<InvoiceFile> {
    const issued = this.issued!;
    // The data folder's own file or this instance's copy, its bytes checked against their hash (read again only when the file changed).
    const own = await issued.pdfFile?.(pdf.sha256);
    const found = own
      ? { file: own, ...(await this.hashes.of(own)) }
      : await this.copies.get(pdf.sha256, async () => {
          const bytes = await issued.pdfBytes(pdf.sha256);
          if (!bytes) throw new Error(`the store holds no bytes for the PDF ${pdf.sha256} of invoice ${pdf.invoice}`);
          if (sha256Of(bytes) !== pdf.sha256) throw new Error(`the store's bytes for the PDF of invoice ${pdf.invoice} do not hash to ${pdf.sha256}: not sent`);
          return bytes;
        });
    if (found.sha256 !== pdf.sha256) throw new Error(`${found.file} does not hash to ${pdf.sha256}: the PDF of invoice ${pdf.invoice} is not sent`);
    return { ...found, source: 'billing' };
  }
}

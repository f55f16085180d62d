import type { Readable } from 'node:stream';
import type { CarriedFile } from '../billing/files.js';

/** PDFs a message carries one by one at most; more go as one ZIP, which is easier to keep than a mail of twenty files (answers and announcements alike). */
export const MAX_PDFS = 5;

/**
 * A file the reply carries. `open` is called by the channel when it sends the file,
 * so that a ZIP is streamed straight to its destination and never held in memory.
 */
export interface Attachment {
  filename: string;
  contentType: 'application/pdf' | 'application/zip';
  /** Its size in bytes at most: exact for a PDF, an upper bound for a ZIP, which is written as it is sent. */
  size: number;
  open(): Promise<Readable>;
  /**
   * For a ZIP: the same files as several ZIPs of at most `maxBytes` each, in order, for a
   * channel that cannot carry the whole (a mail size limit). Absent when it cannot be split.
   */
  split?(maxBytes: number): Promise<Attachment[]>;
  /** For a ZIP of invoices: whose and which, so that a channel that cannot carry it may offer a download link instead. */
  holds?: { customerId: string; invoices: string[] };
  /** What it carries by the SHA-256 of their bytes (a PDF: itself; a ZIP: its PDFs), for the delivery log. */
  files: CarriedFile[];
}

/**
 * An invoice whose PDF is not sent: with PDF_SOURCE=billing, only the billing system's PDF of an
 * invoice is ever sent, and this one has none yet. Its numbers, for the channel to say which.
 */
export class PdfMissing extends Error {
  override name = 'PdfMissing';
  constructor(readonly numbers: string[]) {
    super(
      `the billing system has not sent the PDF of invoice${numbers.length > 1 ? 's' : ''} ${numbers.join(', ')} (PDF_SOURCE=billing: Facteur sends no rendering)`,
    );
  }
}

/**
 * Told how far a ZIP's preparation is, as each of its PDFs is found or rendered: `done` of
 * `total`. Rendering is what takes time in a large ZIP, so a channel can show the customer
 * it is under way; it must return at once (the work does not wait for it).
 */
export type ZipProgress = (done: number, total: number) => void;

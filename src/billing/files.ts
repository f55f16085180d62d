/**
 * Invoices as files: the billing system's own PDFs that Facteur keeps and sends byte for byte,
 * and the files each message carried, by the SHA-256 of their bytes, so that a customer's copy
 * can be checked later against what was really issued and sent.
 */

/**
 * A PDF the billing system issued for an invoice, as kept. Its bytes are kept apart, once,
 * under their SHA-256. The latest received is the one sent; older ones stay known, so that a
 * copy of one of them is still recognised.
 */
export interface IssuedPdf {
  invoice: string;
  /** Lower-case hex. */
  sha256: string;
  size: number;
  /** When the billing system last sent these bytes for this invoice (an ISO time). */
  receivedAt: string;
}

/** A billing system's PDF with its bytes, on its way into the store. */
export interface IssuedPdfBytes {
  pdf: IssuedPdf;
  bytes: Uint8Array;
}

/** Where a file of an invoice came from: the billing system's own PDF, or Facteur's rendering of the invoice. */
export type FileSource = 'billing' | 'rendered';

/** A file a message carried, by the SHA-256 of its bytes. */
export interface CarriedFile {
  name: string;
  sha256: string;
  /** The invoice it is the PDF of; absent for another document (an account statement). */
  invoice?: string;
  source: FileSource;
  /** The ZIP it travelled in, by its name, when it did. */
  zip?: string;
  /** The download link it was fetched through, by the link's id, when it was (the message carried the link). */
  link?: string;
}

/** Whether `text` is a SHA-256 as Facteur writes them: 64 lower-case hex digits. */
export function isSha256(text: string): boolean {
  return /^[0-9a-f]{64}$/.test(text);
}

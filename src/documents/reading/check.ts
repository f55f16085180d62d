import { PdfUnreadable, type PdfReader, type PdfText } from './reader.js';

/**
 * Where a PDF's header may start: readers accept it within the first 1,024 bytes (PDF 32000,
 * annex H), after the junk some mail gateways put before it.
 */
const HEADER_WITHIN = 1024;

/** A file checked as a PDF: its text, or why it is none, in words for whoever sent it. */
export type CheckedPdf = { text: PdfText } | { reason: string };

/**
 * Whether `bytes` are a PDF that may be kept and sent: at most `maxBytes`, starting with
 * `%PDF-`, and read whole by pdf.js within the reader's limits. The cheap checks come first,
 * so that most files that are not PDFs cost nothing.
 */
export async function checkPdf(bytes: Uint8Array, maxBytes: number, reader: PdfReader): Promise<CheckedPdf> {
  if (bytes.byteLength === 0) return { reason: 'is empty' };
  if (bytes.byteLength > maxBytes)
    return { reason: `is ${megabytes(bytes.byteLength)} MB, more than the ${megabytes(maxBytes)} MB allowed (FACTEUR_PDF_MAX_MB)` };
  if (!Buffer.from(bytes.buffer, bytes.byteOffset, Math.min(bytes.byteLength, HEADER_WITHIN + 5)).includes('%PDF-'))
    return { reason: 'is not a PDF: it does not start with %PDF-' };
  try {
    return { text: await reader.read(bytes) };
  } catch (error) {
    if (error instanceof PdfUnreadable) return { reason: error.reason };
    throw error;
  }
}

export function megabytes(bytes: number): string {
  return String(Math.round((bytes / (1024 * 1024)) * 10) / 10);
}

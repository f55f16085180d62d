import { createHash } from 'node:crypto';
import { readFile, readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import type { IssuedPdf } from '../billing/files.js';
import { foldLookAlikes, invoiceNumber } from '../billing/numbers.js';
import { checkPdf, megabytes } from '../documents/reading/check.js';
import type { PdfReader } from '../documents/reading/reader.js';
import { ImportError, type Candidate } from './candidate.js';

/** What checks the billing system's PDFs before anything is kept: the size limit (FACTEUR_PDF_MAX_MB) and the reader of their text. */
export interface PdfChecks {
  maxBytes: number;
  reader: PdfReader;
}

/**
 * Where an import finds an invoice's PDF besides its own `pdf` field (`facteur import FILE
 * --pdfs DIR`): by the invoice's number as the file wrote it, the bytes or null for none.
 */
export type PdfFinder = (written: string) => Promise<Buffer | null>;

/** The PDF file of an invoice in `--pdfs DIR`: `<number>.pdf`, a `/` of the number written `_` (a file name cannot hold it). */
export function pdfFileName(number: string): string {
  return `${number.replace(/\//g, '_')}.pdf`;
}

/**
 * The PDFs of `dir`, found by number: `<number as written>.pdf`, else the number as Facteur
 * keeps it (upper case). A file over the limit is refused before it is read.
 */
export async function pdfsInFolder(
  dir: string,
  maxBytes: number,
): Promise<{ find: PdfFinder; sizeOf: (written: string) => Promise<number | null>; names: string[] }> {
  const names = await readdir(dir).catch((error: Error) => {
    throw new ImportError(dir, `cannot be read as the folder of PDFs (${error.message})`);
  });
  const present = new Set(names);
  const fileOf = (written: string) => {
    const name = [pdfFileName(written), pdfFileName(invoiceNumber(written) ?? written)].find((candidate) => present.has(candidate));
    return name && path.join(dir, name);
  };
  const sizeOf = async (written: string) => {
    const file = fileOf(written);
    return file ? (await stat(file)).size : null;
  };
  const find: PdfFinder = async (written) => {
    const size = await sizeOf(written);
    if (size === null) return null;
    if (size > maxBytes) throw tooLarge(pdfFileName(written), size, maxBytes);
    return readFile(fileOf(written)!);
  };
  return { find, sizeOf, names };
}

/** An invoice's PDF refused before it was read (a file over the limit). */
export class PdfRefused extends Error {}

/** The refusal of a PDF file over FACTEUR_PDF_MAX_MB, unread. */
export function tooLarge(name: string, size: number, maxBytes: number): PdfRefused {
  return new PdfRefused(`${name} is ${megabytes(size)} MB, more than the ${megabytes(maxBytes)} MB allowed (FACTEUR_PDF_MAX_MB)`);
}

/**
 * Checks the PDF each candidate carries (its `pdf` field, base64) or that `find` finds for it,
 * and keeps the good ones on the candidate (`pdf`); a bad one makes the invoice itself refused
 * (`problem`), so that nothing of it is stored: an invoice whose file the billing system meant
 * to send is not kept without it. Read a few at a time by the reader's threads.
 */
export async function checkCandidatePdfs(candidates: Candidate[], checks: PdfChecks, find?: PdfFinder): Promise<void> {
  await Promise.all(
    candidates.map(async (candidate) => {
      if (candidate.problem) return;
      const found = await pdfOf(candidate, checks.maxBytes, find);
      if (found === null) return;
      if ('reason' in found) return void (candidate.problem = `pdf: ${found.reason}`);
      const checked = await checkPdf(found.bytes, checks.maxBytes, checks.reader);
      if ('reason' in checked) return void (candidate.problem = `pdf: ${found.from} ${checked.reason}`);
      const number = invoiceNumber(candidate.number ?? '');
      if (number !== null && !namesInvoice(checked.text.text, number)) {
        return void (candidate.problem = `pdf: ${found.from} does not name invoice ${number} in its text: it is not that invoice's PDF`);
      }
      candidate.pdf = found.bytes;
    }),
  );
}

/** The candidate's PDF: from its `pdf` field, else from `find`; null when it has none. */
async function pdfOf(candidate: Candidate, maxBytes: number, find?: PdfFinder): Promise<{ bytes: Buffer; from: string } | { reason: string } | null> {
  const fields = candidate.fields;
  const field = typeof fields === 'object' && fields !== null && 'pdf' in fields ? (fields as { pdf: unknown }).pdf : undefined;
  if (field !== undefined && field !== null) {
    if (typeof field !== 'string') return { reason: 'expected the PDF as a base64 string' };
    // Base64 grows a file by a third: a field longer than that of the largest PDF is refused before it is decoded.
    if (field.length > Math.ceil(maxBytes / 3) * 4 + 1024) return { reason: `is more than the ${megabytes(maxBytes)} MB allowed (FACTEUR_PDF_MAX_MB)` };
    const compact = field.replace(/\s+/g, '');
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(compact) || compact.length % 4 !== 0) return { reason: 'is not base64 (A–Z, a–z, 0–9, + and /, padded with =)' };
    return { bytes: Buffer.from(compact, 'base64'), from: 'the file in "pdf"' };
  }
  if (!find || candidate.number === undefined) return null;
  try {
    const bytes = await find(candidate.number);
    return bytes && { bytes, from: pdfFileName(candidate.number) };
  } catch (error) {
    if (error instanceof PdfRefused) return { reason: error.message };
    throw error;
  }
}

/**
 * Whether a PDF's text names this invoice number, as a whole word, in any case and with
 * look-alike characters folded: a billing system's PDF always prints its number, and one that
 * does not (another invoice's file sent under this number) would show a customer someone else's invoice.
 */
export function namesInvoice(text: string, number: string): boolean {
  const escaped = number.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  return new RegExp(`(?<![A-Z0-9])${escaped}(?![A-Z0-9])`).test(foldLookAlikes(text.normalize('NFKC')).toUpperCase());
}

/** The record of a PDF about to be kept for an invoice. */
export function issuedPdf(invoice: string, bytes: Uint8Array, receivedAt: string): IssuedPdf {
  return { invoice, sha256: createHash('sha256').update(bytes).digest('hex'), size: bytes.byteLength, receivedAt };
}

import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { writeAtomically } from '../../atomic-file.js';
import type { IssuedPdf, IssuedPdfBytes } from '../../billing/files.js';
import { issuedPdfSchema } from './schema.js';
import { StoreError, StoreWriteError } from '../store.js';
import { StoreFile } from './store-file.js';

const indexSchema = z.strictObject({ pdfs: z.array(issuedPdfSchema) });
type Index = z.infer<typeof indexSchema>;

/**
 * The billing system's PDFs in the data folder: each file's bytes once, under their SHA-256, in
 * `issued/<first two hex digits>/<sha256>.pdf`, and `issued.json`, which lists each invoice's
 * PDFs and when each was received. A file is written (whole, then renamed) before the list
 * names it, so that the list never names a file that is not there; a file the list does not
 * name yet (a write stopped between the two) is written again, the same bytes, next time.
 */
export class PdfFiles {
  /** Each invoice's PDFs, oldest received first. */
  private readonly byInvoice = new Map<string, IssuedPdf[]>();

  private constructor(
    private readonly dir: string,
    private readonly index: StoreFile<Index>,
  ) {
    this.reindex();
  }

  static async open(dataDir: string): Promise<PdfFiles> {
    return new PdfFiles(path.join(dataDir, 'issued'), await StoreFile.open(path.join(dataDir, 'issued.json'), indexSchema, { pdfs: [] }));
  }

  latest(numbers: string[]): Map<string, IssuedPdf> {
    const found = new Map<string, IssuedPdf>();
    for (const number of numbers) {
      const last = this.byInvoice.get(number)?.at(-1);
      if (last) found.set(number, last);
    }
    return found;
  }

  history(query: { invoice: string } | { sha256: string }): IssuedPdf[] {
    if ('invoice' in query) return [...(this.byInvoice.get(query.invoice) ?? [])];
    return this.index.data.pdfs.filter((pdf) => pdf.sha256 === query.sha256).sort(byReceipt);
  }

  all(): IssuedPdf[] {
    return [...this.index.data.pdfs];
  }

  /** The bytes kept under this hash; a file whose bytes no longer hash so (edited by hand, a damaged disk) is refused with its name, never sent. */
  async bytes(sha256: string): Promise<Buffer | undefined> {
    if (!this.index.data.pdfs.some((pdf) => pdf.sha256 === sha256)) return undefined;
    const file = this.fileOf(sha256);
    const bytes = await readFile(file);
    if (createHash('sha256').update(bytes).digest('hex') !== sha256)
      throw new StoreError(
        file,
        'does not hold the bytes its name says (its SHA-256 differs)',
        'Nothing was sent from it; have the billing system send that invoice\u2019s PDF again.',
      );
    return bytes;
  }

  /** The file of these bytes, when the list names them. */
  file(sha256: string): string | undefined {
    return this.index.data.pdfs.some((pdf) => pdf.sha256 === sha256) ? this.fileOf(sha256) : undefined;
  }

  async save(writes: IssuedPdfBytes[]): Promise<void> {
    for (const { pdf, bytes } of writes) {
      try {
        await writeAtomically(this.fileOf(pdf.sha256), bytes);
      } catch (error) {
        throw new StoreWriteError(this.fileOf(pdf.sha256), error as NodeJS.ErrnoException);
      }
    }
    await this.index.change(
      (draft) => {
        for (const { pdf } of writes) {
          // Received again, a pair is received now: it is the one sent from now on.
          draft.pdfs = draft.pdfs.filter((kept) => kept.invoice !== pdf.invoice || kept.sha256 !== pdf.sha256);
          draft.pdfs.push(pdf);
        }
      },
      () => this.reindex(),
    );
  }

  private fileOf(sha256: string): string {
    return path.join(this.dir, sha256.slice(0, 2), `${sha256}.pdf`);
  }

  private reindex(): void {
    this.byInvoice.clear();
    for (const pdf of this.index.data.pdfs.toSorted(byReceipt)) {
      const list = this.byInvoice.get(pdf.invoice);
      if (list) list.push(pdf);
      else this.byInvoice.set(pdf.invoice, [pdf]);
    }
  }
}

function byReceipt(a: IssuedPdf, b: IssuedPdf): number {
  return a.receivedAt.localeCompare(b.receivedAt) || a.sha256.localeCompare(b.sha256);
}

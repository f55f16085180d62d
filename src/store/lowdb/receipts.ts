import { z } from 'zod';
import { signedReceiptSchema } from './schema.js';
import type { SignedReceipt } from '../store.js';
import { StoreFile } from './store-file.js';

const receiptsSchema = z.strictObject({ receipts: z.array(signedReceiptSchema) });
type Receipts = z.infer<typeof receiptsSchema>;

/**
 * `webhooks.json`: the signed requests answered in the last minutes (see SignedReceipt). Only
 * those whose signature is still good are kept, a few minutes' worth: each write drops the
 * expired ones, so the file stays as small as the billing system's last five minutes.
 */
export class ReceiptsFile {
  private readonly bySignature = new Map<string, SignedReceipt>();

  private constructor(private readonly file: StoreFile<Receipts>) {
    this.index();
  }

  static async open(path: string): Promise<ReceiptsFile> {
    return new ReceiptsFile(await StoreFile.open(path, receiptsSchema, { receipts: [] }));
  }

  receipt(signature: string): SignedReceipt | undefined {
    return this.bySignature.get(signature);
  }

  lastSigned(numbers: string[]): Map<string, string> {
    const wanted = new Set(numbers);
    const latest = new Map<string, string>();
    for (const receipt of this.file.data.receipts) {
      for (const number of receipt.invoices) if (wanted.has(number) && receipt.signedAt > (latest.get(number) ?? '')) latest.set(number, receipt.signedAt);
    }
    return latest;
  }

  /** Writes these receipts, dropping those expired before `now`. */
  async save(receipts: SignedReceipt[], now: string): Promise<void> {
    await this.file.change(
      (draft) => {
        draft.receipts = draft.receipts.filter((receipt) => receipt.expiresAt >= now && !receipts.some((added) => added.signature === receipt.signature));
        draft.receipts.push(...receipts);
      },
      () => this.index(),
    );
  }

  /** Drops the receipts expired before `now`, if any. */
  async forget(now: string): Promise<void> {
    if (this.file.data.receipts.every((receipt) => receipt.expiresAt >= now)) return;
    await this.save([], now);
  }

  private index(): void {
    this.bySignature.clear();
    for (const receipt of this.file.data.receipts) this.bySignature.set(receipt.signature, receipt);
  }
}

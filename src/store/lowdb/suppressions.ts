import { z } from 'zod';
import { suppressionSchema } from './schema.js';
import type { Suppression } from '../store.js';
import { upsert } from './lists.js';
import { StoreFile } from './store-file.js';

const suppressionsSchema = z.strictObject({ suppressions: z.array(suppressionSchema) });
type Suppressions = z.infer<typeof suppressionsSchema>;

/** `suppressions.json`: the addresses mail is held back from, a few dozen at most, written when one bounces or is lifted. */
export class SuppressionsFile {
  private constructor(private readonly file: StoreFile<Suppressions>) {}

  static async open(path: string): Promise<SuppressionsFile> {
    return new SuppressionsFile(await StoreFile.open(path, suppressionsSchema, { suppressions: [] }));
  }

  find(address: string): Suppression | undefined {
    const wanted = address.toLowerCase();
    return this.file.data.suppressions.find((suppression) => suppression.address === wanted);
  }

  all(): Suppression[] {
    return [...this.file.data.suppressions].sort((a, b) => a.since.localeCompare(b.since));
  }

  /** Writes these records over those of the same addresses, and drops those of `lifted`. */
  save(records: Suppression[], lifted: string[] = []): Promise<void> {
    return this.file.change((draft) => {
      draft.suppressions = draft.suppressions.filter((suppression) => !lifted.includes(suppression.address));
      upsert(draft.suppressions, records, (suppression) => suppression.address);
    });
  }
}

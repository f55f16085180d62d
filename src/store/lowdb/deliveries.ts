import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import type { Delivery, DeliveryQuery } from '../../billing/delivery.js';
import { deliverySchema } from './schema.js';
import { StoreError } from '../store.js';
import { listOf, upsert } from './lists.js';
import { openOnce, StoreFile } from './store-file.js';

const shardSchema = z.strictObject({ deliveries: z.array(deliverySchema) });
type Shard = z.infer<typeof shardSchema>;

const announcementsSchema = z.strictObject({ since: z.string().nullable(), numbers: z.array(z.string()) });
type Announcements = z.infer<typeof announcementsSchema>;

/** Files a month's deliveries are spread over. */
const SHARDS = 64;

/**
 * The delivery log, spread over small lowdb files: `deliveries/<YYYY-MM>/<shard>.json`, by
 * the month the record was made and a hash of its customer. A record is written several
 * times (recorded, sent), and a month's invoicing run writes thousands at once: each
 * write rewrites one small file, never the whole log, and the files of a run are written
 * side by side. All of a customer's records of a month share one file, so what a push
 * records for one customer reaches the disk whole or not at all.
 *
 * An invoice counts as announced when a push delivery carries it, or when it is listed in
 * `announcements.json` (those already there when the push first met the store, those of
 * customers who could not be told). Deriving it from the deliveries is what lets a push
 * record its deliveries in one write per file.
 */
export class DeliveryFiles {
  /** Opened files by name; a promise, so that concurrent saves opening a new file share it. */
  private readonly shards = new Map<string, Promise<StoreFile<Shard>>>();
  /** Each delivery, and the file it lives in. */
  private readonly byId = new Map<string, { delivery: Delivery; shard: string }>();
  private readonly announced = new Set<string>();

  private constructor(
    private readonly dir: string,
    private readonly announcements: StoreFile<Announcements>,
  ) {}

  static async open(dataDir: string): Promise<DeliveryFiles> {
    const announcements = await StoreFile.open(path.join(dataDir, 'announcements.json'), announcementsSchema, { since: null, numbers: [] });
    const files = new DeliveryFiles(path.join(dataDir, 'deliveries'), announcements);
    const names = await readdir(files.dir, { recursive: true }).catch(() => [] as string[]);
    for (const name of names.filter((n) => /^\d{4}-\d{2}\/\d{2}\.json$/.test(n.replaceAll(path.sep, '/')))) {
      const shard = name.replaceAll(path.sep, '/').replace(/\.json$/, '');
      // Opened one after the other, so that a corrupt file stops the opening at once.
      files.shards.set(shard, Promise.resolve(await StoreFile.open(path.join(files.dir, name), shardSchema, { deliveries: [] })));
    }
    await files.index();
    return files;
  }

  delivery(id: string): Delivery | undefined {
    return this.byId.get(id)?.delivery;
  }

  /** Matching records, oldest first. */
  deliveries(query: DeliveryQuery = {}): Delivery[] {
    const matches: Delivery[] = [];
    for (const { delivery: d } of this.byId.values()) {
      if (
        (query.customerId === undefined || d.customerId === query.customerId) &&
        (query.status === undefined || (Array.isArray(query.status) ? query.status.includes(d.status) : d.status === query.status)) &&
        (query.messageId === undefined || d.messageId === query.messageId) &&
        (query.reason === undefined || d.reason === query.reason) &&
        (query.requestedBy === undefined || d.requestedBy === query.requestedBy) &&
        (query.invoice === undefined || d.invoices.includes(query.invoice)) &&
        (query.idPrefix === undefined || d.id.startsWith(query.idPrefix)) &&
        (query.since === undefined || d.createdAt >= query.since) &&
        (query.dueAt === undefined || (d.nextAttemptAt !== null && d.nextAttemptAt <= query.dueAt)) &&
        (query.file === undefined || (d.files?.some((file) => file.sha256 === query.file) ?? false))
      ) {
        matches.push(d);
      }
    }
    return matches.sort((a, b) => a.createdAt.localeCompare(b.createdAt));
  }

  /** The highest offset a reminder carried for each of `numbers`, in one pass over the log. */
  remindedOffsets(numbers: Set<string>): Map<string, number> {
    const highest = new Map<string, number>();
    for (const { delivery } of this.byId.values()) {
      if (delivery.reason !== 'reminder' || !delivery.reminded) continue;
      for (const [number, offset] of Object.entries(delivery.reminded)) {
        if (numbers.has(number) && offset > (highest.get(number) ?? -Infinity)) highest.set(number, offset);
      }
    }
    return highest;
  }

  /** Every record, and the numbers marked announced without a push delivery: what `facteur db copy` moves. */
  all(): { deliveries: Delivery[]; announced: string[] } {
    return { deliveries: [...this.byId.values()].map((placed) => placed.delivery), announced: [...this.announcements.data.numbers] };
  }

  isAnnounced(number: string): boolean {
    return this.announced.has(number);
  }

  announcingSince(): string | null {
    return this.announcements.data.since;
  }

  /**
   * Writes the deliveries, then the announcements: after a crash between the two, what
   * was recorded is found and sent, and what was not is still new. Never the other way.
   * A customer's records of a month are one file's: they are written in one change of it.
   */
  async save(deliveries: Delivery[], announced: string[], since: string | undefined): Promise<void> {
    const byShard = new Map<string, Delivery[]>();
    // A record stays in the file it was first written to, wherever a new one would go.
    for (const delivery of deliveries) listOf(byShard, this.byId.get(delivery.id)?.shard ?? shardOf(delivery)).push(delivery);
    await Promise.all([...byShard].map(([name, records]) => this.put(name, records)));
    const fresh = new Set(announced.filter((number) => !this.announced.has(number)));
    if (fresh.size === 0 && (since === undefined || this.announcements.data.since !== null)) return;
    await this.announcements.change(
      (draft) => {
        // Numbers past those written were added by changes of this same write.
        const earlier = new Set(draft.numbers.slice(this.announcements.data.numbers.length));
        // One by one, not spread: the first meeting of a big store marks a million numbers, past any call's argument limit.
        for (const number of fresh) if (!earlier.has(number)) draft.numbers.push(number);
        draft.since ??= since ?? null;
      },
      () => {
        for (const number of fresh) this.announced.add(number);
      },
    );
  }

  private async put(name: string, records: Delivery[]): Promise<void> {
    const file = await openOnce(this.shards, name, () => StoreFile.open(path.join(this.dir, `${name}.json`), shardSchema, { deliveries: [] }));
    await file.change(
      (draft) => upsert(draft.deliveries, records, (delivery) => delivery.id),
      () => {
        for (const delivery of records) {
          this.byId.set(delivery.id, { delivery, shard: name });
          if (delivery.reason === 'push') for (const number of delivery.invoices) this.announced.add(number);
        }
      },
    );
  }

  private async index(): Promise<void> {
    this.byId.clear();
    this.announced.clear();
    for (const number of this.announcements.data.numbers) this.announced.add(number);
    for (const [shard, opening] of this.shards) {
      for (const delivery of (await opening).data.deliveries) {
        const known = this.byId.get(delivery.id);
        if (known) throw new StoreError(path.join(this.dir, `${shard}.json`), `delivery ${delivery.id} is also in ${known.shard}.json`);
        this.byId.set(delivery.id, { delivery, shard });
        if (delivery.reason === 'push') for (const number of delivery.invoices) this.announced.add(number);
      }
    }
  }
}

/** `2026-11/07`: the month the record was made, and one of SHARDS files by its customer. */
function shardOf(delivery: Delivery): string {
  let hash = 2166136261;
  for (const char of delivery.customerId) hash = Math.imul(hash ^ char.charCodeAt(0), 16777619);
  return `${delivery.createdAt.slice(0, 7)}/${String((hash >>> 0) % SHARDS).padStart(2, '0')}`;
}

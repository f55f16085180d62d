import { existsSync } from 'node:fs';
import { readdir, rm, rmdir } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { inboundMessageSchema } from './schema.js';
import { StoreError, type InboundMessage } from '../store.js';
import { listOf, upsert } from './lists.js';
import { openOnce, StoreFile } from './store-file.js';

const shardSchema = z.strictObject({ inbound: z.array(inboundMessageSchema) });
type Shard = z.infer<typeof shardSchema>;

/** Files a day's records are spread over. */
const SHARDS = 16;
const FINISHED = new Set<InboundMessage['status']>(['replied', 'ignored', 'failed']);

interface Placed {
  record: InboundMessage;
  shard: string;
}

/**
 * The billing inbox's records, one per message, spread over small lowdb files:
 * `inbound/<YYYY-MM-DD>/<shard>.json`, by the day the message was received and a hash of
 * its key. A record is written at every step of its message (claimed, sending, replied),
 * and strangers can add records at will: each step rewrites one small file, and the
 * indexes change by the record, so that handling a message costs the same with two hundred
 * thousand records behind it as with none. Old days are forgotten by dropping their files.
 *
 * A store written before this layout kept them all in `inbound.json`; they are moved into
 * the day files when it is first opened, and that file is removed once they are written.
 */
export class InboundFiles {
  private readonly shards = new Map<string, Promise<StoreFile<Shard>>>();
  private readonly byKey = new Map<string, Placed>();
  /** By sender and Message-ID: the first record of each. */
  private readonly byCopy = new Map<string, InboundMessage>();
  private readonly bySender = new Map<string, Set<InboundMessage>>();
  /** By the day received, for the limits that look at the last hour or week only. */
  private readonly byDay = new Map<string, Set<InboundMessage>>();

  private constructor(private readonly dir: string) {}

  static async open(dataDir: string): Promise<InboundFiles> {
    const files = new InboundFiles(path.join(dataDir, 'inbound'));
    const names = await readdir(files.dir, { recursive: true }).catch(() => [] as string[]);
    for (const name of names.map((n) => n.replaceAll(path.sep, '/')).filter((n) => /^\d{4}-\d{2}-\d{2}\/\d{2}\.json$/.test(n))) {
      const file = await StoreFile.open(path.join(files.dir, name), shardSchema, { inbound: [] });
      const shard = name.replace(/\.json$/, '');
      files.shards.set(shard, Promise.resolve(file));
      for (const record of file.data.inbound) {
        const known = files.byKey.get(record.key);
        if (known) throw new StoreError(path.join(files.dir, name), `the record of ${record.key} is also in ${known.shard}.json`);
        files.index(record, shard);
      }
    }
    await files.moveLegacy(path.join(dataDir, 'inbound.json'));
    return files;
  }

  all(): InboundMessage[] {
    return [...this.byKey.values()].map((placed) => placed.record);
  }

  message(key: string, copy: { messageId: string; sender: string } | null): InboundMessage | undefined {
    return this.byKey.get(key)?.record ?? (copy === null ? undefined : this.byCopy.get(copyKey(copy.messageId, copy.sender)));
  }

  answered(query: { since: string; sender?: string; strangers?: boolean }): number {
    const records = query.sender === undefined ? this.receivedSince(query.since) : (this.bySender.get(query.sender.toLowerCase()) ?? new Set());
    let count = 0;
    for (const m of records) if (m.sent > 0 && m.receivedAt >= query.since && (!query.strangers || m.customerId === null)) count++;
    return count;
  }

  /** Writes the records, each in the file it was first written to; resolves once they are all on disk, and only then read. */
  async save(records: InboundMessage[]): Promise<void> {
    const byShard = new Map<string, InboundMessage[]>();
    for (const record of records) listOf(byShard, this.byKey.get(record.key)?.shard ?? shardOf(record)).push(record);
    await Promise.all([...byShard].map(([shard, placed]) => this.put(shard, placed)));
  }

  /** Drops the finished records received before `before`: whole files where nothing is still under way. */
  async forget(before: string): Promise<void> {
    const day = before.slice(0, 10);
    for (const [shard, opening] of this.shards) {
      if (shard.slice(0, 10) >= day) continue;
      const file = await opening;
      const done = new Set(file.data.inbound.filter((record) => FINISHED.has(record.status)));
      if (done.size === 0) continue;
      if (done.size < file.data.inbound.length) {
        await file.change(
          (draft) => (draft.inbound = draft.inbound.filter((record) => !done.has(record))),
          () => done.forEach((record) => this.unindex(record)),
        );
      } else {
        await rm(file.file, { force: true });
        this.shards.delete(shard);
        for (const record of done) this.unindex(record);
      }
    }
    // A day's folder goes once its files have: rmdir refuses one that is not empty.
    for (const folder of await readdir(this.dir).catch(() => [] as string[])) if (folder < day) await rmdir(path.join(this.dir, folder)).catch(() => {});
  }

  private async put(shard: string, records: InboundMessage[]): Promise<void> {
    const file = await openOnce(this.shards, shard, () => StoreFile.open(path.join(this.dir, `${shard}.json`), shardSchema, { inbound: [] }));
    await file.change(
      (draft) => upsert(draft.inbound, records, (record) => record.key),
      () => {
        for (const record of records) {
          const known = this.byKey.get(record.key);
          if (known) this.unindex(known.record);
          this.index(record, shard);
        }
      },
    );
  }

  private index(record: InboundMessage, shard: string): void {
    this.byKey.set(record.key, { record, shard });
    setOf(this.byDay, record.receivedAt.slice(0, 10)).add(record);
    if (record.sender === null) return;
    const copy = record.messageId === null ? null : copyKey(record.messageId, record.sender);
    if (copy !== null && !this.byCopy.has(copy)) this.byCopy.set(copy, record);
    setOf(this.bySender, record.sender.toLowerCase()).add(record);
  }

  private unindex(record: InboundMessage): void {
    if (this.byKey.get(record.key)?.record === record) this.byKey.delete(record.key);
    this.byDay.get(record.receivedAt.slice(0, 10))?.delete(record);
    if (record.sender === null) return;
    this.bySender.get(record.sender.toLowerCase())?.delete(record);
    const copy = record.messageId === null ? null : copyKey(record.messageId, record.sender);
    if (copy !== null && this.byCopy.get(copy) === record) this.byCopy.delete(copy);
  }

  private receivedSince(since: string): InboundMessage[] {
    const day = since.slice(0, 10);
    return [...this.byDay].filter(([received]) => received >= day).flatMap(([, records]) => [...records]);
  }

  private async moveLegacy(file: string): Promise<void> {
    if (!existsSync(file)) return;
    const legacy = await StoreFile.open(file, z.strictObject({ inbound: z.array(inboundMessageSchema) }), { inbound: [] });
    await this.save(legacy.data.inbound.filter((record) => !this.byKey.has(record.key)));
    await rm(file);
  }
}

/** `2026-12-02/07`: the day the message was received, and one of SHARDS files by its key. */
function shardOf(record: InboundMessage): string {
  let hash = 2166136261;
  for (const char of record.key) hash = Math.imul(hash ^ char.charCodeAt(0), 16777619);
  return `${record.receivedAt.slice(0, 10)}/${String((hash >>> 0) % SHARDS).padStart(2, '0')}`;
}

function copyKey(messageId: string, sender: string): string {
  return `${sender.toLowerCase()} ${messageId}`;
}

function setOf<K, V>(map: Map<K, Set<V>>, key: K): Set<V> {
  let set = map.get(key);
  if (!set) map.set(key, (set = new Set()));
  return set;
}

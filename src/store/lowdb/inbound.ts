import { z } from 'zod';
import { inboundMessageSchema } from '../schema.js';
import type { InboundMessage } from '../store.js';
import { listOf, upsert } from './lists.js';
import { StoreFile } from './store-file.js';

const inboundSchema = z.strictObject({ inbound: z.array(inboundMessageSchema) });
type Inbound = z.infer<typeof inboundSchema>;

/**
 * `inbound.json`: a record per message that reached the billing inbox, written at each
 * step of its handling. Kept apart from the billing data, which is far larger and rarely
 * changes, and short: finished records are forgotten after a while.
 */
export class InboundFile {
  private readonly byKey = new Map<string, InboundMessage>();
  /** By Message-ID and sender: the first record of each. */
  private readonly byCopy = new Map<string, InboundMessage>();
  private readonly bySender = new Map<string, InboundMessage[]>();

  private constructor(readonly file: StoreFile<Inbound>) {
    this.index();
  }

  static async open(path: string): Promise<InboundFile> {
    return new InboundFile(await StoreFile.open(path, inboundSchema, { inbound: [] }));
  }

  message(key: string, copy: { messageId: string; sender: string } | null): InboundMessage | undefined {
    return this.byKey.get(key) ?? (copy === null ? undefined : this.byCopy.get(copyKey(copy.messageId, copy.sender)));
  }

  answered(query: { since: string; sender?: string; strangers?: boolean }): number {
    const records = query.sender === undefined ? this.file.data.inbound : (this.bySender.get(query.sender.toLowerCase()) ?? []);
    return records.filter((m) => m.sent > 0 && m.receivedAt >= query.since && (!query.strangers || m.customerId === null)).length;
  }

  apply(messages: InboundMessage[]): void {
    upsert(this.file.data.inbound, messages, (message) => message.key);
    this.index();
  }

  /** Drops finished records received before `before`; true when some were. */
  forget(before: string): boolean {
    const data = this.file.data;
    const kept = data.inbound.filter((message) => message.receivedAt >= before || message.status === 'claimed' || message.status === 'sending');
    if (kept.length === data.inbound.length) return false;
    data.inbound = kept;
    this.index();
    return true;
  }

  private index(): void {
    this.byKey.clear();
    this.byCopy.clear();
    this.bySender.clear();
    for (const message of this.file.data.inbound) {
      this.byKey.set(message.key, message);
      if (message.sender === null) continue;
      const copy = message.messageId === null ? null : copyKey(message.messageId, message.sender);
      if (copy !== null && !this.byCopy.has(copy)) this.byCopy.set(copy, message);
      listOf(this.bySender, message.sender.toLowerCase()).push(message);
    }
  }
}

function copyKey(messageId: string, sender: string): string {
  return `${sender.toLowerCase()} ${messageId}`;
}

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
  private readonly byMessageId = new Map<string, InboundMessage>();
  private readonly bySender = new Map<string, InboundMessage[]>();

  private constructor(readonly file: StoreFile<Inbound>) {
    this.index();
  }

  static async open(path: string): Promise<InboundFile> {
    return new InboundFile(await StoreFile.open(path, inboundSchema, { inbound: [] }));
  }

  message(key: string, messageId: string | null): InboundMessage | undefined {
    return this.byKey.get(key) ?? (messageId === null ? undefined : this.byMessageId.get(messageId));
  }

  from(address: string, since: string): InboundMessage[] {
    return (this.bySender.get(address.toLowerCase()) ?? []).filter((message) => message.receivedAt >= since);
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
    this.byMessageId.clear();
    this.bySender.clear();
    for (const message of this.file.data.inbound) {
      this.byKey.set(message.key, message);
      if (message.messageId !== null && !this.byMessageId.has(message.messageId)) this.byMessageId.set(message.messageId, message);
      if (message.sender !== null) listOf(this.bySender, message.sender.toLowerCase()).push(message);
    }
  }
}

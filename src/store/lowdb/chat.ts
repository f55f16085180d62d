import { z } from 'zod';
import { chatMessageSchema, heldRequestSchema, linkAttemptSchema, staffActionSchema } from './schema.js';
import { MAX_CHAT_MESSAGES, type ChatMessage, type HeldRequest, type LinkAttempt, type StaffAction } from '../store.js';
import { upsert } from './lists.js';
import { StoreFile } from './store-file.js';

const chatSchema = z.strictObject({
  linkAttempts: z.array(linkAttemptSchema),
  staffActions: z.array(staffActionSchema),
  heldRequests: z.array(heldRequestSchema).default([]),
  chatMessages: z.array(chatMessageSchema).default([]),
});
type Chat = z.infer<typeof chatSchema>;

/**
 * `chat.json`: chat accounts being linked (codes, wrong tries, lockouts), what staff did, staff
 * requests waiting for confirmation, and what the bot's recent messages carried.
 */
export class ChatFile {
  private readonly attempts = new Map<string, LinkAttempt>();
  /** Times of wrong link codes, by the customer they were given for. */
  private readonly failures = new Map<string, string[]>();

  private constructor(private readonly file: StoreFile<Chat>) {
    this.index();
  }

  static async open(path: string): Promise<ChatFile> {
    return new ChatFile(await StoreFile.open(path, chatSchema, { linkAttempts: [], staffActions: [], heldRequests: [], chatMessages: [] }));
  }

  all(): Pick<Chat, 'linkAttempts' | 'staffActions' | 'heldRequests' | 'chatMessages'> {
    const { linkAttempts, staffActions, heldRequests, chatMessages } = this.file.data;
    return { linkAttempts: [...linkAttempts], staffActions: [...staffActions], heldRequests: [...heldRequests], chatMessages: [...chatMessages] };
  }

  chatMessage(id: string): ChatMessage | undefined {
    return this.file.data.chatMessages.find((message) => message.id === id);
  }

  linkAttempt(account: string): LinkAttempt | undefined {
    return this.attempts.get(account);
  }

  linkFailuresFor(customerId: string, since: string): number {
    return (this.failures.get(customerId) ?? []).filter((at) => at >= since).length;
  }

  staffActions(since = ''): StaffAction[] {
    return this.file.data.staffActions.filter((action) => action.at >= since);
  }

  heldRequest(staff: string): HeldRequest | undefined {
    return this.file.data.heldRequests.find((held) => held.staff === staff);
  }

  /** Writes these records (replacing a link record or held request of the same account or staff member); resolves once they are on disk, and only then read. */
  save(attempts: LinkAttempt[], actions: StaffAction[], held: HeldRequest[], messages: ChatMessage[] = []): Promise<void> {
    return this.file.change(
      (draft) => {
        upsert(draft.linkAttempts, attempts, (attempt) => attempt.account);
        draft.staffActions.push(...actions);
        upsert(draft.heldRequests, held, (request) => request.staff);
        if (messages.length > 0) draft.chatMessages = keptMessages(draft.chatMessages, messages);
      },
      () => {
        if (attempts.length > 0) this.index();
      },
    );
  }

  /** Changes a chat account's link record as `change` says, on the record as the changes asked before this one left it. */
  updateLinkAttempt<T>(account: string, change: (attempt: LinkAttempt | undefined) => { attempt: LinkAttempt | null; result: T }): Promise<T> {
    return this.file.change(
      (draft) => {
        const { attempt, result } = change(draft.linkAttempts.find((found) => found.account === account));
        if (attempt) upsert(draft.linkAttempts, [attempt], (found) => found.account);
        return result;
      },
      () => this.index(),
    );
  }

  /** The same for a staff member's held request. */
  updateHeldRequest<T>(staff: string, change: (held: HeldRequest | undefined) => { held: HeldRequest | null; result: T }): Promise<T> {
    return this.file.change((draft) => {
      const { held, result } = change(draft.heldRequests.find((found) => found.staff === staff));
      if (held) upsert(draft.heldRequests, [held], (found) => found.staff);
      return result;
    });
  }

  /** Drops staff actions before `actions`, link records untouched since `attempts` and chat messages sent before it, and held requests done with. */
  async forget(actions: string, attempts: string): Promise<void> {
    const dropped = {
      staffActions: (action: StaffAction) => action.at < actions,
      linkAttempts: (attempt: LinkAttempt) => attempt.updatedAt < attempts,
      heldRequests: (held: HeldRequest) => held.codeHash === null || held.expiresAt < attempts,
      chatMessages: (message: ChatMessage) => message.sentAt < attempts,
    };
    const data = this.file.data;
    if (
      !data.staffActions.some(dropped.staffActions) &&
      !data.linkAttempts.some(dropped.linkAttempts) &&
      !data.heldRequests.some(dropped.heldRequests) &&
      !data.chatMessages.some(dropped.chatMessages)
    )
      return;
    await this.file.change(
      (draft) => {
        draft.staffActions = draft.staffActions.filter((action) => !dropped.staffActions(action));
        draft.linkAttempts = draft.linkAttempts.filter((attempt) => !dropped.linkAttempts(attempt));
        draft.heldRequests = draft.heldRequests.filter((held) => !dropped.heldRequests(held));
        draft.chatMessages = draft.chatMessages.filter((message) => !dropped.chatMessages(message));
      },
      () => this.index(),
    );
  }

  private index(): void {
    this.attempts.clear();
    this.failures.clear();
    for (const attempt of this.file.data.linkAttempts) {
      this.attempts.set(attempt.account, attempt);
      for (const { customerId, at } of attempt.failedFor) this.failures.set(customerId, [...(this.failures.get(customerId) ?? []), at]);
    }
  }
}

/** The messages with `added` (an id already there kept as it was), a customer's oldest past MAX_CHAT_MESSAGES dropped. */
function keptMessages(kept: ChatMessage[], added: ChatMessage[]): ChatMessage[] {
  const known = new Set(kept.map((message) => message.id));
  const all = [...kept, ...added.filter((message) => !known.has(message.id))];
  const touched = new Set(added.map((message) => message.customerId));
  const drop = new Set<string>();
  for (const customerId of touched) {
    const theirs = all.filter((message) => message.customerId === customerId).sort((a, b) => b.sentAt.localeCompare(a.sentAt));
    for (const old of theirs.slice(MAX_CHAT_MESSAGES)) drop.add(old.id);
  }
  return drop.size === 0 ? all : all.filter((message) => !drop.has(message.id));
}

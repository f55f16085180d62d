import { z } from 'zod';
import { heldRequestSchema, linkAttemptSchema, staffActionSchema } from '../schema.js';
import type { HeldRequest, LinkAttempt, StaffAction } from '../store.js';
import { upsert } from './lists.js';
import { StoreFile } from './store-file.js';

const chatSchema = z.strictObject({
  linkAttempts: z.array(linkAttemptSchema),
  staffActions: z.array(staffActionSchema),
  heldRequests: z.array(heldRequestSchema).default([]),
});
type Chat = z.infer<typeof chatSchema>;

/** `chat.json`: chat accounts being linked (codes, wrong tries, lockouts), what staff did, and staff requests waiting for confirmation. */
export class ChatFile {
  private readonly attempts = new Map<string, LinkAttempt>();
  /** Times of wrong link codes, by the customer they were given for. */
  private readonly failures = new Map<string, string[]>();

  private constructor(readonly file: StoreFile<Chat>) {
    this.index();
  }

  static async open(path: string): Promise<ChatFile> {
    return new ChatFile(await StoreFile.open(path, chatSchema, { linkAttempts: [], staffActions: [], heldRequests: [] }));
  }

  all(): Pick<Chat, 'linkAttempts' | 'staffActions' | 'heldRequests'> {
    const { linkAttempts, staffActions, heldRequests } = this.file.data;
    return { linkAttempts: [...linkAttempts], staffActions: [...staffActions], heldRequests: [...heldRequests] };
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

  apply(attempts: LinkAttempt[], actions: StaffAction[], held: HeldRequest[]): void {
    upsert(this.file.data.linkAttempts, attempts, (attempt) => attempt.account);
    if (attempts.length > 0) this.index();
    this.file.data.staffActions.push(...actions);
    upsert(this.file.data.heldRequests, held, (request) => request.staff);
  }

  /** Drops staff actions before `actions`, link records untouched since `attempts`, and held requests done with; true when some were. */
  forget(actions: string, attempts: string): boolean {
    const data = this.file.data;
    const before = data.staffActions.length + data.linkAttempts.length + data.heldRequests.length;
    data.staffActions = data.staffActions.filter((action) => action.at >= actions);
    data.linkAttempts = data.linkAttempts.filter((attempt) => attempt.updatedAt >= attempts);
    data.heldRequests = data.heldRequests.filter((held) => held.codeHash !== null && held.expiresAt >= attempts);
    this.index();
    return data.staffActions.length + data.linkAttempts.length + data.heldRequests.length < before;
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

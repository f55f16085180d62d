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

  private constructor(private readonly file: StoreFile<Chat>) {
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

  /** Writes these records (replacing a link record or held request of the same account or staff member); resolves once they are on disk, and only then read. */
  save(attempts: LinkAttempt[], actions: StaffAction[], held: HeldRequest[]): Promise<void> {
    return this.file.change(
      (draft) => {
        upsert(draft.linkAttempts, attempts, (attempt) => attempt.account);
        draft.staffActions.push(...actions);
        upsert(draft.heldRequests, held, (request) => request.staff);
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

  /** Drops staff actions before `actions`, link records untouched since `attempts`, and held requests done with. */
  async forget(actions: string, attempts: string): Promise<void> {
    const dropped = {
      staffActions: (action: StaffAction) => action.at < actions,
      linkAttempts: (attempt: LinkAttempt) => attempt.updatedAt < attempts,
      heldRequests: (held: HeldRequest) => held.codeHash === null || held.expiresAt < attempts,
    };
    const data = this.file.data;
    if (!data.staffActions.some(dropped.staffActions) && !data.linkAttempts.some(dropped.linkAttempts) && !data.heldRequests.some(dropped.heldRequests)) return;
    await this.file.change(
      (draft) => {
        draft.staffActions = draft.staffActions.filter((action) => !dropped.staffActions(action));
        draft.linkAttempts = draft.linkAttempts.filter((attempt) => !dropped.linkAttempts(attempt));
        draft.heldRequests = draft.heldRequests.filter((held) => !dropped.heldRequests(held));
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

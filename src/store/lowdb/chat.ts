import { z } from 'zod';
import { linkAttemptSchema, staffActionSchema } from '../schema.js';
import type { LinkAttempt, StaffAction } from '../store.js';
import { upsert } from './lists.js';
import { StoreFile } from './store-file.js';

const chatSchema = z.strictObject({ linkAttempts: z.array(linkAttemptSchema), staffActions: z.array(staffActionSchema) });
type Chat = z.infer<typeof chatSchema>;

/** `chat.json`: chat accounts being linked (codes, wrong tries, lockouts) and what staff did through chat. */
export class ChatFile {
  private readonly attempts = new Map<string, LinkAttempt>();

  private constructor(readonly file: StoreFile<Chat>) {
    this.index();
  }

  static async open(path: string): Promise<ChatFile> {
    return new ChatFile(await StoreFile.open(path, chatSchema, { linkAttempts: [], staffActions: [] }));
  }

  linkAttempt(account: string): LinkAttempt | undefined {
    return this.attempts.get(account);
  }

  staffActions(since = ''): StaffAction[] {
    return this.file.data.staffActions.filter((action) => action.at >= since);
  }

  apply(attempts: LinkAttempt[], actions: StaffAction[]): void {
    upsert(this.file.data.linkAttempts, attempts, (attempt) => attempt.account);
    for (const attempt of attempts) this.attempts.set(attempt.account, attempt);
    this.file.data.staffActions.push(...actions);
  }

  private index(): void {
    this.attempts.clear();
    for (const attempt of this.file.data.linkAttempts) this.attempts.set(attempt.account, attempt);
  }
}

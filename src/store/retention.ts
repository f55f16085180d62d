import type { Store } from './store.js';
import { DAY_MS } from '../time.js';

/**
 * How long what is only kept for a while stays. Inbound records serve duplicates and the
 * per-sender limits (a week at most); link records, lockouts and wrong codes (a day); staff
 * actions are the support team's record of what it did, and stay longer.
 */
export const RETENTION_DAYS = { inbound: 30, linkAttempts: 30, staffActions: 180 } as const;

/** Forgets what is past its retention; run once a day and at start-up. */
export async function forgetOld(store: Store, now: Date): Promise<void> {
  const ago = (days: number) => new Date(now.getTime() - days * DAY_MS).toISOString();
  await store.forget({
    inbound: ago(RETENTION_DAYS.inbound),
    staffActions: ago(RETENTION_DAYS.staffActions),
    linkAttempts: ago(RETENTION_DAYS.linkAttempts),
    receipts: now.toISOString(),
  });
}

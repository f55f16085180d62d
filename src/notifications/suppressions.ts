import type { Logger } from '../log.js';
import type { Store, Suppression } from '../store/store.js';

/**
 * Staff lift an address's suppression: mail goes to it again, the customer having said it works.
 * Resolves with what was lifted, or undefined when the address was not suppressed.
 */
export async function liftSuppression(store: Store, log: Logger, address: string, by: string): Promise<Suppression | undefined> {
  const key = address.trim().toLowerCase();
  const lifted = await store.updateSuppression(key, (found) => ({ suppression: null, result: found }));
  if (lifted) log.info({ event: 'suppression.lifted', address: key, by, since: lifted.since }, 'suppression lifted by staff: mail goes to this address again');
  return lifted;
}

/**
 * An address proved it receives mail: what Facteur sent it at `sentAt` (an ISO time) came back
 * — a code given back, a reply to that very mail — which only its mailbox could do. Its
 * suppression is lifted when it is older than that mail: a mail that bounced itself proves
 * nothing. `detail` says what proved it, for the log. Resolves with whether one was lifted.
 */
export async function liftProven(
  store: Pick<Store, 'updateSuppression'>,
  log: Logger,
  address: string,
  sentAt: string,
  detail: Record<string, unknown>,
): Promise<boolean> {
  const key = address.toLowerCase();
  const lifted = await store.updateSuppression(key, (found) =>
    found && found.since < sentAt ? { suppression: null, result: true } : { suppression: found ?? null, result: false },
  );
  if (lifted)
    log.info({ event: 'suppression.lifted', address: key, by: 'proof', ...detail }, 'a bouncing address received mail sent to it: mail goes to it again');
  return lifted;
}

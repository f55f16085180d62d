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

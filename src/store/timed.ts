import { publish, secondsSince } from '../observe.js';
import type { Store } from './store.js';

/** The store's methods that write: each is timed, whichever store is behind. */
const WRITES = new Set<PropertyKey>([
  'save',
  'updateCustomer',
  'updateInvoice',
  'updateLinkAttempt',
  'updateHeldRequest',
  'updateDelivery',
  'updateInbound',
  'updateSuppression',
  'forget',
]);

/**
 * The same store, with the time of every write published (`storeWrite`) for the metrics:
 * timed here once rather than inside each store, so that lowdb and PostgreSQL are measured alike.
 */
export function timedStore(store: Store): Store {
  return new Proxy(store, {
    get(target, property) {
      const value: unknown = Reflect.get(target, property, target);
      if (typeof value !== 'function') return value;
      const method = (value as (...args: unknown[]) => unknown).bind(target);
      if (!WRITES.has(property)) return method;
      return async (...args: unknown[]) => {
        const started = performance.now();
        try {
          return await method(...args);
        } finally {
          publish('storeWrite', { operation: String(property), seconds: secondsSince(started) });
        }
      };
    },
  });
}

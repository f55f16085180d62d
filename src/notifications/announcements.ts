import type { Store } from '../store/store.js';

/**
 * The first time Facteur meets a store, every invoice already in it counts as announced:
 * switching Facteur on must not mail a customer years of old invoices. Only invoices that
 * arrive afterwards (imported) are pushed.
 */
export async function countExistingAsAnnounced(store: Store, now: Date): Promise<void> {
  if ((await store.announcingSince()) !== null) return;
  const existing = (await store.unannouncedInvoices()).map((invoice) => invoice.number);
  await store.save({ announced: existing, announcingSince: now.toISOString() });
}

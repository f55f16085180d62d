import type { CarriedFile } from '../billing/files.js';
import type { Store } from '../store/store.js';

/** The link a ZIP was downloaded through: its id, and the customer and invoices its token names. */
export interface DownloadedLink {
  id: string;
  customerId: string;
  invoices: string[];
}

/**
 * Records the files a download link gave on the delivery that carried the link, as the files
 * a message carries are (by their SHA-256, each marked with the link's id), so that a copy of
 * any of them is found later (`facteur verify`) however the invoice has changed since. The
 * ZIP is made when it is downloaded, of the invoices as they are then: each download adds the
 * files not yet on record. Resolves with the delivery's id, or null when none carried the link.
 */
export async function recordDownloaded(
  store: Pick<Store, 'deliveries' | 'updateDelivery'>,
  link: DownloadedLink,
  files: CarriedFile[],
): Promise<string | null> {
  // Looked up by what the token names (indexed), then by the link's id.
  const [carrier] = (await store.deliveries({ customerId: link.customerId, invoice: link.invoices[0]! })).filter((delivery) =>
    delivery.links?.some((one) => one.id === link.id),
  );
  if (!carrier) return null;
  await store.updateDelivery(carrier.id, (delivery) => {
    const known = new Set((delivery.files ?? []).map((file) => `${file.sha256} ${file.name} ${file.link ?? ''}`));
    const added = files.map((file) => ({ ...file, link: link.id })).filter((file) => !known.has(`${file.sha256} ${file.name} ${file.link}`));
    return added.length === 0 ? delivery : { ...delivery, files: [...(delivery.files ?? []), ...added] };
  });
  return carrier.id;
}

import { formatMegabytes } from '../billing/money.js';
import type { Locale } from '../billing/types.js';
import type { Attachment } from '../documents/attachment.js';
import type { IssuedLink, LinkMaker } from './links.js';
import type { DeliveryLink } from '../billing/delivery.js';
import type { Catalog } from '../templates/catalog.js';

/** A download link offered in a reply: the link, and the sentence before it (the URL is the channel's to lay out). */
export interface OfferedLink {
  link: IssuedLink;
  sentence: string;
}

/**
 * The reply's files as a channel that carries at most `limit` bytes a message sends them:
 * each ZIP over the limit becomes a download link when the channel was handed a link maker
 * (PUBLIC_URL set, the HTTP server on), instead of being split over several messages. The
 * files that still go as files are returned with the links. Without a link maker, or for a
 * ZIP naming too many invoices for a link, the files are as they were (and split later).
 */
export function offerLinks(
  attachments: Attachment[],
  limit: number,
  maker: LinkMaker | null,
  catalog: Catalog,
  locale: Locale,
): { files: Attachment[]; links: OfferedLink[] } {
  if (!maker) return { files: attachments, links: [] };
  const files: Attachment[] = [];
  const links: OfferedLink[] = [];
  for (const attachment of attachments) {
    const link = attachment.size > limit && attachment.holds ? maker.make(attachment.holds.customerId, attachment.holds.invoices) : null;
    if (!link) {
      files.push(attachment);
      continue;
    }
    const sentence = catalog.t(locale, 'download.offer', {
      filename: attachment.filename,
      size: formatMegabytes(attachment.size, locale),
      date: link.expiresOn,
    });
    links.push({ link, sentence });
  }
  return { files, links };
}

/** The links as the delivery log records them: id, expiry, invoices; never the URL, whose token is the credential. */
export function deliveryLinks(offered: OfferedLink[]): DeliveryLink[] {
  return offered.map(({ link }) => ({ id: link.id, expiresAt: link.expiresAt, invoices: link.invoices }));
}

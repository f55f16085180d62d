import type { Reply } from '../../assistant/reply.js';
import { formatDecimal } from '../../billing/money.js';
import type { LinkMaker } from '../../download-links/links.js';
import type { OutboundMail } from '../../outbound/mail.js';
import type { DeliveryLink } from '../../billing/delivery.js';
import type { Catalog } from '../../templates/catalog.js';
import { paragraphs, payBlock, type Block } from '../../outbound/letter.js';
import { deliveryLinks, offerLinks } from '../../download-links/offer.js';
import { listHints, replyBlocks } from './letter.js';
import { packAttachments } from '../../outbound/fit.js';
import type { InboundMail } from './read.js';
import { replySubject, threadHeaders } from './thread.js';

/**
 * The mails that carry `reply` to `to`, in the thread of `mail`: one, or several marked
 * (1/3), (2/3)... when the files exceed the size limit; a file too large for any mail is
 * left out and the first mail says so. With a link maker, a ZIP over the limit is a
 * download link in the first mail instead (`links`, for its delivery record). Each is a
 * letter worded from the templates (under a list, the sentences to reply with), and says it
 * is an automatic answer (RFC 3834) so that other robots do not answer it back.
 */
export async function composeReplies(
  reply: Reply,
  mail: InboundMail,
  to: string,
  catalog: Catalog,
  sizeLimitBytes: number,
  links: LinkMaker | null,
): Promise<{ mails: OutboundMail[]; links: DeliveryLink[] }> {
  const t = (key: string, params?: Record<string, number>) => catalog.t(reply.locale, key, params);
  const offered = offerLinks(reply.attachments, sizeLimitBytes, links, catalog, reply.locale);
  const { mails: groups, tooLarge } = await packAttachments(offered.files, sizeLimitBytes);
  const subject = replySubject(mail.subject, t('email.subject'));
  const signature = t('mail.signature');
  const size = formatDecimal(sizeLimitBytes / (1024 * 1024), reply.locale);
  const refused = tooLarge.map((file) => catalog.t(reply.locale, 'email.tooLarge', { filename: file.filename, size }));
  const mails = groups.map((attachments, index): OutboundMail => {
    const part = { part: index + 1, parts: groups.length };
    const note = groups.length > 1 ? [t('email.part', part)] : [];
    const first = index === 0;
    // The links come right after the reply's own words (« Voici 24 factures dans … »), before what is said of the files.
    const blocks: Block[] = [
      ...(first ? replyBlocks(reply) : []),
      ...(first ? offered.links.map(({ sentence, link }) => ({ link: { sentence, url: link.url } })) : []),
      ...(first ? (reply.pay ?? []).map((link) => payBlock(link, (host) => catalog.t(reply.locale, 'pay.where', { host }))) : []),
      ...paragraphs(...(first ? refused : []), ...note),
      ...(first && reply.listed ? listHints(catalog, reply.locale, reply.listed) : []),
    ];
    return {
      to,
      subject: groups.length > 1 ? `${subject} (${part.part}/${part.parts})` : subject,
      letter: { locale: reply.locale, blocks, signature },
      attachments,
      ...threadHeaders(mail),
      headers: { 'Auto-Submitted': 'auto-replied', 'X-Auto-Response-Suppress': 'All' },
    };
  });
  return { mails, links: deliveryLinks(offered.links) };
}

/**
 * The same answer without its files, for a server that refused it for their size (see
 * sendOrWithoutFiles): its words, then why the files are not there and how to get them.
 */
export function withoutFiles(mail: OutboundMail, catalog: Catalog): OutboundMail {
  if (!('letter' in mail)) return { ...mail, attachments: [] };
  const { locale } = mail.letter;
  const invoices = (mail.attachments ?? []).flatMap((attachment) => attachment.files).flatMap((file) => file.invoice ?? []);
  const said = paragraphs(
    catalog.t(locale, 'push.refused'),
    catalog.t(locale, 'email.refused', { count: Math.max(1, invoices.length), number: invoices[0] ?? '' }),
  );
  return { ...mail, attachments: [], letter: { ...mail.letter, blocks: [...mail.letter.blocks, ...said] } };
}

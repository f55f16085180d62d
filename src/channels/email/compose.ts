import type { Reply } from '../../assistant/reply.js';
import { formatDecimal } from '../../billing/money.js';
import type { LinkMaker } from '../../links/links.js';
import type { OutboundMail } from '../../outbound/mail.js';
import type { DeliveryLink } from '../../store/delivery.js';
import type { Catalog } from '../../templates/catalog.js';
import { deliveryLinks, offerLinks, type OfferedLink } from '../links.js';
import { renderText } from '../text.js';
import { escapeHtml, renderHtml } from './html.js';
import { packAttachments } from './parts.js';
import type { InboundMail } from './read.js';
import { replySubject, threadHeaders } from './thread.js';

/**
 * The mails that carry `reply` to `to`, in the thread of `mail`: one, or several marked
 * (1/3), (2/3)... when the files exceed the size limit; a file too large for any mail is
 * left out and the first mail says so. With a link maker, a ZIP over the limit is a
 * download link in the first mail instead (`links`, for its delivery record). Each has a
 * text and an HTML part worded from the templates, and says it is an automatic answer
 * (RFC 3834) so that other robots do not answer it back.
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
  const mails = groups.map((attachments, index) => {
    const part = { part: index + 1, parts: groups.length };
    const note = groups.length > 1 ? [t('email.part', part)] : [];
    const first = index === 0;
    // The links come right after the reply's own words (« Voici 24 factures dans … »), before what is said of the files.
    const before: Reply = first ? reply : { locale: reply.locale, outcome: reply.outcome, text: [], attachments: [] };
    const after: Reply = { locale: reply.locale, outcome: reply.outcome, text: [...(first ? refused : []), ...note], attachments: [] };
    const shown = first ? offered.links : [];
    const text = [renderText(before), ...shown.map(({ sentence, link }) => `${sentence}\n${link.url}`), renderText(after)].filter((piece) => piece !== '');
    const html = [renderHtml(before), ...shown.map(linkHtml), renderHtml(after)].filter((piece) => piece !== '');
    return {
      to,
      subject: groups.length > 1 ? `${subject} (${part.part}/${part.parts})` : subject,
      text: `${text.join('\n\n')}\n\n${signature}`,
      html: catalog.t(reply.locale, 'email.html', { body: html.join('\n'), signature: escapeHtml(signature) }),
      attachments,
      ...threadHeaders(mail),
      headers: { 'Auto-Submitted': 'auto-replied', 'X-Auto-Response-Suppress': 'All' },
    };
  });
  return { mails, links: deliveryLinks(offered.links) };
}

/** The sentence, then the link written out as its own text, so that what the customer clicks is what they read. */
function linkHtml({ sentence, link }: OfferedLink): string {
  const url = escapeHtml(link.url);
  return `<p>${escapeHtml(sentence)}<br><a href="${url}">${url}</a></p>`;
}

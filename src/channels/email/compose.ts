import type { Reply } from '../../assistant/reply.js';
import { formatDecimal } from '../../billing/money.js';
import type { OutboundMail } from '../../outbound/mail.js';
import type { Catalog } from '../../templates/catalog.js';
import { renderText } from '../text.js';
import { escapeHtml, renderHtml } from './html.js';
import { packAttachments } from './parts.js';
import type { InboundMail } from './read.js';
import { replySubject, threadHeaders } from './thread.js';

/**
 * The mails that carry `reply` to `to`, in the thread of `mail`: one, or several marked
 * (1/3), (2/3)... when the files exceed the size limit; a file too large for any mail is
 * left out and the first mail says so. Each has a text and an HTML part
 * worded from the templates, and says it is an automatic answer (RFC 3834) so that other
 * robots do not answer it back.
 */
export async function composeReplies(reply: Reply, mail: InboundMail, to: string, catalog: Catalog, sizeLimitBytes: number): Promise<OutboundMail[]> {
  const t = (key: string, params?: Record<string, number>) => catalog.t(reply.locale, key, params);
  const { mails: groups, tooLarge } = await packAttachments(reply.attachments, sizeLimitBytes);
  const subject = replySubject(mail.subject, t('email.subject'));
  const signature = t('mail.signature');
  const size = formatDecimal(sizeLimitBytes / (1024 * 1024), reply.locale);
  const refused = tooLarge.map((file) => catalog.t(reply.locale, 'email.tooLarge', { filename: file.filename, size }));
  return groups.map((attachments, index) => {
    const part = { part: index + 1, parts: groups.length };
    const note = groups.length > 1 ? [t('email.part', part)] : [];
    const body: Reply = index === 0 ? { ...reply, text: [...reply.text, ...refused, ...note] } : { locale: reply.locale, outcome: reply.outcome, text: note, attachments: [] };
    return {
      to,
      subject: groups.length > 1 ? `${subject} (${part.part}/${part.parts})` : subject,
      text: `${renderText(body)}\n\n${signature}`,
      html: catalog.t(reply.locale, 'email.html', { body: renderHtml(body), signature: escapeHtml(signature) }),
      attachments,
      ...threadHeaders(mail),
      headers: { 'Auto-Submitted': 'auto-replied', 'X-Auto-Response-Suppress': 'All' },
    };
  });
}

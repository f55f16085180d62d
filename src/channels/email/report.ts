import mailsplit from '@zone-eu/mailsplit';
import type { Attachment } from 'mailparser';
import type { BounceReport, ReportedRecipient } from '../../notifications/bounces.js';
import { tokensIn } from '../../outbound/verp.js';
import { MAX_MESSAGE_BYTES } from './read.js';

/**
 * Recipient blocks read of one report at most: with VERP a report is about one recipient, a
 * relay's may list a few; a report listing thousands costs no more than this.
 */
const MAX_RECIPIENTS = 50;
/** A field longer than this is cut: a diagnostic is a line or two. */
const MAX_FIELD = 500;
/** Headers that may echo the return path a report was sent to. */
const ENVELOPE_HEADERS = ['to', 'x-original-to', 'delivered-to'];

/**
 * Reads a delivery report (RFC 3464 `multipart/report; report-type=delivery-status`, or RFC
 * 6533's global form) or a feedback report (RFC 5965, `report-type=feedback-report`), or null
 * for any other message. mailparser gives the parts (`keepDeliveryStatus` keeps the status part
 * as one); each block of fields is an RFC 5322 header block, read by mailsplit's Headers, the
 * parser mailparser itself uses. No npm package reads these reports' fields as the RFCs write
 * them (the bounce parsers there guess from the text of common servers' bounces).
 */
export async function readReport(raw: Buffer): Promise<BounceReport | null> {
  // Loaded with the first report, as read.ts does for the first message: a service at rest holds no mail parser.
  const { simpleParser } = await import('mailparser');
  const parsed = await simpleParser(raw.subarray(0, MAX_MESSAGE_BYTES), {
    keepDeliveryStatus: true,
    skipHtmlToText: true,
    skipTextToHtml: true,
    skipTextLinks: true,
    skipImageLinks: true,
  });
  const contentType = parsed.headers.get('content-type') as { value?: string; params?: Record<string, string> } | undefined;
  if (contentType?.value !== 'multipart/report') return null;
  const reportType = contentType.params?.['report-type']?.toLowerCase();
  const part = (types: string[]) => parsed.attachments.find((attachment) => types.includes(attachment.contentType.toLowerCase()));
  const returned = returnedHeaders(part(['message/rfc822', 'text/rfc822-headers', 'message/global', 'message/global-headers']));
  const envelope = parsed.headerLines.filter(({ key }) => ENVELOPE_HEADERS.includes(key)).map(({ line }) => line);
  if (reportType === 'delivery-status' || reportType === 'global-delivery-status') {
    const status = part(['message/delivery-status', 'message/global-delivery-status']);
    if (!status) return null;
    const [perMessage, ...perRecipient] = blocks(status.content);
    return {
      type: 'delivery-status',
      tokens: unique([...envelope, perMessage?.getFirst('x-postfix-sender') ?? '', returned?.getFirst('return-path') ?? ''].flatMap((text) => tokensIn(text))),
      returnedMessageId: messageIdOf(returned),
      recipients: perRecipient.slice(0, MAX_RECIPIENTS).map(recipientOf),
      feedbackType: null,
    };
  }
  if (reportType === 'feedback-report') {
    const feedback = part(['message/feedback-report']);
    const [fields] = feedback ? blocks(feedback.content) : [];
    if (!fields) return null;
    const rcpt = address(fields.getFirst('original-rcpt-to'));
    return {
      type: 'feedback',
      tokens: unique([...envelope, fields.getFirst('original-mail-from'), returned?.getFirst('return-path') ?? ''].flatMap((text) => tokensIn(text))),
      returnedMessageId: messageIdOf(returned),
      recipients: rcpt ? [{ address: rcpt, original: null, action: 'delivered', status: '', diagnostic: '' }] : [],
      feedbackType: cut(fields.getFirst('feedback-type')).toLowerCase() || null,
    };
  }
  return null;
}

/** The blocks of fields of a status or feedback part, split at blank lines. */
function blocks(content: Buffer): InstanceType<typeof mailsplit.Headers>[] {
  return content
    .toString('utf8')
    .split(/\r?\n[ \t]*\r?\n/)
    .filter((block) => block.trim() !== '')
    .slice(0, MAX_RECIPIENTS + 1)
    .map((block) => new mailsplit.Headers(Buffer.from(`${block.trim()}\r\n\r\n`)));
}

function recipientOf(fields: InstanceType<typeof mailsplit.Headers>): ReportedRecipient {
  return {
    address: address(fields.getFirst('final-recipient')),
    original: address(fields.getFirst('original-recipient')),
    action: cut(fields.getFirst('action')).toLowerCase(),
    status: /\d\.\d{1,3}\.\d{1,3}/.exec(fields.getFirst('status'))?.[0] ?? '',
    diagnostic: cut(fields.getFirst('diagnostic-code').replace(/^[\w-]+;\s*/, '')),
  };
}

/** The headers of the returned message (the whole message, or its headers alone). */
function returnedHeaders(attachment: Attachment | undefined): InstanceType<typeof mailsplit.Headers> | null {
  if (!attachment) return null;
  const text = attachment.content.toString('utf8');
  const end = text.search(/\r?\n\r?\n/);
  return new mailsplit.Headers(Buffer.from(`${(end < 0 ? text : text.slice(0, end)).slice(0, 64 * 1024)}\r\n\r\n`));
}

function messageIdOf(headers: InstanceType<typeof mailsplit.Headers> | null): string | null {
  return /<[^<>\s]+>/.exec(headers?.getFirst('message-id') ?? '')?.[0] ?? null;
}

/** `rfc822; Awa@Example.cm` as `awa@example.cm`; null for none. */
function address(field: string): string | null {
  const value = field
    .replace(/^[\w-]+;\s*/, '')
    .replace(/^<|>$/g, '')
    .trim()
    .toLowerCase();
  return /^[^@\s]+@[^@\s]+$/.test(value) ? value.slice(0, MAX_FIELD) : null;
}

function cut(text: string): string {
  return text.trim().slice(0, MAX_FIELD);
}

function unique(items: string[]): string[] {
  return [...new Set(items)];
}

import addressparser from 'nodemailer/lib/addressparser';
import { z } from 'zod';
import type { AttachedFile } from '../../assistant/actions/verify.js';
import { MAX_SUBJECT } from './subject.js';

/**
 * Bytes of a message read at most. The request is in its first lines; a customer's
 * 20 MB scan attached below them need not be downloaded, nor held in memory.
 */
export const MAX_MESSAGE_BYTES = 1024 * 1024;

/** An inbound message as the mail channel needs it, whatever library read it. */
export interface InboundMail {
  messageId: string | null;
  /** The one From address, lower case. */
  sender: string;
  subject: string;
  /**
   * What a reader sees of the body: the HTML part's visible text when there is one (mail
   * clients show it, not the text alternative beside it, which may say something else), or
   * else the text part, in both cases without the characters that show nothing.
   */
  text: string;
  /** What the body holds that a reader cannot see (see `whatIsSeen`), never read as a request. */
  hidden: string;
  inReplyTo: string | null;
  /** The thread's earlier Message-IDs, oldest first. */
  references: string[];
  /** The top-level media type in lower case: `multipart/report` for a delivery report. */
  contentType: string;
  /** Every header by lower-case name, values unfolded, in the order they appear. */
  headers: Map<string, string[]>;
  /**
   * The PDFs it carries, for a customer asking whether one is genuine: their bytes, or null for
   * one that may be cut short (the message was longer than what is read of it).
   */
  pdfs: AttachedFile[];
}

/** A message that cannot be handled at all; it goes to the Failed folder with this reason. */
export class UnreadableMail extends Error {
  override name = 'UnreadableMail';
}

/**
 * The rest of a message whose start only was read, up to `maxBytes`: how a watcher fetches a
 * customer's PDF to be checked, which the first MAX_MESSAGE_BYTES may have cut.
 */
export type MoreOfMessage = (maxBytes: number) => Promise<Buffer>;

/**
 * Reads a raw message. mailparser accepts nearly anything, so what makes a message
 * unreadable is decided here: without exactly one sender, read one way only, there is
 * nobody to recognise and nobody to answer.
 */
export async function readMail(raw: Buffer, maxBytes = MAX_MESSAGE_BYTES): Promise<InboundMail> {
  const options = { skipHtmlToText: true, skipTextToHtml: true, skipTextLinks: true, skipImageLinks: true };
  // mailparser and the HTML reader (parse5, css-tree…: ~20 MB) are loaded with the first message, not by a service that waits for one.
  const [{ simpleParser }, seen] = await Promise.all([import('mailparser'), import('./seen.js')]);
  const parsed = await simpleParser(raw.subarray(0, maxBytes), options).catch((error: Error) => {
    throw new UnreadableMail(`not a readable MIME message (${error.message})`);
  });
  const headers = new Map<string, string[]>();
  for (const { key, line } of parsed.headerLines) {
    const value = line
      .slice(line.indexOf(':') + 1)
      .replace(/\r?\n[ \t]+/g, ' ')
      .trim();
    headers.set(key, [...(headers.get(key) ?? []), value]);
  }
  return {
    messageId: messageIds(parsed.messageId)[0] ?? null,
    sender: senderOf(headers.get('from') ?? []),
    // Nobody writes a subject longer than this; what is read of a message stays bounded, whatever it holds.
    subject: (parsed.subject ?? '').slice(0, MAX_SUBJECT),
    ...body(seen, parsed.html, parsed.text),
    inReplyTo: messageIds(parsed.inReplyTo)[0] ?? null,
    references: messageIds(parsed.references),
    contentType: headers.get('content-type')?.[0]?.split(';')[0]?.trim().toLowerCase() || 'text/plain',
    headers,
    pdfs: parsed.attachments
      .filter((attachment) => attachment.contentType === 'application/pdf' || /\.pdf$/i.test(attachment.filename ?? ''))
      .map((attachment, i) => ({
        name: attachment.filename ?? `document-${i + 1}.pdf`,
        size: attachment.size,
        bytes: raw.length >= maxBytes ? null : attachment.content,
      })),
  };
}

/** The body as a reader sees it: the HTML part's visible text, or else the text part. */
function body(reader: typeof import('./seen.js'), html: string | false | undefined, text: string | undefined): { text: string; hidden: string } {
  const seen = typeof html === 'string' ? reader.whatIsSeen(html) : reader.asSeen(text ?? '');
  return { text: seen.visible, hidden: seen.hidden };
}

/** A From header longer than this is no person's name and address, and is not read (nor repeated in a reason). */
const MAX_FROM_LENGTH = 500;

/**
 * The one address of the From header as written, before any decoding. Whatever another
 * program might read differently is refused rather than guessed at: a second From header
 * (one mail client shows the first, a filter checks the last), several mailboxes or a
 * group, an encoded word standing for the address (`<=?utf-8?q?awa=40example.cm?=>`, which
 * decoding would turn into someone's address), and an address beside another one in
 * the display name (`awa@example.cm <evil@x.test>`).
 */
function senderOf(values: string[]): string {
  if (values.length === 0) throw new UnreadableMail('no sender address (From)');
  if (values.length > 1) throw new UnreadableMail(`${values.length} From headers`);
  const value = values[0]!;
  if (value.length > MAX_FROM_LENGTH) throw new UnreadableMail(`a From header of ${value.length} characters`);
  const entries = addressparser(value);
  const [entry] = entries;
  if (entries.length !== 1 || entry === undefined)
    throw new UnreadableMail(entries.length === 0 ? 'no sender address (From)' : `not exactly one sender address (From: ${value})`);
  if (entry.group) throw new UnreadableMail(`a group in From (${value})`);
  const address = entry.address.trim().toLowerCase();
  if (address.includes('=?')) throw new UnreadableMail(`an encoded word as the sender's address (From: ${value})`);
  if (!z.email().safeParse(address).success) throw new UnreadableMail(`not a valid sender address (From: ${value})`);
  const bare = withoutQuotesAndComments(value);
  if ((bare.match(/@/g) ?? []).length !== 1 || (bare.match(/</g) ?? []).length > 1) throw new UnreadableMail(`more than one address in From (${value})`);
  return address;
}

/** A header value without its quoted strings and comments, where an `@` or a `<` is only a display name's. */
function withoutQuotesAndComments(value: string): string {
  let text = '';
  let depth = 0;
  let quoted = false;
  for (let i = 0; i < value.length; i++) {
    const char = value[i]!;
    if (char === '\\' && (quoted || depth > 0)) i++;
    else if (quoted) quoted = char !== '"';
    else if (char === '(') depth++;
    else if (char === ')' && depth > 0) depth--;
    else if (depth > 0) continue;
    else if (char === '"') quoted = true;
    else text += char;
  }
  return text;
}

/** The `<id>` tokens of a Message-ID, In-Reply-To or References header. */
function messageIds(value: string | string[] | undefined): string[] {
  const text = Array.isArray(value) ? value.join(' ') : (value ?? '');
  return [...text.matchAll(/<[^<>\s]+>/g)].map(([id]) => id);
}

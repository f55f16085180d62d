import { simpleParser, type AddressObject } from 'mailparser';
import { z } from 'zod';

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
  /** The text part, or the HTML part turned to text when there is no text part. */
  text: string;
  inReplyTo: string | null;
  /** The thread's earlier Message-IDs, oldest first. */
  references: string[];
  /** The top-level media type in lower case: `multipart/report` for a delivery report. */
  contentType: string;
  /** Every header by lower-case name, values unfolded, in the order they appear. */
  headers: Map<string, string[]>;
}

/** A message that cannot be handled at all; it goes to the Failed folder with this reason. */
export class UnreadableMail extends Error {
  override name = 'UnreadableMail';
}

/**
 * Reads a raw message. mailparser accepts nearly anything, so what makes a message
 * unreadable is decided here: without exactly one valid From address there is nobody
 * to recognise and nobody to answer.
 */
export async function readMail(raw: Buffer): Promise<InboundMail> {
  const options = { skipTextToHtml: true, skipTextLinks: true, skipImageLinks: true };
  const parsed = await simpleParser(raw.subarray(0, MAX_MESSAGE_BYTES), options).catch((error: Error) => {
    throw new UnreadableMail(`not a readable MIME message (${error.message})`);
  });
  const from = addresses(parsed.from);
  const sender = from[0];
  if (from.length !== 1 || sender === undefined || !z.email().safeParse(sender).success) {
    throw new UnreadableMail(from.length === 0 ? 'no sender address (From)' : `not exactly one valid sender address (From: ${from.join(', ')})`);
  }
  const headers = new Map<string, string[]>();
  for (const { key, line } of parsed.headerLines) {
    const value = line.slice(line.indexOf(':') + 1).replace(/\r?\n[ \t]+/g, ' ').trim();
    headers.set(key, [...(headers.get(key) ?? []), value]);
  }
  return {
    messageId: messageIds(parsed.messageId)[0] ?? null,
    sender,
    subject: parsed.subject ?? '',
    text: parsed.text ?? '',
    inReplyTo: messageIds(parsed.inReplyTo)[0] ?? null,
    references: messageIds(parsed.references),
    contentType: headers.get('content-type')?.[0]?.split(';')[0]?.trim().toLowerCase() || 'text/plain',
    headers,
  };
}

function addresses(from: AddressObject | AddressObject[] | undefined): string[] {
  const objects = from === undefined ? [] : Array.isArray(from) ? from : [from];
  return objects.flatMap((object) => object.value).flatMap((address) => (address.address ? [address.address.trim().toLowerCase()] : []));
}

/** The `<id>` tokens of a Message-ID, In-Reply-To or References header. */
function messageIds(value: string | string[] | undefined): string[] {
  const text = Array.isArray(value) ? value.join(' ') : (value ?? '');
  return [...text.matchAll(/<[^<>\s]+>/g)].map(([id]) => id);
}

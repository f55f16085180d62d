import type { Attachment } from '../documents/attachment.js';

/** The reply's files as a channel carrying at most `limit` bytes a message needs them: a ZIP that can be split is, into ZIPs within the limit. */
export async function splitToFit(attachments: Attachment[], limit: number): Promise<Attachment[]> {
  const files: Attachment[] = [];
  for (const attachment of attachments) files.push(...(attachment.size > limit && attachment.split ? await attachment.split(limit) : [attachment]));
  return files;
}

/**
 * Files in order, grouped into messages of at most `limit` bytes and `maxFiles` files. A
 * file larger than `limit` by itself fits no message: it is set apart in `tooLarge`, for
 * the channel to say so rather than send what the other end would refuse.
 */
export function groupBySize<T>(files: readonly T[], sizeOf: (file: T) => number, limit: number, maxFiles = Infinity): { groups: T[][]; tooLarge: T[] } {
  const groups: T[][] = [];
  const tooLarge: T[] = [];
  let current: T[] = [];
  let total = 0;
  for (const file of files) {
    const size = sizeOf(file);
    if (size > limit) {
      tooLarge.push(file);
      continue;
    }
    if (current.length > 0 && (current.length >= maxFiles || total + size > limit)) {
      groups.push(current);
      current = [];
      total = 0;
    }
    current.push(file);
    total += size;
  }
  if (current.length > 0) groups.push(current);
  return { groups, tooLarge };
}

/**
 * A reply's files grouped into mails that each stay within `limitBytes` (before
 * encoding): a ZIP too large is split first, then the files are packed in order. A file
 * that fits no mail, even alone, is left out and named in `tooLarge`. A reply without
 * files is one mail without files.
 */
export async function packAttachments(attachments: Attachment[], limitBytes: number): Promise<{ mails: Attachment[][]; tooLarge: Attachment[] }> {
  const { groups, tooLarge } = groupBySize(await splitToFit(attachments, limitBytes), (file) => file.size, limitBytes);
  return { mails: groups.length > 0 ? groups : [[]], tooLarge };
}

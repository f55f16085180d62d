import type { Attachment } from '../../documents/attachment.js';
import { groupBySize, splitToFit } from '../files.js';

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

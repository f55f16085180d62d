import type { Attachment } from '../../assistant/reply.js';

/**
 * A reply's files grouped into mails that each stay within `limitBytes` (before
 * encoding): a ZIP that can split itself is split first, then the files are packed in
 * order. A file whose size is unknown until it is written (a ZIP part) travels alone.
 * A reply without files is one mail without files.
 */
export async function packAttachments(attachments: Attachment[], limitBytes: number): Promise<Attachment[][]> {
  const files: Attachment[] = [];
  for (const attachment of attachments) files.push(...(attachment.split ? await attachment.split(limitBytes) : [attachment]));
  const mails: Attachment[][] = [];
  let current: Attachment[] = [];
  let total = 0;
  for (const file of files) {
    const size = file.size ?? limitBytes;
    if (current.length > 0 && total + size > limitBytes) {
      mails.push(current);
      current = [];
      total = 0;
    }
    current.push(file);
    total += size;
  }
  mails.push(current);
  return mails;
}

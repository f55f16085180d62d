import { createWriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { Attachment } from '../assistant/reply.js';

/** Writes a reply's files into `dir` (streamed, so a large ZIP never sits in memory) and returns their paths. */
export async function saveAttachments(attachments: Attachment[], dir: string): Promise<string[]> {
  await mkdir(dir, { recursive: true });
  const paths: string[] = [];
  for (const attachment of attachments) {
    const target = path.join(dir, path.basename(attachment.filename));
    await pipeline(await attachment.open(), createWriteStream(target));
    paths.push(target);
  }
  return paths;
}

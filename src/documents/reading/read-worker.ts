import { parentPort } from 'node:worker_threads';
import { constants, inflateSync } from 'node:zlib';
import { getDocument } from 'pdfjs-dist/legacy/build/pdf.mjs';
import type { TextItem } from 'pdfjs-dist/types/src/display/api.js';

/**
 * A thread of the PDF reader (see reader.ts): reads the text of each PDF it is sent with
 * pdf.js, one at a time, and sends back the text or why it could not. Whatever a hostile file
 * makes pdf.js do happens here, where the reader's time limit and heap limit end it.
 */
if (!parentPort) throw new Error('read-worker runs as a worker thread of the PDF reader');
const port = parentPort;

export interface ReadTask {
  bytes: Uint8Array;
  /** Pages read at most: an invoice has a few, a hostile file thousands. */
  maxPages: number;
  /** Characters kept at most. */
  maxChars: number;
}

export type ReadReply = { pages: number; text: string } | { problem: string } | { ready: true };

port.on('message', (task: ReadTask) => {
  read(task).then(
    (text) => port.postMessage(text),
    (error: unknown) => port.postMessage({ problem: (error as Error)?.message ?? String(error) }),
  );
});

// pdf.js is loaded: the reader's time limit counts from each file's arrival, not the thread's start.
port.postMessage({ ready: true });

async function read({ bytes, maxPages, maxChars }: ReadTask): Promise<ReadReply> {
  const inflated = inflatesPast(bytes, MAX_INFLATED);
  if (inflated) return { problem: inflated };
  // No code made from the file's fonts, no system font, no font face: text is all that is wanted.
  const pdf = await getDocument({ data: bytes, isEvalSupported: false, useSystemFonts: false, disableFontFace: true, verbosity: 0, stopAtErrors: false })
    .promise;
  try {
    let text = '';
    for (let n = 1; n <= Math.min(pdf.numPages, maxPages) && text.length < maxChars; n++) {
      const page = await pdf.getPage(n);
      const content = await page.getTextContent();
      text += `${lines(content.items.filter((item): item is TextItem => 'str' in item))}\n`;
      page.cleanup();
    }
    return { pages: pdf.numPages, text: text.slice(0, maxChars) };
  } finally {
    await pdf.destroy();
  }
}

/**
 * What a PDF's deflated streams may grow to, all together: fonts, a logo and the text of a few
 * pages take a few MB; a scanned page, some tens. pdf.js holds what it inflates outside the
 * heap its thread is capped at, so a stream inflating to gigabytes is refused before it reads it.
 */
const MAX_INFLATED = 64 * 1024 * 1024;

/**
 * Why the file's FlateDecode streams inflate past `budget` bytes, or null. Each is inflated by
 * zlib with its output capped at what is left of the budget, so that a decompression bomb
 * costs at most the budget and a fraction of a second; a stream zlib cannot read is left to pdf.js.
 */
function inflatesPast(bytes: Uint8Array, budget: number): string | null {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const text = buffer.toString('latin1');
  let left = budget;
  for (const match of text.matchAll(/(?<!end)stream\r?\n/g)) {
    const start = match.index + match[0].length;
    const head = text.slice(Math.max(0, match.index - 1024), match.index);
    if (!/\/(?:FlateDecode|Fl)\b/.test(head.slice(head.lastIndexOf('<<')))) continue;
    const end = text.indexOf('endstream', start);
    try {
      left -= inflateSync(buffer.subarray(start, end < 0 ? buffer.length : end), { maxOutputLength: left + 1, finishFlush: constants.Z_SYNC_FLUSH }).length;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE' || error instanceof RangeError) left = -1;
    }
    if (left < 0) return `its compressed streams inflate to more than ${budget / (1024 * 1024)} MB, more than any invoice holds`;
  }
  return null;
}

/**
 * A page's pieces of text as lines: a piece that pdf.js says ends a line, or one that starts
 * back to the left or on another line, starts a new one; a gap between two pieces of a line is a space.
 */
function lines(items: TextItem[]): string {
  let text = '';
  let previous: TextItem | undefined;
  for (const item of items) {
    if (previous) {
      const [x, y] = [item.transform[4] as number, item.transform[5] as number];
      const [px, py] = [previous.transform[4] as number, previous.transform[5] as number];
      const height = Math.abs(item.transform[3] as number) || 10;
      const newLine = previous.hasEOL || Math.abs(y - py) > height / 2 || x < px;
      if (newLine && !text.endsWith('\n')) text += '\n';
      else if (!newLine && x - (px + previous.width) > height / 5 && !/\s$/.test(text) && !/^\s/.test(item.str)) text += ' ';
    }
    text += item.str;
    previous = item;
  }
  return text;
}

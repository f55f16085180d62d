import { execFile } from 'node:child_process';
import { createRequire } from 'node:module';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { buffer } from 'node:stream/consumers';
import { promisify } from 'node:util';
import { getDocument } from 'pdfjs-dist/legacy/build/pdf.mjs';
import type { QRCode } from 'jsqr';
import yauzl from 'yauzl';

/** Reading back what Facteur sends, from the bytes, as a customer's PDF reader and unzip tool would. */

/**
 * The page's text as pdfjs extracts it from the bytes. French amounts and dates hold
 * no-break spaces (U+202F from Intl), which pdfjs reads as plain spaces, as it does U+00A0:
 * they are made plain spaces here in any case, so that expectations can be typed readably.
 */
export async function pdfText(bytes: Uint8Array): Promise<string> {
  return (await pdfExactText(bytes)).replace(/[\u202F\u00A0]/g, ' ');
}

/** The page's text as pdfjs extracts it, every character as the PDF's text layer says it. */
export async function pdfExactText(bytes: Uint8Array): Promise<string> {
  const pages = await pdfTextItems(bytes);
  return pages.map((items) => items.map((item) => item.text + (item.endOfLine ? '\n' : '')).join('')).join('\n');
}

export interface PdfTextItem {
  text: string;
  endOfLine: boolean;
  /** Where the text starts and ends on its page, in points from the left edge. */
  left: number;
  right: number;
  pageWidth: number;
}

/** Every piece of text of each page, with where it sits, as pdfjs reads them. */
export async function pdfTextItems(bytes: Uint8Array): Promise<PdfTextItem[][]> {
  const pdf = await getDocument({ data: new Uint8Array(bytes), verbosity: 0 }).promise;
  const pages: PdfTextItem[][] = [];
  for (let n = 1; n <= pdf.numPages; n++) {
    const page = await pdf.getPage(n);
    const pageWidth = page.view[2]! - page.view[0]!;
    const content = await page.getTextContent();
    pages.push(
      content.items.flatMap((item) =>
        'str' in item
          ? [{ text: item.str, endOfLine: item.hasEOL, left: item.transform[4] as number, right: (item.transform[4] as number) + item.width, pageWidth }]
          : [],
      ),
    );
  }
  await pdf.destroy();
  return pages;
}

/** The text of a PDF file as poppler's `pdftotext -raw` reads it (Debian's poppler-utils): in the order it was drawn, no hyphen dropped at a line's end. */
export async function pdftotext(file: string): Promise<string> {
  const { stdout } = await promisify(execFile)('pdftotext', ['-raw', '-enc', 'UTF-8', file, '-'], { encoding: 'utf8' });
  return stdout;
}

/**
 * The QR codes of a PDF's first page as a phone would read them: the page drawn by poppler's
 * `pdftoppm` (Debian's poppler-utils) at `dpi`, then decoded by jsQR from its pixels. The text
 * each code holds, or null when none reads.
 */
export async function pdfQrCode(bytes: Uint8Array, dpi = 150): Promise<string | null> {
  const dir = await mkdtemp(path.join(tmpdir(), 'facteur-qr-'));
  try {
    await writeFile(path.join(dir, 'page.pdf'), bytes);
    await promisify(execFile)('pdftoppm', ['-r', String(dpi), '-f', '1', '-l', '1', '-singlefile', path.join(dir, 'page.pdf'), path.join(dir, 'page')]);
    const { width, height, rgba } = readPpm(await readFile(path.join(dir, 'page.ppm')));
    return jsQR(rgba, width, height)?.data ?? null;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** jsQR, a maintained decoder in plain JavaScript, whose typings describe its default export but not the function its CommonJS module is. */
const jsQR = createRequire(import.meta.url)('jsqr') as (data: Uint8ClampedArray, width: number, height: number) => QRCode | null;

/** A binary PPM (P6, 8 bits), as pdftoppm writes it, as the RGBA pixels jsQR reads. */
function readPpm(bytes: Buffer): { width: number; height: number; rgba: Uint8ClampedArray } {
  const header = /^P6\s+(\d+)\s+(\d+)\s+255\s/.exec(bytes.subarray(0, 64).toString('latin1'));
  if (!header) throw new Error('not an 8-bit binary PPM');
  const [width, height] = [Number(header[1]), Number(header[2])];
  const pixels = bytes.subarray(header[0].length);
  const rgba = new Uint8ClampedArray(width * height * 4);
  for (let i = 0; i < width * height; i++) rgba.set([pixels[i * 3]!, pixels[i * 3 + 1]!, pixels[i * 3 + 2]!, 255], i * 4);
  return { width, height, rgba };
}

/** The addresses a PDF's links open, page by page, as a reader's link annotations give them. */
export async function pdfLinks(bytes: Uint8Array): Promise<string[]> {
  const pdf = await getDocument({ data: new Uint8Array(bytes), verbosity: 0 }).promise;
  const links: string[] = [];
  for (let n = 1; n <= pdf.numPages; n++) {
    for (const annotation of (await (await pdf.getPage(n)).getAnnotations()) as { subtype: string; url?: string }[])
      if (annotation.subtype === 'Link' && annotation.url) links.push(annotation.url);
  }
  await pdf.destroy();
  return links;
}

export interface ZipEntryRead {
  name: string;
  compressionMethod: number;
  bytes: Buffer;
}

export function readZip(file: string): Promise<ZipEntryRead[]> {
  return new Promise((resolve, reject) => yauzl.open(file, { lazyEntries: true }, (error, zip) => (error ? reject(error) : readEntries(zip, resolve, reject))));
}

/** The same, from the ZIP's bytes as a reply carries them. */
export function readZipBytes(bytes: Buffer): Promise<ZipEntryRead[]> {
  return new Promise((resolve, reject) =>
    yauzl.fromBuffer(bytes, { lazyEntries: true }, (error, zip) => (error ? reject(error) : readEntries(zip, resolve, reject))),
  );
}

function readEntries(zip: yauzl.ZipFile, resolve: (entries: ZipEntryRead[]) => void, reject: (error: unknown) => void): void {
  const entries: ZipEntryRead[] = [];
  zip.on('error', reject);
  zip.on('end', () => resolve(entries));
  zip.on('entry', (entry: yauzl.Entry) => {
    zip.openReadStream(entry, (error, stream) => {
      if (error) return reject(error);
      buffer(stream).then((bytes) => {
        entries.push({ name: entry.fileName, compressionMethod: entry.compressionMethod, bytes });
        zip.readEntry();
      }, reject);
    });
  });
  zip.readEntry();
}

/** Every record of the billing inbox in a data folder, as the files on disk hold them (`inbound/<day>/<shard>.json`). */
export async function inboundRecords(dataDir: string): Promise<{ key: string; messageId: string | null; status: string; sent: number; attempts: number }[]> {
  const dir = path.join(dataDir, 'inbound');
  const names = (await readdir(dir, { recursive: true }).catch(() => [] as string[])).filter((name) => name.endsWith('.json'));
  const shards = await Promise.all(
    names.map(async (name) => JSON.parse(await readFile(path.join(dir, name), 'utf8').catch(() => '{"inbound":[]}')) as { inbound: [] }),
  );
  return shards.flatMap((shard) => shard.inbound);
}

import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { buffer } from 'node:stream/consumers';
import { getDocument } from 'pdfjs-dist/legacy/build/pdf.mjs';
import yauzl from 'yauzl';

/** Reading back what Facteur sends, from the bytes, as a customer's PDF reader and unzip tool would. */

/**
 * The page's text as pdfjs extracts it from the bytes. French amounts and dates hold
 * no-break spaces (U+202F from Intl, printed as U+00A0 because Roboto lacks U+202F):
 * they are made plain spaces here only so that expectations can be typed readably.
 */
export async function pdfText(bytes: Uint8Array): Promise<string> {
  const pdf = await getDocument({ data: new Uint8Array(bytes), verbosity: 0 }).promise;
  const pages: string[] = [];
  for (let n = 1; n <= pdf.numPages; n++) {
    const content = await (await pdf.getPage(n)).getTextContent();
    pages.push(content.items.map((item) => ('str' in item ? item.str + (item.hasEOL ? '\n' : '') : '')).join(''));
  }
  await pdf.destroy();
  return pages.join('\n').replace(/[\u202F\u00A0]/g, ' ');
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
  return new Promise((resolve, reject) => yauzl.fromBuffer(bytes, { lazyEntries: true }, (error, zip) => (error ? reject(error) : readEntries(zip, resolve, reject))));
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
  const shards = await Promise.all(names.map(async (name) => JSON.parse(await readFile(path.join(dir, name), 'utf8').catch(() => '{"inbound":[]}')) as { inbound: [] }));
  return shards.flatMap((shard) => shard.inbound);
}

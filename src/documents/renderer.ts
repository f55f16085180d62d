import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

const require = createRequire(import.meta.url);
export const PDFMAKE_DIR = path.dirname(require.resolve('pdfmake/package.json'));
export const PDFKIT_DIR = path.dirname(require.resolve('pdfkit/package.json', { paths: [PDFMAKE_DIR] }));

function packageVersion(dir: string): string {
  return (JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) as { version: string }).version;
}

/**
 * What turns a page definition into bytes, fonts included (they ship with pdfmake):
 * part of the render cache key, so that upgrading pdfmake or PDFKit renders again. It is
 * apart from pdf.ts so that the main thread, which only hashes pages, never loads pdfmake.
 */
export const RENDERER = `pdfmake ${packageVersion(PDFMAKE_DIR)}, pdfkit ${packageVersion(PDFKIT_DIR)}`;

import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import pdfmake from 'pdfmake';
import type { TDocumentDefinitions } from 'pdfmake/interfaces.js';
import { isInside } from './paths.js';

const require = createRequire(import.meta.url);
const PDFMAKE_DIR = path.dirname(require.resolve('pdfmake/package.json'));
const FONTS_DIR = path.join(PDFMAKE_DIR, 'fonts', 'Roboto');

function packageVersion(dir: string): string {
  return (JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) as { version: string }).version;
}

const PDFKIT_DIR = path.dirname(require.resolve('pdfkit/package.json', { paths: [PDFMAKE_DIR] }));

/**
 * What turns a page definition into bytes, fonts included (they ship with pdfmake):
 * part of the render cache key, so that upgrading pdfmake or PDFKit renders again.
 */
export const RENDERER = `pdfmake ${packageVersion(PDFMAKE_DIR)}, pdfkit ${packageVersion(PDFKIT_DIR)}`;

// pdfmake is one configured instance per process, and this module is its only user.
// Roboto is embedded so that accents print whatever the reader's fonts are.
pdfmake.setFonts({
  Roboto: {
    normal: path.join(FONTS_DIR, 'Roboto-Regular.ttf'),
    bold: path.join(FONTS_DIR, 'Roboto-Medium.ttf'),
    italics: path.join(FONTS_DIR, 'Roboto-Italic.ttf'),
    bolditalics: path.join(FONTS_DIR, 'Roboto-MediumItalic.ttf'),
  },
});
// A page definition could name a URL or a local file (fonts, images): fetch nothing, and
// read only the fonts. The template's logo is passed inline (see template.ts).
pdfmake.setUrlAccessPolicy(() => false);
pdfmake.setLocalAccessPolicy((file) => isInside(FONTS_DIR, file));

/**
 * Renders a page definition to PDF bytes (~45 ms for an invoice, mostly parsing and subsetting the font).
 *
 * Roboto has no U+202F NARROW NO-BREAK SPACE, which `Intl.NumberFormat('fr-…')` puts
 * between thousands (`125 000 FCFA`) and before `%`; printed as is it would be a missing
 * glyph. It becomes U+00A0 NO-BREAK SPACE, which Roboto has and which still never breaks.
 */
export async function renderPdf(page: TDocumentDefinitions): Promise<Buffer> {
  // The definition is plain data: serialising it both swaps the spaces everywhere and hands
  // pdfmake a copy, since pdfmake writes into the definition it is given.
  const printable = JSON.parse(JSON.stringify(page).replaceAll('\u202F', '\u00A0')) as TDocumentDefinitions;
  return pdfmake.createPdf(printable).getBuffer();
}

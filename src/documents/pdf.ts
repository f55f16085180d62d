import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import pdfmake from 'pdfmake';
import type { TDocumentDefinitions } from 'pdfmake/interfaces.js';
import { PDFKIT_DIR, PDFMAKE_DIR } from './renderer.js';

const FONTS_DIR = path.join(PDFMAKE_DIR, 'fonts', 'Roboto');
const FONT_FILES = { normal: 'Roboto-Regular.ttf', bold: 'Roboto-Medium.ttf', italics: 'Roboto-Italic.ttf', bolditalics: 'Roboto-MediumItalic.ttf' };

/** The parts of fontkit, the font engine PDFKit parses fonts with, used here. */
interface Fontkit {
  create(bytes: Uint8Array): object;
  registerFormat(format: { probe(bytes: Uint8Array): boolean; new (stream: { buffer: Uint8Array }): object }): void;
}

/** pdfmake's in-memory file system, where it looks for fonts before the disk (untyped in @types/pdfmake). */
interface VirtualFileSystem {
  writeFileSync(name: string, content: Buffer): void;
}

/**
 * Roboto, parsed once per thread rather than once per document.
 *
 * PDFKit hands each document's font bytes to fontkit, which parses them anew, and decoding
 * Roboto's layout tables (GSUB, GPOS) again for every page was two thirds of a render
 * (measured: ~33 of ~50 ms for an invoice). So pdfmake's virtual file system holds, for each
 * font, a short tag instead of its bytes, and a fontkit format registered for those tags
 * returns the font parsed here (a constructor may return another object). Each document
 * still embeds its own subset of the glyphs it prints; the parsed font is only read from.
 */
const fontkit = createRequire(path.join(PDFKIT_DIR, 'package.json'))('fontkit') as Fontkit;
const TAG = 'facteur-parsed-font:';
const parsed = new Map<string, object>();

function tagOf(bytes: Uint8Array): string {
  return bytes.byteLength < 64 ? Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1') : '';
}

class ParsedFont {
  static probe(bytes: Uint8Array): boolean {
    return parsed.has(tagOf(bytes));
  }

  constructor(stream: { buffer: Uint8Array }) {
    return parsed.get(tagOf(stream.buffer)) as ParsedFont;
  }
}

fontkit.registerFormat(ParsedFont);
const virtualfs = (pdfmake as unknown as { virtualfs: VirtualFileSystem }).virtualfs;

/**
 * Roboto's styles as the tags that stand for the parsed fonts: pdfmake finds them in its
 * virtual file system under the fonts' file names, and PDFKit takes them as font bytes
 * (the render benchmark draws its like-for-like PDFKit baseline with them).
 */
export const ROBOTO = Object.fromEntries(
  Object.entries(FONT_FILES).map(([style, file]) => {
    const tag = Buffer.from(`${TAG}${file}`, 'latin1');
    parsed.set(tagOf(tag), fontkit.create(readFileSync(path.join(FONTS_DIR, file))));
    virtualfs.writeFileSync(file, tag);
    return [style, tag];
  }),
) as Record<keyof typeof FONT_FILES, Buffer>;

// pdfmake is one configured instance per thread, and this module is its only user.
// Roboto is embedded so that accents print whatever the reader's fonts are.
pdfmake.setFonts({ Roboto: FONT_FILES });
// A page definition could name a URL or a local file (fonts, images): fetch nothing and read
// nothing, since the fonts are in memory. The template's logo is passed inline (see template.ts).
pdfmake.setUrlAccessPolicy(() => false);
pdfmake.setLocalAccessPolicy(() => false);

/**
 * Renders a page definition to PDF bytes (~16 ms for an invoice once the fonts are parsed:
 * laying out and measuring the words, subsetting and compressing the fonts). In Facteur it
 * runs on the render pool's threads (see pool.ts), and only there.
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

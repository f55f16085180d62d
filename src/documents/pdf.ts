import pdfmake from 'pdfmake';
import type { TDocumentDefinitions } from 'pdfmake/interfaces.js';
import { FONT_FILES, fontTag, registerTaggedFonts, taggedFiles } from './fonts.js';
import { printablePage } from './runs.js';

/** pdfmake's in-memory file system, where it looks for fonts before the disk (untyped in @types/pdfmake). */
interface VirtualFileSystem {
  writeFileSync(name: string, content: Buffer): void;
}

const virtualfs = (pdfmake as unknown as { virtualfs: VirtualFileSystem }).virtualfs;
// The fonts' files hold tags that stand for the fonts parsed once per thread (see fonts.ts).
for (const [file, tag] of taggedFiles()) virtualfs.writeFileSync(file, tag);
registerTaggedFonts();

/** Roboto's styles as the tags PDFKit takes as font bytes (the render benchmark draws its like-for-like PDFKit baseline with them). */
export const ROBOTO = Object.fromEntries(Object.entries(FONT_FILES.Roboto).map(([style, file]) => [style, fontTag(file)])) as Record<
  keyof typeof FONT_FILES.Roboto,
  Buffer
>;

// pdfmake is one configured instance per thread, and this module is its only user.
// The fonts are embedded so that accents and emoji print whatever the reader's fonts are.
pdfmake.setFonts(FONT_FILES);
// A page definition could name a URL or a local file (fonts, images): fetch nothing and read
// nothing, since the fonts are in memory. The template's logo is passed inline (see template.ts).
pdfmake.setUrlAccessPolicy(() => false);
pdfmake.setLocalAccessPolicy(() => false);

/**
 * Renders a page definition to PDF bytes (~16 ms for an invoice once the fonts are parsed:
 * laying out and measuring the words, subsetting and compressing the fonts). In Facteur it
 * runs on the render pool's threads (see pool.ts), and only there. Every text is printed
 * as it is written (see runs.ts), so that the PDF's text layer reads it back exactly.
 */
export async function renderPdf(page: TDocumentDefinitions): Promise<Buffer> {
  // pdfmake writes into the definition it is given: it gets a copy.
  return pdfmake.createPdf(printablePage(structuredClone(page))).getBuffer();
}

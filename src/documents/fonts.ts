import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { EMOJI_FONT_FILE, PDFKIT_DIR, PDFMAKE_DIR, SYMBOLS_FONT_DIR } from './renderer.js';

/**
 * The fonts invoices print with, each for what the ones before it lack: Roboto (pdfmake's,
 * the invoice's look), Noto Emoji for emoji (« Pack Fusée 🚀 »), DejaVu Sans for the symbols
 * and scripts billing systems put in labels and names (✓, →, ★, ①, Greek, Cyrillic). A text
 * is split into runs of one font each (see runs.ts).
 */
export const FONT_FILES = {
  Roboto: { normal: 'Roboto-Regular.ttf', bold: 'Roboto-Medium.ttf', italics: 'Roboto-Italic.ttf', bolditalics: 'Roboto-MediumItalic.ttf' },
  // One weight: an emoji in a bold cell prints as it does elsewhere.
  NotoEmoji: { normal: 'NotoEmoji-Regular.ttf', bold: 'NotoEmoji-Regular.ttf', italics: 'NotoEmoji-Regular.ttf', bolditalics: 'NotoEmoji-Regular.ttf' },
  DejaVuSans: { normal: 'DejaVuSans.ttf', bold: 'DejaVuSans-Bold.ttf', italics: 'DejaVuSans-Oblique.ttf', bolditalics: 'DejaVuSans-BoldOblique.ttf' },
};

/** Which font prints what, in this order. */
const FALLBACKS: FontName[] = ['Roboto', 'NotoEmoji', 'DejaVuSans'];

export type FontName = keyof typeof FONT_FILES;

const FILES_ON_DISK: Record<string, string> = {
  'Roboto-Regular.ttf': path.join(PDFMAKE_DIR, 'fonts', 'Roboto', 'Roboto-Regular.ttf'),
  'Roboto-Medium.ttf': path.join(PDFMAKE_DIR, 'fonts', 'Roboto', 'Roboto-Medium.ttf'),
  'Roboto-Italic.ttf': path.join(PDFMAKE_DIR, 'fonts', 'Roboto', 'Roboto-Italic.ttf'),
  'Roboto-MediumItalic.ttf': path.join(PDFMAKE_DIR, 'fonts', 'Roboto', 'Roboto-MediumItalic.ttf'),
  'NotoEmoji-Regular.ttf': EMOJI_FONT_FILE,
  ...Object.fromEntries(
    ['DejaVuSans.ttf', 'DejaVuSans-Bold.ttf', 'DejaVuSans-Oblique.ttf', 'DejaVuSans-BoldOblique.ttf'].map((file) => [file, path.join(SYMBOLS_FONT_DIR, file)]),
  ),
};

/** The parts of a fontkit font used here. */
interface ParsedFont {
  characterSet: number[];
  hasGlyphForCodePoint(codePoint: number): boolean;
  _cmapProcessor: { lookup(codePoint: number, variationSelector?: number): number };
}

/** The parts of fontkit, the font engine PDFKit parses fonts with, used here. */
interface Fontkit {
  create(bytes: Uint8Array): ParsedFont;
  registerFormat(format: { probe(bytes: Uint8Array): boolean; new (stream: { buffer: Uint8Array }): object }): void;
}

/** fontkit, loaded on first use: half a second, which only what prints or checks a text for printing pays. */
let loaded: Fontkit | undefined;

function fontkit(): Fontkit {
  if (!loaded) {
    loaded = createRequire(path.join(PDFKIT_DIR, 'package.json'))('fontkit') as Fontkit;
    loaded.registerFormat(TaggedFont);
  }
  return loaded;
}

/** Each font file parsed once per thread, on first use. */
const parsedFiles = new Map<string, ParsedFont>();

function parsedFile(file: string): ParsedFont {
  let font = parsedFiles.get(file);
  if (!font) {
    font = fontkit().create(readFileSync(FILES_ON_DISK[file]!));
    parsedFiles.set(file, font);
  }
  return font;
}

/**
 * U+202F NARROW NO-BREAK SPACE, which `Intl.NumberFormat('fr-…')` puts between thousands
 * (`125 000 FCFA`) and before `%`, is missing from Roboto's cmap: it is drawn with Roboto's
 * thin space (U+2009), narrow as it should be, while the text layer still says U+202F.
 */
const ALIASES = new Map([[0x202f, 0x2009]]);

/**
 * A font as one document sees it: the parsed tables are shared, the glyphs are the
 * document's own. fontkit keeps the glyphs it made in its font object, each with the
 * characters it was first made for, and PDFKit writes those characters into the PDF's
 * ToUnicode map, which is what text extraction reads. A glyph first made by the subsetter
 * of another document (the E inside an É, made with no characters; fontkit issue #154)
 * came back with none, and `TEST EXEMPLE E1E2E3` read `T ST X MPL 1 2 3`. Each
 * document starts with no glyph made, as with a font parsed for it alone.
 */
function documentView(shared: ParsedFont): object {
  const view = Object.create(shared) as ParsedFont & { _glyphs: object };
  view._glyphs = {};
  const cmap = shared._cmapProcessor;
  Object.defineProperty(view, '_cmapProcessor', {
    value: Object.assign(Object.create(cmap) as object, {
      lookup: (codePoint: number, variationSelector?: number) => cmap.lookup(ALIASES.get(codePoint) ?? codePoint, variationSelector),
    }),
  });
  return view;
}

/**
 * pdfmake reads font files from its virtual file system, and PDFKit hands their bytes to
 * fontkit, which would parse them anew for each document: decoding Roboto's layout tables
 * (GSUB, GPOS) again was two thirds of a render (measured: ~33 of ~50 ms for an invoice).
 * So the virtual file system holds, for each file, a short tag instead of its bytes, and a
 * fontkit format registered for those tags returns a document's view of the font parsed
 * once (a constructor may return another object).
 */
const TAG = 'facteur-parsed-font:';

function tagOf(bytes: Uint8Array): string | null {
  if (bytes.byteLength >= 64) return null;
  const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');
  return text.startsWith(TAG) ? text.slice(TAG.length) : null;
}

class TaggedFont {
  static probe(bytes: Uint8Array): boolean {
    const file = tagOf(bytes);
    return file !== null && file in FILES_ON_DISK;
  }

  constructor(stream: { buffer: Uint8Array }) {
    return documentView(parsedFile(tagOf(stream.buffer)!)) as TaggedFont;
  }
}

/** Makes fontkit (PDFKit's) take the tags that stand for the fonts: pdf.ts calls it before pdfmake reads any font. */
export function registerTaggedFonts(): void {
  fontkit();
}

/** The tag that stands for a font file, for pdfmake's virtual file system or PDFKit's `registerFont`. */
export function fontTag(file: string): Buffer {
  return Buffer.from(`${TAG}${file}`, 'latin1');
}

/** The file names pdfmake looks fonts up by, each with its tag. */
export function taggedFiles(): [string, Buffer][] {
  return Object.keys(FILES_ON_DISK).map((file) => [file, fontTag(file)]);
}

const fonts = new Map<number, FontName | null>();

/** Which font prints a character: the first of the fonts that has it, or none. Kept per character: an import asks for every character of every label. */
export function fontFor(codePoint: number): FontName | null {
  let font = fonts.get(codePoint);
  if (font === undefined) {
    const code = ALIASES.get(codePoint) ?? codePoint;
    font = FALLBACKS.find((name) => parsedFile(FONT_FILES[name].normal).hasGlyphForCodePoint(code)) ?? null;
    fonts.set(codePoint, font);
  }
  return font;
}

/** Variation selectors and combining marks go with the character before them (an emoji's U+FE0F): they never split a run. */
const ATTACHED = /^[\p{M}\u{FE00}-\u{FE0F}]$/u;

/**
 * The characters of `text` no invoice font can print, each once (`✓`, a Chinese character):
 * printed, each would be the same empty box, and the PDF's text layer could not say which it
 * is. The import refuses them, so that every text that reaches a page prints, and reads back.
 */
export function unprintable(text: string): string[] {
  const missing = new Set<string>();
  for (const character of text) if (!ATTACHED.test(character) && fontFor(character.codePointAt(0)!) === null) missing.add(character);
  return [...missing];
}

/** Whether a character goes with the one before it, in its run. */
export function isAttached(character: string): boolean {
  return ATTACHED.test(character);
}

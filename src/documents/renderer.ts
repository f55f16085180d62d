import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

const require = createRequire(import.meta.url);
export const PDFMAKE_DIR = path.dirname(require.resolve('pdfmake/package.json'));
export const PDFKIT_DIR = path.dirname(require.resolve('pdfkit/package.json', { paths: [PDFMAKE_DIR] }));

function packageVersion(dir: string): string {
  return (JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) as { version: string }).version;
}

export const EMOJI_FONT_DIR = path.dirname(require.resolve('@expo-google-fonts/noto-emoji/package.json'));
export const EMOJI_FONT_FILE = path.join(EMOJI_FONT_DIR, '400Regular', 'NotoEmoji_400Regular.ttf');
export const SYMBOLS_FONT_DIR = path.join(path.dirname(require.resolve('dejavu-fonts-ttf/package.json')), 'ttf');

/**
 * How pdf.ts prints a page's texts (fonts, runs, long words), beyond what pdfmake does:
 * changed with it, so that PDFs rendered before a change are rendered again. 2: each
 * document's own glyphs (the text layer lost letters), U+202F printed as itself, emoji in
 * Noto Emoji, long words broken. 3: symbols and scripts Roboto lacks in DejaVu Sans.
 */
const PRINTING = 3;

/**
 * What turns a page definition into bytes, fonts included (they ship with pdfmake and the
 * fallback fonts' packages): part of the render cache key, so that upgrading them, or changing
 * how pages are printed, renders again. It is apart from pdf.ts so that the main thread,
 * which only hashes pages, never loads pdfmake.
 */
export const RENDERER = `pdfmake ${packageVersion(PDFMAKE_DIR)}, pdfkit ${packageVersion(PDFKIT_DIR)}, noto-emoji ${packageVersion(EMOJI_FONT_DIR)}, dejavu ${packageVersion(path.dirname(SYMBOLS_FONT_DIR))}, printing ${PRINTING}`;

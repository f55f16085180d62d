import type { Content, TDocumentDefinitions } from 'pdfmake/interfaces.js';
import { type FontName, fontFor, isAttached } from './fonts.js';

/**
 * A word longer than this (in characters, without a space) may be broken anywhere. pdfmake
 * breaks lines only between words, and a table column is never narrower than its longest
 * word: a label of 200 letters without a space made the label column wider than the page,
 * pushing the quantity, price and amount off it. The widest column a label gets beside
 * amounts of 10¹⁵ is about 25 wide letters, so longer words break where the column ends.
 */
const LONG_WORD = 20;

interface Run {
  text: string;
  font: FontName;
  long: boolean;
}

type Inline = string | { text: string; font?: FontName; wordBreak?: 'break-all' };

/** What no font has is printed in Roboto (the import refuses it: see fonts.ts `unprintable`). */
function fontOf(character: string): FontName {
  return fontFor(character.codePointAt(0)!) ?? 'Roboto';
}

/**
 * A text as pdfmake inlines: runs of one font each (Roboto, or the first font that has what
 * Roboto lacks: see fonts.ts), long words allowed to break anywhere. Null when the text prints as it is.
 */
function inlines(text: string): Inline[] | null {
  const runs: Run[] = [];
  for (const token of text.split(/(\s+)/u)) {
    const characters = [...token];
    const long = characters.length > LONG_WORD && !/\s/u.test(token);
    for (const character of characters) {
      const last = runs.at(-1);
      const font = last && isAttached(character) ? last.font : fontOf(character);
      if (last && last.font === font && last.long === long) last.text += character;
      else runs.push({ text: character, font, long });
    }
  }
  if (runs.length <= 1 && !runs[0]?.long && (runs[0]?.font ?? 'Roboto') === 'Roboto') return null;
  return runs.map(({ text, font, long }) =>
    font === 'Roboto' && !long ? text : { text, ...(font === 'Roboto' ? {} : { font }), ...(long ? { wordBreak: 'break-all' as const } : {}) },
  );
}

/** The value of a node's `text`: a string, or an array of strings and inline nodes. */
function printableText(text: unknown): unknown {
  if (typeof text === 'string') return inlines(text) ?? text;
  if (!Array.isArray(text)) return text;
  return text.flatMap((item: unknown) => {
    if (typeof item === 'string') return inlines(item) ?? [item];
    if (item && typeof item === 'object' && 'text' in item) return [{ ...item, text: printableText(item.text) }];
    return [item];
  });
}

/** The keys of a node that hold content: its children, or its text. */
const CHILDREN = ['stack', 'columns', 'ul', 'ol'] as const;

function printableContent(node: unknown): unknown {
  if (typeof node === 'string') {
    const runs = inlines(node);
    return runs ? { text: runs } : node;
  }
  if (Array.isArray(node)) return node.map(printableContent);
  if (!node || typeof node !== 'object') return node;
  const copy: Record<string, unknown> = { ...node };
  if ('text' in copy) copy.text = printableText(copy.text);
  for (const key of CHILDREN) if (key in copy) copy[key] = printableContent(copy[key]);
  const table = copy.table as { body?: unknown[][] } | undefined;
  if (table?.body) copy.table = { ...table, body: table.body.map((row) => row.map(printableContent)) };
  return copy;
}

/**
 * The page with every text it prints made printable: each character in a font that has it,
 * so that the page shows it and the PDF's text layer says it, and no word wider than a
 * column. Everything else (styles, images, the SVG logo, the document's info) is as given.
 */
export function printablePage(page: TDocumentDefinitions): TDocumentDefinitions {
  return {
    ...page,
    content: printableContent(page.content) as Content,
    ...(page.header && typeof page.header !== 'function' ? { header: printableContent(page.header) as Content } : {}),
    ...(page.footer && typeof page.footer !== 'function' ? { footer: printableContent(page.footer) as Content } : {}),
  };
}

import { colord, extend, type Colord } from 'colord';
import a11yPlugin from 'colord/plugins/a11y';
import namesPlugin from 'colord/plugins/names';
import { parse, walk, type Atrule, type CssNode, type Declaration as CssDeclaration, type Rule } from 'css-tree';

extend([namesPlugin, a11yPlugin]);

/**
 * CSS as a mail's HTML uses it to hide text, read with css-tree, which recovers from broken
 * CSS as a browser does. Only what bears on whether a person can see a text is kept: a
 * stylesheet's layout, margins and fonts' looks are not read.
 */

/** One declaration: the property and its value in lower case, escapes read (without `!important`: any rule that applies may hide). */
export interface Declaration {
  property: string;
  value: string;
}

/** A style rule of a stylesheet that bears on what is seen. */
export interface StyleRule {
  selector: string;
  declarations: Declaration[];
}

export interface StyleSheet {
  rules: StyleRule[];
  /** Families that `@font-face` loads from somewhere: such a font can draw any letter as any other. */
  webFonts: Set<string>;
}

const QUIET = { onParseError: () => undefined } as const;
/** Stylesheets a `data:` URL holds that an `@import` brings in, at most: each is read like the one importing it. */
const MAX_IMPORTS = 20;

/** The declarations of a `style` attribute, in order. */
export function declarationsOf(style: string): Declaration[] {
  const list = parse(style, { context: 'declarationList', parseValue: false, ...QUIET });
  const found: Declaration[] = [];
  walk(list, { visit: 'Declaration', enter: (node: CssDeclaration) => void found.push(declaration(node)) });
  return found;
}

/**
 * The rules of a stylesheet (inside `@media` too: what some screens hide counts as hidden),
 * those of the stylesheets its `@import`s hold in `data:` URLs (which every client loads, as
 * it does a `<link>` to one: see `dataStyleSheet`), and its web fonts. The steps of an
 * `@keyframes` are no rules: an animation is judged where it is used.
 */
export function readStyleSheet(css: string): StyleSheet {
  const rules: StyleRule[] = [];
  const webFonts = new Set<string>();
  const sheets = [css];
  for (let read = 0; read < sheets.length; read++) {
    const sheet = parse(sheets[read]!, { parseValue: false, parseRulePrelude: false, parseAtrulePrelude: false, ...QUIET });
    walk(sheet, {
      enter(node: CssNode) {
        if (node.type === 'Atrule') {
          const name = node.name.toLowerCase();
          if (name === 'font-face') fontFace(node, webFonts);
          if (name === 'import' && sheets.length <= MAX_IMPORTS) sheets.push(...importedData(node));
          return name.endsWith('keyframes') ? walk.skip : undefined;
        }
        if (node.type !== 'Rule' || node.prelude.type !== 'Raw') return;
        const declarations: Declaration[] = [];
        walk((node as Rule).block, { visit: 'Declaration', enter: (found: CssDeclaration) => void declarations.push(declaration(found)) });
        if (declarations.length > 0) rules.push({ selector: node.prelude.value, declarations });
      },
    });
  }
  return { rules, webFonts };
}

/** The stylesheet an `@import` of a `data:` URL holds; nothing for one elsewhere. */
function importedData(rule: Atrule): string[] {
  const prelude = rule.prelude?.type === 'Raw' ? rule.prelude.value.trim() : '';
  const url = /^(?:url\(\s*)?(["']?)(data:[^"')]*)\1/i.exec(prelude)?.[2];
  const css = url === undefined ? null : dataStyleSheet(url);
  return css === null ? [] : [css];
}

/** The text of a `data:` URL of type text/css (percent-encoded or base64), or null for any other. */
export function dataStyleSheet(url: string): string | null {
  const match = /^data:\s*text\/css\s*((?:;[^,;]*)*),(.*)$/is.exec(unescaped(url).trim());
  if (!match) return null;
  const [, parameters = '', body = ''] = match;
  try {
    return /;\s*base64\s*$/i.test(parameters) ? Buffer.from(decodeURIComponent(body), 'base64').toString('utf8') : decodeURIComponent(body);
  } catch {
    return null;
  }
}

function fontFace(rule: Atrule, webFonts: Set<string>): void {
  const declarations: Declaration[] = [];
  if (rule.block) walk(rule.block, { visit: 'Declaration', enter: (node: CssDeclaration) => void declarations.push(declaration(node)) });
  const family = declarations.find((d) => d.property === 'font-family');
  if (family && declarations.some((d) => d.property === 'src')) webFonts.add(familyName(family.value));
}

function declaration(node: CssDeclaration): Declaration {
  const value = node.value.type === 'Raw' ? node.value.value : '';
  return { property: unescaped(node.property).toLowerCase(), value: unescaped(value).trim().toLowerCase() };
}

/**
 * CSS escapes read as the characters they stand for, as a browser reads them: `n\6f ne` is
 * `none`, `displ\61 y` is `display`, `\:` is `:`. A code point CSS forbids is U+FFFD.
 */
export function unescaped(text: string): string {
  return text.replace(/\\(?:([0-9a-f]{1,6})[ \t\n\r\f]?|([^\n\r\f0-9a-f]))/gi, (_, hex: string | undefined, character: string | undefined) => {
    if (hex === undefined) return character!;
    const code = parseInt(hex, 16);
    return code === 0 || code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff) ? '\ufffd' : String.fromCodePoint(code);
  });
}

/** A family as `font-family` names it, unquoted, in lower case. */
export function familyName(name: string): string {
  return name
    .trim()
    .replace(/^(["'])(.*)\1$/, '$2')
    .trim()
    .toLowerCase();
}

/** The families a `font-family` value lists. */
export function familiesOf(value: string): string[] {
  return value.split(',').map(familyName).filter(Boolean);
}

/** A colour a text or a background may have; `unknown` when it cannot be told (a variable, a gradient). */
export type Paint = Colord | 'unknown';

/** The colours the operating system names: Outlook writes `windowtext` for the text the customer types. */
const SYSTEM_COLORS: Record<string, string> = {
  windowtext: '#000',
  canvastext: '#000',
  buttontext: '#000',
  captiontext: '#000',
  infotext: '#000',
  menutext: '#000',
  fieldtext: '#000',
  linktext: '#00e',
  graytext: '#6d6d6d',
  window: '#fff',
  canvas: '#fff',
  buttonface: '#f0f0f0',
  field: '#fff',
  menu: '#fff',
  infobackground: '#ffffe1',
  highlight: '#3390ff',
  highlighttext: '#fff',
};

/** A colour value: a paint, `inherit` (the parent's), `current` (the text's: `currentcolor`), or `unknown`. */
export function paintOf(word: string): Paint | 'inherit' | 'current' {
  if (word === 'currentcolor') return 'current';
  if (['inherit', 'unset', 'revert', 'revert-layer'].includes(word)) return 'inherit';
  const color = colord(SYSTEM_COLORS[word] ?? (word === 'initial' ? '#000' : word));
  return color.isValid() ? color : 'unknown';
}

/**
 * The colour a `background` shorthand paints: its colour layer, `unknown` under an image or a
 * gradient (whose colours behind the text cannot be told), `inherit` for none.
 */
export function backgroundOf(value: string): Paint | 'inherit' | 'current' {
  if (/(?:gradient|var|image-set|element|paint|url|image|cross-fade)\s*\(/.test(value)) return 'unknown';
  for (const token of partsOf(value)) {
    const paint = paintOf(token);
    if (paint !== 'unknown' && paint !== 'inherit') return paint;
  }
  return 'inherit';
}

/** What a `background-image` paints behind a text: nothing for `none`, else colours that cannot be told. */
export function backgroundImageOf(value: string): Paint | 'inherit' {
  return ['none', 'initial', 'inherit', 'unset', 'revert', 'revert-layer'].includes(value) ? 'inherit' : 'unknown';
}

/**
 * The parts of a value between `separators` (by default spaces, commas and slashes), a
 * function's arguments kept whole (`rgb(0, 0, 0)`); empty parts left out.
 */
export function partsOf(value: string, separators = ' ,/'): string[] {
  const parts: string[] = [];
  let depth = 0;
  let current = '';
  for (const char of value) {
    if (char === '(') depth++;
    if (char === ')') depth = Math.max(0, depth - 1);
    if (depth === 0 && separators.includes(char)) {
      if (current.trim()) parts.push(current);
      current = '';
    } else current += char;
  }
  if (current.trim()) parts.push(current);
  return parts;
}

/** What sizes are relative to: the parent's font size, the root's, and a phone's screen (the smallest a reader may have). */
export interface SizeBase {
  parentPx: number;
  rootPx: number;
}

const PHONE = { width: 320, height: 568 };
const KEYWORD_SIZES: Record<string, number> = {
  'xx-small': 9,
  'x-small': 10,
  small: 13,
  medium: 16,
  large: 18,
  'x-large': 24,
  'xx-large': 32,
  'xxx-large': 48,
};

/**
 * A length in pixels, as small as it can be on a reader's screen; `inherit` for a keyword
 * that keeps the parent's; NaN for what cannot be told (`calc()`, a variable), which callers
 * take for the worst. A unitless number is no length (browsers ignore it), unless zero.
 */
export function lengthPx(word: string, base: SizeBase): number | 'inherit' {
  if (['inherit', 'unset', 'revert', 'revert-layer', 'auto', 'none', 'normal', 'initial'].includes(word)) return 'inherit';
  const match = /^([+-]?(?:\d+\.?\d*|\.\d+)(?:e[+-]?\d+)?)([a-z%]*)$/.exec(word);
  if (!match) return NaN;
  const amount = Number(match[1]);
  const unit = match[2]!;
  if (unit === '') return amount === 0 ? 0 : 'inherit';
  const per: Record<string, number> = {
    px: 1,
    pt: 4 / 3,
    pc: 16,
    in: 96,
    cm: 96 / 2.54,
    mm: 96 / 25.4,
    q: 96 / 101.6,
    em: base.parentPx,
    '%': base.parentPx / 100,
    ex: base.parentPx / 2,
    ch: base.parentPx / 2,
    rem: base.rootPx,
    vw: PHONE.width / 100,
    vh: PHONE.height / 100,
    vmin: PHONE.width / 100,
    vmax: PHONE.height / 100,
  };
  return per[unit] === undefined ? NaN : amount * per[unit];
}

/** A `font-size` in pixels (see `lengthPx`), keywords included. */
export function fontSizePx(word: string, base: SizeBase): number | 'inherit' {
  if (KEYWORD_SIZES[word] !== undefined) return KEYWORD_SIZES[word];
  if (word === 'smaller') return base.parentPx / 1.2;
  if (word === 'larger') return base.parentPx * 1.2;
  if (word === 'initial') return 16;
  return lengthPx(word, base);
}

/** The size a `font` shorthand sets (`bold 12px Arial`, `0/0 a`), or `inherit` when it names none (`font: inherit`, `caption`). */
export function fontShorthandSize(value: string, base: SizeBase): number | 'inherit' {
  for (const token of value.split(/\s+/)) {
    const size = token.split('/')[0]!;
    const px = fontSizePx(size, base);
    if (typeof px === 'number' && !Number.isNaN(px)) return px;
    if (token.includes('/')) return NaN;
  }
  return 'inherit';
}

/** A number or a percentage (`opacity`, `zoom`); NaN when it cannot be told. */
export function fractionOf(word: string): number {
  const match = /^([+-]?(?:\d+\.?\d*|\.\d+))(%?)$/.exec(word);
  if (!match) return word === 'normal' || word === 'inherit' || word === 'initial' || word === 'unset' ? 1 : NaN;
  return Number(match[1]) / (match[2] ? 100 : 1);
}

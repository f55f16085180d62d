import { colord, type Colord } from 'colord';
import render from 'dom-serializer';
import { Element, Text, type ChildNode, type Document, type ParentNode } from 'domhandler';
import { compile } from 'html-to-text';
import { parse } from 'parse5';
import { adapter } from 'parse5-htmlparser2-tree-adapter';
import { declaredBySheet } from './cascade.js';
import {
  backgroundImageOf,
  backgroundOf,
  dataStyleSheet,
  declarationsOf,
  familiesOf,
  fontShorthandSize,
  fontSizePx,
  fractionOf,
  paintOf,
  readStyleSheet,
  type Declaration,
  type Paint,
  type SizeBase,
  type StyleSheet,
} from './css.js';
import { effectOf, type Effect } from './effects.js';

/** What a reader sees of a mail's body, and what it holds that they cannot see. */
export interface Seen {
  visible: string;
  hidden: string;
}

/** Elements deeper than this are not read: a person's words are never so deep, and each level costs. */
const MAX_DEPTH = 200;
/** Characters of stylesheets read at most. */
const MAX_STYLE_CHARS = 256 * 1024;
/** Characters of hidden text kept, to say what was not read. */
const MAX_HIDDEN_CHARS = 4000;
/** Text smaller than this (in CSS pixels, on a phone) is no text a person reads. */
const MIN_FONT_PX = 5;
/** A text whose colour is this close to its background's (WCAG contrast ratio; 1 is the same colour) cannot be seen. */
const MIN_CONTRAST = 1.5;
/** Below this opacity (all ancestors' multiplied) a text cannot be seen. */
const MIN_OPACITY = 0.2;
/** Colours kept as possible for one element; more make it unknown. */
const MAX_PAINTS = 8;

/** Elements whose content no reader sees as text: the head, code, embedded documents and media, form choices, fallbacks browsers never show, reversed text. */
const NEVER_SHOWN = new Set([
  'head',
  'title',
  'style',
  'script',
  'template',
  'noscript',
  'meta',
  'link',
  'base',
  'basefont',
  'iframe',
  'frame',
  'frameset',
  'noframes',
  'object',
  'embed',
  'noembed',
  'svg',
  'math',
  'canvas',
  'audio',
  'video',
  'select',
  'datalist',
  'option',
  'optgroup',
  'area',
  'param',
  'source',
  'track',
  'img',
  'input',
  'bdo',
  'rp',
]);

/** What stands where an element that may lie over the text after it was taken out: from there on, nothing is seen for sure. */
const COVER = 'facteur-cover';

/**
 * How an element's text looks, as far as seeing it goes, each part the worst it can be:
 * every colour the text and the background behind it may have (any rule that matches may
 * win), the smallest font size, the product of the opacities above it, the fonts it may use.
 */
interface Look {
  colors: Paint[];
  backgrounds: Paint[];
  fontPx: number;
  opacity: number;
  families: string[];
}

const PAGE: Look = { colors: [colord('#000')], backgrounds: [colord('#fff')], fontPx: 16, opacity: 1, families: [] };

/**
 * What a person reading the HTML part sees, and what is hidden from them: by style (inline
 * or in a stylesheet: `display:none`, `visibility:hidden`, a tiny or zero font size, no
 * opacity, the colour of its background, a zero height with overflow hidden, `mso-hide`,
 * off-screen, clipped or transformed), by attribute (`hidden`, `aria-hidden`), inside a
 * closed `<details>`, or as no text at all (comments, the head, `<style>`, `<script>`, a web
 * font that may draw any letter). Read the way a browser builds the page (parse5, the WHATWG
 * parser), so that a text a trick moves in or out of a hidden element is where the reader's
 * browser puts it. Where it cannot be told (an unknown colour, a `calc()` size), the text
 * counts as hidden: only what a person surely sees may ask anything. Links are read by the
 * words shown, never by their target.
 */
export function whatIsSeen(html: string): Seen {
  const document = parse(html, { treeAdapter: adapter });
  const hidden = new HiddenText();
  const elements = cutDeep(document, hidden);
  const sheet = readStyleSheet(styleText(elements));
  const ruled = declaredBySheet(sheet, document, elements.length);
  if (ruled === null || prune(document, ruled, sheet, hidden) === 'coversAll') {
    hidden.addTree(document);
    return { visible: '', hidden: hidden.text() };
  }
  hideAfterCover(document, hidden);
  const seen = asSeen(toText()(render(document)));
  hidden.add(seen.hidden);
  return { visible: seen.visible, hidden: hidden.text() };
}

/** Bidi controls that reverse or isolate a run: the letters shown are not in the order read. */
const BIDI_OVERRIDE = /[\u202A-\u202E\u2066-\u2069]/;

/**
 * Text as a person sees it: characters that show nothing (zero-width spaces and joiners,
 * soft hyphens, tag characters) are taken out, so that « fac\u200Bture » reads as shown; a
 * line whose letters a bidi control shows in another order than they are read is hidden.
 */
export function asSeen(text: string): Seen {
  const visible: string[] = [];
  const hidden: string[] = [];
  for (const line of text.split('\n')) (BIDI_OVERRIDE.test(line) ? hidden : visible).push(line.replace(/\p{Cf}/gu, ''));
  return { visible: visible.join('\n'), hidden: hidden.join('\n') };
}

let converter: ((html: string) => string) | undefined;

/** html-to-text, set to read words as shown: no link targets, no image names, headings in their own case, lines not wrapped. */
function toText(): (html: string) => string {
  const heading = (level: number) => ({ selector: `h${level}`, options: { uppercase: false } });
  converter ??= compile({
    wordwrap: false,
    // Zero-width spaces are no spaces: `asSeen` takes them out, so that « fac\u200Bture » reads as shown.
    whitespaceCharacters: ' \t\r\n\f',
    limits: { maxDepth: MAX_DEPTH + 10 },
    selectors: [
      { selector: 'a', options: { ignoreHref: true } },
      { selector: 'img', format: 'skip' },
      { selector: 'table', format: 'block' },
      { selector: 'tr', format: 'block' },
      { selector: 'td', format: 'block' },
      { selector: 'th', format: 'block' },
      { selector: 'details', format: 'block' },
      { selector: 'summary', format: 'block' },
      ...[1, 2, 3, 4, 5, 6].map(heading),
    ],
  });
  return converter;
}

/** Every element, the elements below MAX_DEPTH taken out (their text counted as hidden). Iterative: a page nested a million deep is read like a flat one. */
function cutDeep(document: Document, hidden: HiddenText): Element[] {
  const elements: Element[] = [];
  const stack: [ParentNode, number][] = [[document, 0]];
  while (stack.length > 0) {
    const [parent, depth] = stack.pop()!;
    if (depth >= MAX_DEPTH) {
      hidden.addTree(parent);
      parent.children = [];
      continue;
    }
    for (const child of parent.children) {
      if (!(child instanceof Element)) continue;
      elements.push(child);
      stack.push([child, depth + 1]);
    }
  }
  return elements;
}

/**
 * The text of every `<style>` element, wherever it is (browsers apply them all), and of every
 * stylesheet a `<link>` holds in a `data:` URL (which clients load as they do a `<style>`),
 * up to MAX_STYLE_CHARS. A stylesheet on a server is not fetched: Gmail and Outlook drop it.
 */
function styleText(elements: Element[]): string {
  let css = '';
  for (const element of elements) {
    if (element.name === 'style') for (const child of element.children) if (child instanceof Text) css += `${child.data}\n`;
    if (element.name === 'link' && /\bstylesheet\b/i.test(element.attribs.rel ?? '')) css += `${dataStyleSheet(element.attribs.href ?? '') ?? ''}\n`;
    if (css.length > MAX_STYLE_CHARS) break;
  }
  return css.slice(0, MAX_STYLE_CHARS);
}

/** Takes out the text after the first cover (see COVER), in the order the page shows it, and the covers with it. */
function hideAfterCover(document: Document, hidden: HiddenText): void {
  let covering = false;
  const stack: ChildNode[] = [...document.children].reverse();
  while (stack.length > 0) {
    const node = stack.pop()!;
    if (node instanceof Element && node.name === COVER) covering = true;
    if (covering && (node instanceof Text || (node instanceof Element && node.name === COVER))) {
      if (node instanceof Text) hidden.add(node.data);
      const siblings = node.parent!.children;
      siblings.splice(siblings.indexOf(node), 1);
    } else if (node instanceof Element) stack.push(...[...node.children].reverse());
  }
}

/**
 * Takes out of the document every node a reader does not see, top down: an element hidden
 * with everything below it, and the text of an element whose own text cannot be seen (its
 * colour, its size, its font), while its children are judged on their own. An element that
 * may lie over the text after it leaves a cover in its place (see `hideAfterCover`);
 * `coversAll` when one may lie over any text of the page.
 */
function prune(document: Document, sheet: Map<Element, Declaration[]>, styles: StyleSheet, hidden: HiddenText): 'coversAll' | null {
  let rootPx = PAGE.fontPx;
  const verdicts = new Map<Look, boolean>();
  const stack: [ParentNode, Look][] = [[document, PAGE]];
  while (stack.length > 0) {
    const [parent, look] = stack.pop()!;
    let textHidden = verdicts.get(look);
    if (textHidden === undefined) verdicts.set(look, (textHidden = textUnseen(look, styles.webFonts)));
    const closed = parent instanceof Element && parent.name === 'details' && !('open' in parent.attribs);
    let summary = false;
    const kept: ChildNode[] = [];
    for (const child of parent.children) {
      if (child instanceof Text) {
        if (textHidden || closed) hidden.add(child.data);
        else kept.push(child);
        continue;
      }
      if (!(child instanceof Element)) continue;
      const shown = closed ? child.name === 'summary' && !summary : true;
      summary ||= child.name === 'summary';
      const childLook = shown ? lookOf(child, look, [...(sheet.get(child) ?? []), ...declaredByMarkup(child)], { parentPx: look.fontPx, rootPx }) : 'hides';
      if (childLook === 'coversAll') return childLook;
      if (typeof childLook === 'string') {
        hidden.addTree(child);
        if (childLook === 'coversFollowing') kept.push(coverIn(parent));
        continue;
      }
      if (child.name === 'html') rootPx = childLook.fontPx;
      kept.push(child);
      stack.push([child, childLook]);
    }
    parent.children = kept;
  }
  return null;
}

/** A cover (see COVER) to stand in `parent` where an element was taken out. */
function coverIn(parent: ParentNode): Element {
  const cover = new Element(COVER, {});
  cover.parent = parent;
  return cover;
}

/** What the element's attributes declare: the old presentational ones mail still uses, then its `style`. */
function declaredByMarkup(element: Element): Declaration[] {
  const { attribs: a, name } = element;
  const declared: Declaration[] = [];
  const add = (property: string, value: string | undefined) => {
    if (value !== undefined) declared.push({ property, value: value.trim().toLowerCase() });
  };
  if (name === 'font') {
    add('color', a.color);
    add('font-family', a.face);
    if (a.size !== undefined) add('font-size', fontAttributeSize(a.size));
  }
  if (name === 'body') add('color', a.text);
  add('background-color', a.bgcolor);
  if (a.style) declared.push(...declarationsOf(a.style));
  return declared;
}

/** `<font size="1">` to `7`, or relative (`+2`), as the HTML standard maps them. */
function fontAttributeSize(size: string): string {
  const sizes = [10, 13, 16, 18, 24, 32, 48];
  const n = /^[+-]/.test(size.trim()) ? 3 + Number(size) : Number(size);
  return Number.isNaN(n) ? 'medium' : `${sizes[Math.min(7, Math.max(1, Math.trunc(n))) - 1]}px`;
}

/** The element's look, or what hides it and everything below it (see `Effect`). */
function lookOf(element: Element, parent: Look, declared: Declaration[], base: SizeBase): Look | Exclude<Effect, 'none'> {
  const { attribs, name } = element;
  if (NEVER_SHOWN.has(name) || 'hidden' in attribs || 'popover' in attribs || attribs['aria-hidden']?.trim().toLowerCase() === 'true') return 'hides';
  if (name === 'dialog' && !('open' in attribs)) return 'hides';
  // Most elements declare nothing: they look like their parent, the same object, whose verdict on its text is kept.
  if (declared.length === 0) return parent;
  const values = (...properties: string[]) => declared.flatMap((d) => (properties.includes(d.property) ? [d.value] : []));
  const fontPx = smallest(
    [...values('font-size').map((value) => fontSizePx(value, base)), ...values('font').map((value) => fontShorthandSize(value, base))],
    parent.fontPx,
  );
  const effect = effectOf(declared, fontPx);
  if (effect !== 'none') return effect;
  const opacity = parent.opacity * Math.min(1, ...values('opacity').map((value) => nanAsZero(fractionOf(value))));
  if (opacity < MIN_OPACITY) return 'hides';
  const colors = paints(values('color', '-webkit-text-fill-color').map(paintOf), parent.colors);
  const backgroundPaints = [
    ...values('background-color').map(paintOf),
    ...values('background').map(backgroundOf),
    ...values('background-image').map(backgroundImageOf),
  ];
  return {
    colors,
    backgrounds: backgrounds(
      backgroundPaints.flatMap((paint) => (paint === 'current' ? colors : [paint])),
      parent.backgrounds,
    ),
    fontPx,
    opacity,
    families: inheritedUnless([...values('font-family').flatMap(familiesOf), ...values('font').flatMap(shorthandFamilies)], parent.families),
  };
}

/** The families a `font` shorthand names, after its size (`12px/1.4 "Evil", serif`). */
function shorthandFamilies(value: string): string[] {
  const families = /(?:^|\s)(?:[+-]?[\d.]+[a-z%]*|[a-z-]*small|medium|[a-z-]*large|smaller|larger)(?:\s*\/\s*\S+)?\s+(.+)$/.exec(value)?.[1];
  return families ? familiesOf(families) : [];
}

function inheritedUnless<T>(own: T[], inherited: T[]): T[] {
  return own.length > 0 ? own : inherited;
}

function nanAsZero(n: number): number {
  return Number.isNaN(n) ? 0 : n;
}

/** The smallest of the sizes declared (what cannot be told is 0), or the parent's when none is. */
function smallest(sizes: (number | 'inherit')[], inherited: number): number {
  const own = sizes.flatMap((size) => (size === 'inherit' ? [] : [nanAsZero(size)]));
  return own.length > 0 ? Math.min(...own, ...(sizes.includes('inherit') ? [inherited] : [])) : inherited;
}

/** The colours declared, each possible; the parent's where one says to inherit (`currentcolor` in `color` too), or none is declared. */
function paints(declared: (Paint | 'inherit' | 'current')[], inherited: Paint[]): Paint[] {
  return capped(
    inheritedUnless(
      declared.flatMap((paint) => (paint === 'inherit' || paint === 'current' ? inherited : [paint])),
      inherited,
    ),
  );
}

/** The backgrounds declared, laid over the parent's where they let it show through; the parent's when none is declared. */
function backgrounds(declared: (Paint | 'inherit')[], inherited: Paint[]): Paint[] {
  const own = declared.flatMap((paint) =>
    paint === 'inherit' ? inherited : paint === 'unknown' || paint.alpha() === 1 ? [paint] : inherited.map((under) => over(paint, under)),
  );
  return capped(inheritedUnless(own, inherited));
}

function capped(paints: Paint[]): Paint[] {
  const unique = [...new Map(paints.map((paint) => [paint === 'unknown' ? paint : paint.toHex(), paint])).values()];
  return unique.length > MAX_PAINTS ? ['unknown'] : unique;
}

/** `top` painted over `under`, as the screen shows it. */
function over(top: Colord, under: Paint): Paint {
  if (under === 'unknown') return under;
  const [a, b] = [top.toRgb(), under.toRgb()];
  const mix = (x: number, y: number) => x * a.a + y * (1 - a.a);
  return colord({ r: mix(a.r, b.r), g: mix(a.g, b.g), b: mix(a.b, b.b), a: 1 });
}

/** Whether the element's own text cannot be seen: too small, of its background's colour (or of one it may have), or drawn by a web font. */
function textUnseen(look: Look, webFonts: Set<string>): boolean {
  if (look.fontPx < MIN_FONT_PX) return true;
  if (look.families.some((family) => webFonts.has(family))) return true;
  return look.colors.some((color) =>
    look.backgrounds.some(
      (background) => color === 'unknown' || background === 'unknown' || (over(color, background) as Colord).contrast(background) < MIN_CONTRAST,
    ),
  );
}

/** The text that was not seen, kept up to MAX_HIDDEN_CHARS to say what was not read. */
class HiddenText {
  private parts: string[] = [];
  private length = 0;

  add(text: string): void {
    const trimmed = text.trim();
    if (trimmed === '' || this.length >= MAX_HIDDEN_CHARS) return;
    this.parts.push(trimmed);
    this.length += trimmed.length;
  }

  /** The text of a subtree, without what is code rather than words (styles, scripts). */
  addTree(root: ParentNode): void {
    if (root instanceof Element && (root.name === 'style' || root.name === 'script')) return;
    const stack: ChildNode[] = [...root.children].reverse();
    while (stack.length > 0 && this.length < MAX_HIDDEN_CHARS) {
      const node = stack.pop()!;
      if (node instanceof Text) this.add(node.data);
      else if (node instanceof Element && node.name !== 'style' && node.name !== 'script') stack.push(...[...node.children].reverse());
    }
  }

  text(): string {
    return this.parts.join('\n').slice(0, MAX_HIDDEN_CHARS);
  }
}

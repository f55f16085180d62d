import { lexer } from 'css-tree';
import { fractionOf, lengthPx, paintOf, partsOf, type Declaration, type SizeBase } from './css.js';

/**
 * What an element's declarations do to the text a reader sees, besides its look (colour, size,
 * opacity, font: see `seen.ts`). CSS has hundreds of properties, and new ones keep coming
 * (`scale`, `translate`, anchor positioning): a list of those that hide would always miss
 * one. So the properties that show text as it is are listed, with the values that keep it so,
 * and any other property a browser knows (css-tree's dictionary, from MDN's data) is taken to
 * hide its element — what cannot be told counts as hidden; one no browser knows does nothing.
 * An element moved away from where it stands, or painting beyond its box, may also lie over
 * any other text of the page; one taken out of the flow where it stands, over what follows it.
 */
export type Effect =
  /** Nothing that hides: the text is judged by its look. */
  | 'none'
  /** It, and everything in it, cannot be seen. */
  | 'hides'
  /** Hidden, and out of the flow where it stands: what follows it on the page may be under it. */
  | 'coversFollowing'
  /** Hidden, and moved or painting beyond its box: any text of the page may be under it. */
  | 'coversAll';

/** Properties that show the text as it is, whatever their value: how it is set, spaced, bordered, laid out in the flow, printed. */
const SHOWN = new Set([
  'font-weight',
  'font-style',
  'font-variant',
  'font-variant-caps',
  'font-variant-ligatures',
  'font-variant-numeric',
  'font-variant-east-asian',
  'font-variant-position',
  'font-variant-alternates',
  'font-variant-emoji',
  'font-stretch',
  'font-width',
  'font-kerning',
  'font-feature-settings',
  'font-variation-settings',
  'font-optical-sizing',
  'font-synthesis',
  'font-synthesis-weight',
  'font-synthesis-style',
  'font-synthesis-small-caps',
  'font-smoothing',
  'osx-font-smoothing',
  'text-rendering',
  'font-language-override',
  'font-palette',
  'text-align',
  'text-align-last',
  'text-justify',
  'text-transform',
  'text-overflow',
  'text-wrap',
  'text-wrap-mode',
  'text-wrap-style',
  'white-space',
  'white-space-collapse',
  'word-wrap',
  'overflow-wrap',
  'word-break',
  'line-break',
  'hyphens',
  'hyphenate-character',
  'tab-size',
  'text-size-adjust',
  'nbsp-mode',
  'text-autospace',
  'text-spacing-trim',
  'punctuation-wrap',
  'layout-grid-mode',
  'tab-stops',
  'text-underline',
  'text-underline-position',
  'text-underline-offset',
  'text-decoration-line',
  'text-decoration-style',
  'text-decoration-color',
  'text-decoration-skip',
  'text-decoration-skip-ink',
  'text-emphasis',
  'text-emphasis-style',
  'text-emphasis-color',
  'text-emphasis-position',
  'text-stroke',
  'text-stroke-width',
  'text-stroke-color',
  'direction',
  'vertical-align',
  'line-height',
  'initial-letter',
  'padding',
  'padding-top',
  'padding-right',
  'padding-bottom',
  'padding-left',
  'padding-inline',
  'padding-block',
  'padding-inline-start',
  'padding-inline-end',
  'padding-block-start',
  'padding-block-end',
  'width',
  'height',
  'min-width',
  'min-height',
  'max-width',
  'max-height',
  'inline-size',
  'block-size',
  'min-inline-size',
  'min-block-size',
  'max-inline-size',
  'max-block-size',
  'box-sizing',
  'aspect-ratio',
  'object-fit',
  'object-position',
  'float',
  'clear',
  'overflow',
  'overflow-x',
  'overflow-y',
  'overflow-inline',
  'overflow-block',
  'overflow-anchor',
  'overflow-clip-margin',
  'table-layout',
  'border-collapse',
  'border-spacing',
  'empty-cells',
  'caption-side',
  'list-style',
  'list-style-type',
  'list-style-position',
  'list-style-image',
  'counter-reset',
  'counter-increment',
  'counter-set',
  'quotes',
  'content',
  'cursor',
  'pointer-events',
  'user-select',
  'user-modify',
  'user-drag',
  'tap-highlight-color',
  'touch-callout',
  'caret-color',
  'accent-color',
  'color-scheme',
  'supported-color-schemes',
  'print-color-adjust',
  'color-adjust',
  'forced-color-adjust',
  'interpolation-mode',
  'image-rendering',
  'resize',
  'scroll-behavior',
  'scrollbar-width',
  'scrollbar-color',
  'scrollbar-gutter',
  'touch-action',
  'appearance',
  'outline-style',
  'outline-color',
  'transition',
  'transition-property',
  'transition-duration',
  'transition-timing-function',
  'transition-delay',
  'transition-behavior',
  'will-change',
  'isolation',
  'z-index',
  'page',
  'size',
  'page-break-before',
  'page-break-after',
  'page-break-inside',
  'break-before',
  'break-after',
  'break-inside',
  'orphans',
  'widows',
  'box-orient',
  'box-pack',
  'box-align',
  'box-direction',
  'box-flex',
  'box-decoration-break',
  'flex',
  'flex-direction',
  'flex-wrap',
  'flex-flow',
  'flex-grow',
  'flex-shrink',
  'flex-basis',
  'justify-content',
  'align-items',
  'align-content',
  'align-self',
  'justify-items',
  'justify-self',
  'place-content',
  'place-items',
  'place-self',
  'order',
  'gap',
  'row-gap',
  'column-gap',
  'grid-template',
  'grid-template-columns',
  'grid-template-rows',
  'grid-template-areas',
  'grid-auto-flow',
  'grid-auto-columns',
  'grid-auto-rows',
  'grid-gap',
  'grid-row-gap',
  'grid-column-gap',
  'background-position',
  'background-position-x',
  'background-position-y',
  'background-size',
  'background-repeat',
  'background-attachment',
  'background-origin',
  'background-clip',
  'background-blend-mode',
  'border-radius',
  'transform-origin',
  'transform-style',
  'perspective-origin',
  'backface-visibility',
  'shape-outside',
  'shape-margin',
  'shape-image-threshold',
  'ruby-position',
  'ruby-align',
  'text-combine-upright',
  'hanging-punctuation',
  'speak',
  'speak-as',
  'unicode-range',
  'src',
  'behavior',
  // SVG's, which an HTML element's text ignores (an SVG is never read).
  'x',
  'y',
  'cx',
  'cy',
  'r',
  'rx',
  'ry',
  'd',
  'fill',
  'fill-opacity',
  'fill-rule',
  'stroke',
  'stroke-width',
  'stroke-opacity',
  'stroke-dasharray',
  'stroke-dashoffset',
  'stroke-linecap',
  'stroke-linejoin',
  'stroke-miterlimit',
  'stop-color',
  'stop-opacity',
  'flood-color',
  'flood-opacity',
  'lighting-color',
  'marker',
  'marker-start',
  'marker-mid',
  'marker-end',
  'vector-effect',
  'shape-rendering',
  'dominant-baseline',
  'alignment-baseline',
  'baseline-shift',
  'text-anchor',
  'color-interpolation',
  'color-interpolation-filters',
  'clip-rule',
  'mask-type',
  'paint-order',
]);

/** Properties that are the element's look, read by `seen.ts`. */
const LOOK = new Set([
  'color',
  'text-fill-color',
  'background',
  'background-color',
  'background-image',
  'font',
  'font-size',
  'font-family',
  'opacity',
  'visibility',
  'display',
]);

/** Values that leave a property doing nothing of its own: its initial value, or the parent's. */
const KEEPING = new Set(['none', 'auto', 'normal', 'initial', 'inherit', 'unset', 'revert', 'revert-layer']);

/** An element moved this far (or further) has left any screen, unless it is as large: it hides its text and lies over no other. */
const FAR_PX = 2000;

/** A negative margin pulls its element this far at most (a Word table's `margin-left:-5.4pt` is 7.2 px): further, it may leave the page or lie over another line. */
const MAX_PULL_PX = 12;
/** An outline this wide at most stays a line around its box. */
const MAX_OUTLINE_PX = 4;
/** A shadow this far from its box at most (offset, spread and blur) is a shadow, not a cover. */
const MAX_SHADOW_PX = 8;
/** A shadow more transparent than this cannot hide a text. */
const FAINT_SHADOW = 0.3;
/** A text indented further than this, either way, has left the screen. */
const MAX_INDENT_PX = 100;

/** The property without a browser's prefix: `-webkit-transform` does what `transform` does. */
function unprefixed(property: string): string {
  return property.replace(/^-(?:webkit|moz|ms|o|apple|epub)-/, '');
}

/**
 * What the element's declarations (its stylesheet rules' and its own, every rule that applies
 * taken as if it won) do to its text, for an element whose own font is `fontPx`.
 */
export function effectOf(declared: Declaration[], fontPx: number): Effect {
  const base: SizeBase = { parentPx: fontPx, rootPx: 16 };
  const values = (...properties: string[]) => declared.flatMap((d) => (properties.includes(unprefixed(d.property)) ? [d.value] : []));
  const position = values('position').map(firstWord);
  const outOfFlow = position.some((value) => value === 'absolute' || value === 'fixed');
  const positioned = outOfFlow || position.some((value) => value === 'relative' || value === 'sticky');
  if (position.some((value) => !KEEPING.has(value) && !['static', 'absolute', 'fixed', 'relative', 'sticky'].includes(value))) return 'coversAll';
  const shifts = [
    ...values(
      'margin',
      'margin-top',
      'margin-right',
      'margin-bottom',
      'margin-left',
      'margin-inline',
      'margin-block',
      'margin-inline-start',
      'margin-inline-end',
      'margin-block-start',
      'margin-block-end',
    )
      .flatMap(words)
      .map((word) => -pulledBy(word, base)),
    ...(positioned
      ? values(
          'top',
          'right',
          'bottom',
          'left',
          'inset',
          'inset-inline',
          'inset-block',
          'inset-inline-start',
          'inset-inline-end',
          'inset-block-start',
          'inset-block-end',
        )
          .flatMap(words)
          .map((word) => offsetOf(word, base))
      : []),
    ...values('translate')
      .flatMap(words)
      .map((word) => offsetOf(word, base)),
    ...values('transform').flatMap((value) => transformShifts(value, base)),
  ].filter((px) => !(Math.abs(px) <= MAX_PULL_PX));
  const spills =
    values(
      'rotate',
      'offset',
      'offset-path',
      'offset-distance',
      'offset-position',
      'offset-anchor',
      'grid-area',
      'grid-row',
      'grid-column',
      'grid-row-start',
      'grid-row-end',
      'grid-column-start',
      'grid-column-end',
      'filter',
      'backdrop-filter',
    ).some((value) => !KEEPING.has(firstWord(value))) ||
    values('box-shadow', 'text-shadow').some((value) =>
      shadowsOf(value, base).some((shadow) => shadow === 'unknown' || (!shadow.inset && shadow.reach > MAX_SHADOW_PX)),
    ) ||
    values('scale').some((value) => words(value).some((word) => !(fractionOf(word) <= 1) && !KEEPING.has(word))) ||
    values('outline', 'outline-width').some((value) => words(value).some((word) => wide(word, base))) ||
    values('outline-offset').some((value) => !(lengthOf(value, base) >= 0));
  // Far off every screen, and no larger than that: it hides its text and lies over nothing.
  const gone = shifts.some((px) => Math.abs(px) >= FAR_PX) && !spills && !large(values, base);
  if (gone) return 'hides';
  if (shifts.length > 0 || spills) return 'coversAll';
  if (outOfFlow) return 'coversFollowing';
  const shaded = values('box-shadow').some((value) => shadowsOf(value, base).some((shadow) => shadow !== 'unknown' && shadow.inset));
  if (shaded || declared.some((declaration) => hides(declaration, base)) || clipped(values, fontPx, base)) return 'hides';
  return 'none';
}

/** The shifts a `transform` makes: its translations; NaN (cannot be told) for any other function but a shrinking scale, which stays within its box. */
function transformShifts(value: string, base: SizeBase): number[] {
  if (KEEPING.has(firstWord(value))) return [];
  const functions = [...value.matchAll(/([a-z0-9]+)\(([^)]*)\)/g)];
  if (functions.length === 0) return [NaN];
  return functions.flatMap(([, name = '', args = '']) => {
    const numbers = words(args.replaceAll(',', ' '));
    if (name.startsWith('translate')) return numbers.map((word) => offsetOf(word, base));
    return name.startsWith('scale') && numbers.every((word) => Math.abs(fractionOf(word)) <= 1) ? [] : [NaN];
  });
}

type Shadow = { inset: boolean; reach: number } | 'unknown';

/**
 * The shadows of a `box-shadow` or `text-shadow` that may hide a text: an inset one (painted
 * over the background, behind the text) or one reaching beyond its box, unless too faint to
 * hide anything; `unknown` for one that cannot be read.
 */
function shadowsOf(value: string, base: SizeBase): Shadow[] {
  if (KEEPING.has(firstWord(value))) return [];
  return partsOf(value, ',').flatMap((layer): Shadow[] => {
    const parts = partsOf(layer, ' \t\n');
    const lengths = parts.filter((part) => /^[+-]?[\d.]/.test(part)).map((part) => lengthOf(part, base));
    const colors = parts.filter((part) => !/^[+-]?[\d.]/.test(part) && part !== 'inset').map(paintOf);
    // A colour that cannot be told (the text's own, a variable) counts as opaque.
    const alpha = Math.max(0, ...colors.map((paint) => (typeof paint === 'string' ? 1 : paint.alpha())), colors.length === 0 ? 1 : 0);
    if (alpha < FAINT_SHADOW) return [];
    const reach = Math.abs(lengths[0] ?? 0) + Math.abs(lengths[1] ?? 0) + Math.abs(lengths[2] ?? 0) + Math.max(0, lengths[3] ?? 0);
    return Number.isNaN(reach) || lengths.length > 4 ? ['unknown'] : [{ inset: parts.includes('inset'), reach }];
  });
}

/** A size declared as large as FAR_PX, or that cannot be told: such an element may reach back onto the page. */
function large(values: (...properties: string[]) => string[], base: SizeBase): boolean {
  const sizes = values(
    'width',
    'height',
    'min-width',
    'min-height',
    'inline-size',
    'block-size',
    'min-inline-size',
    'min-block-size',
    'padding',
    'padding-top',
    'padding-right',
    'padding-bottom',
    'padding-left',
    'border',
    'border-width',
    'font',
    'font-size',
    'line-height',
    'letter-spacing',
    'word-spacing',
  );
  return sizes.flatMap(words).some((word) => /^[+-]?[\d.]/.test(word) && !(Math.abs(lengthOf(word, base)) < FAR_PX));
}

/** A declaration that hides its element and everything in it, or that is not known to show it. */
function hides({ property, value }: Declaration, base: SizeBase): boolean {
  const name = unprefixed(property);
  const first = firstWord(value);
  if (name.startsWith('--') || property.startsWith('mso-')) return property === 'mso-hide' && first === 'all';
  if (LOOK.has(name))
    return (
      (name === 'display' && ['none', 'table-column', 'table-column-group'].includes(first)) ||
      (name === 'visibility' && (first === 'hidden' || first === 'collapse'))
    );
  if (SHOWN.has(name) || (name.startsWith('border') && !name.startsWith('border-image'))) return false;
  // A property no browser knows is dropped by every browser (`font-display` outside @font-face, a typo): it does nothing.
  if (!lexer.getProperty(property) && !lexer.getProperty(name)) return false;
  switch (name) {
    case 'text-indent':
      return !(Math.abs(lengthOf(first, base)) < MAX_INDENT_PX);
    case 'letter-spacing':
    case 'word-spacing':
      return !(lengthOf(first, base) > -2 && lengthOf(first, base) < MAX_INDENT_PX);
    case 'zoom':
      return !KEEPING.has(first) && first !== 'reset' && !(fractionOf(first) >= 0.3);
    case 'unicode-bidi':
      return value.includes('override');
    case 'text-decoration':
    case 'text-decoration-thickness':
      return value.split(/\s+/).some((word) => wide(word, base));
    case 'margin':
    case 'margin-top':
    case 'margin-right':
    case 'margin-bottom':
    case 'margin-left':
    case 'margin-inline':
    case 'margin-block':
    case 'margin-inline-start':
    case 'margin-inline-end':
    case 'margin-block-start':
    case 'margin-block-end':
    case 'position':
    case 'top':
    case 'right':
    case 'bottom':
    case 'left':
    case 'inset':
    case 'inset-inline':
    case 'inset-block':
    case 'inset-inline-start':
    case 'inset-inline-end':
    case 'inset-block-start':
    case 'inset-block-end':
    case 'outline':
    case 'outline-width':
    case 'outline-offset':
    case 'translate':
      // Read in `effectOf`: where they hide, they move the element.
      return false;
    case 'transform':
      // A shrinking scale, read in `effectOf` otherwise; to nothing, or nearly, it hides.
      return !KEEPING.has(first);
    case 'mix-blend-mode':
    case 'writing-mode':
    case 'text-orientation':
      return !KEEPING.has(first) && first !== 'horizontal-tb' && first !== 'mixed';
    default:
      // clip, clip-path, mask, content-visibility, contain, animation, line-clamp, text-security, font-size-adjust…: whatever else, only its initial value shows the text as it is.
      return (
        !KEEPING.has(first) && !(name === 'content-visibility' && first === 'visible') && !(name === 'contain' && (first === 'style' || first === 'layout'))
      );
  }
}

/**
 * An element whose overflow is hidden, with a height (any: what is below it is cut), a line
 * height under half its font, or a width too narrow for a word, or any width it cannot wrap in.
 */
function clipped(values: (...properties: string[]) => string[], fontPx: number, base: SizeBase): boolean {
  if (!values('overflow', 'overflow-x', 'overflow-y', 'overflow-block', 'overflow-inline').some((value) => /\b(hidden|clip)\b/.test(value))) return false;
  const sized = (properties: string[], limit: number) => values(...properties).some((value) => set(value) && !(lengthOf(firstWord(value), base) >= limit));
  const height = sized(['height', 'max-height', 'block-size', 'max-block-size'], Infinity);
  const lines = values('line-height').some((value) => lineHeightPx(firstWord(value), fontPx, base) < fontPx / 2);
  const nowrap = values('white-space', 'text-wrap', 'text-wrap-mode').some((value) => /nowrap|pre(?!-)/.test(value));
  const width = sized(['width', 'max-width', 'inline-size', 'max-inline-size'], nowrap ? Infinity : 3 * fontPx);
  return height || lines || width;
}

/** A size that is set to a length (not `auto`, `none` or a percentage, which follow the content or the page). */
function set(value: string): boolean {
  const first = firstWord(value);
  return !KEEPING.has(first) && !first.endsWith('%') && !['fit-content', 'max-content', 'min-content', 'stretch', '-webkit-fill-available'].includes(first);
}

/** A `line-height` in pixels: a number or a percentage is of the font's size. */
function lineHeightPx(word: string, fontPx: number, base: SizeBase): number {
  if (/^[+-]?(?:\d+\.?\d*|\.\d+)$/.test(word)) return Number(word) * fontPx;
  if (KEEPING.has(word)) return fontPx;
  return lengthOf(word, base);
}

/** How far a margin pulls its element back (a negative margin; a percentage of a width taken on a phone); NaN when it cannot be told. */
function pulledBy(word: string, base: SizeBase): number {
  return Math.max(0, -offsetOf(word, base));
}

/** An offset in pixels (a percentage of a width taken on a phone); 0 for `auto`, NaN when it cannot be told. */
function offsetOf(word: string, base: SizeBase): number {
  if (KEEPING.has(word)) return 0;
  return word.endsWith('%') ? (Number(word.slice(0, -1)) * 320) / 100 : lengthOf(word, base);
}

function words(value: string): string[] {
  return value.split(/\s+/).filter(Boolean);
}

/** A length in an outline or a decoration wider than MAX_OUTLINE_PX (keywords stay thin; what cannot be told is wide). */
function wide(word: string, base: SizeBase): boolean {
  if (!/^[+-]?[\d.]/.test(word) && !/\(/.test(word)) return false;
  return !(lengthOf(word, base) <= MAX_OUTLINE_PX);
}

/** A length in pixels, NaN for what cannot be told; keywords that keep the parent's are 0. */
function lengthOf(word: string, base: SizeBase): number {
  const px = lengthPx(word, base);
  return px === 'inherit' ? 0 : px;
}

function firstWord(value: string): string {
  return value.split(/\s+/)[0] ?? '';
}

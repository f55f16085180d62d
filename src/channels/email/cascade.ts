import { compile } from 'css-select';
import { parse as parseSelector, SelectorType, type Selector } from 'css-what';
import { Element, type ChildNode, type ParentNode } from 'domhandler';
import type { Declaration, StyleSheet } from './css.js';

/** Elements × selectors matched at most: past it, what a reader sees cannot be told at a bounded cost. */
const MAX_MATCHES = 5_000_000;

/** One selector of a rule as it is matched: its last compound, and the compound of an ancestor it needs, if any. */
interface Matcher {
  ancestor: ((element: Element) => boolean) | null;
  self: (element: Element) => boolean;
  declarations: Declaration[];
}

/**
 * What the stylesheet declares on each element, at least wherever a browser applies it;
 * null when that would cost more than MAX_MATCHES. A selector is matched as its last
 * compound and its first, when that one is an ancestor (`table.wrap td.spacer p` as
 * `table.wrap p`, `.a > .b` as `.a .b`, `.a + .b` as `.b`), without pseudo-classes and
 * pseudo-elements (`a:hover`, `.x::before`, `:not(.y)` as `a`, `.x`, `*`): it then matches
 * every element the browser's does, and more, in one walk down the page. A browser's (and
 * css-select's) matching of descendant combinators backtracks through the ancestors, which a
 * hostile `p div div div div x` on a deep page makes cost minutes. A selector that cannot
 * be read stands for every element.
 */
export function declaredBySheet(sheet: StyleSheet, root: ParentNode, elements: number): Map<Element, Declaration[]> | null {
  const matchers = sheet.rules.flatMap((rule) => matchersOf(rule.selector, rule.declarations));
  if (matchers.length * elements > MAX_MATCHES) return null;
  const declared = new Map<Element, Declaration[]>();
  const none = new Uint8Array(matchers.length);
  // Which matchers have an ancestor compound met above each element: one flag per matcher, shared until one changes.
  const stack: [ParentNode, Uint8Array][] = [[root, none]];
  while (stack.length > 0) {
    const [parent, above] = stack.pop()!;
    for (const child of parent.children) {
      if (!(child instanceof Element)) continue;
      let below = above;
      matchers.forEach((matcher, i) => {
        if (matcher.self(child) && (matcher.ancestor === null || above[i] === 1)) addTo(declared, child, matcher.declarations);
        if (matcher.ancestor !== null && above[i] === 0 && matcher.ancestor(child)) {
          if (below === above) below = above.slice();
          below[i] = 1;
        }
      });
      stack.push([child, below]);
    }
  }
  return declared;
}

function addTo(declared: Map<Element, Declaration[]>, element: Element, declarations: Declaration[]): void {
  const list = declared.get(element);
  if (list) list.push(...declarations);
  else declared.set(element, [...declarations]);
}

const EVERY: Selector[] = [{ type: SelectorType.Universal, namespace: null }];
const TRAVERSALS = new Set<Selector['type']>([
  SelectorType.Adjacent,
  SelectorType.Child,
  SelectorType.Descendant,
  SelectorType.Parent,
  SelectorType.Sibling,
  SelectorType.ColumnCombinator,
]);

/** The matchers of a selector list; one for every element when it cannot be read. */
function matchersOf(selector: string, declarations: Declaration[]): Matcher[] {
  let list: Selector[][];
  try {
    list = parseSelector(selector);
  } catch {
    list = [EVERY];
  }
  return list.map((tokens) => {
    const compounds: Selector[][] = [[]];
    const combinators: Selector['type'][] = [];
    for (const token of tokens) {
      if (TRAVERSALS.has(token.type)) {
        combinators.push(token.type);
        compounds.push([]);
      } else if (token.type !== SelectorType.Pseudo && token.type !== SelectorType.PseudoElement) compounds.at(-1)!.push(token);
    }
    const ancestral = combinators.length > 0 && combinators.every((type) => type === SelectorType.Descendant || type === SelectorType.Child);
    return { ancestor: ancestral ? compound(compounds[0]!) : null, self: compound(compounds.at(-1)!), declarations };
  });
}

/** A compound selector (no combinator) as a test of one element. */
function compound(tokens: Selector[]): (element: Element) => boolean {
  return compile<ChildNode, Element>([tokens.length > 0 ? tokens : EVERY]) as (element: Element) => boolean;
}

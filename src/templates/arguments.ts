import { createRequire } from 'node:module';
import type { ParseOptions, SelectCase } from '@messageformat/parser';

/**
 * The compiler's own copy of the parser (CommonJS), which it loads anyway: importing the
 * package's ESM build would load and run a second parser and lexer, measured at ~50 ms of CPU
 * more per `facteur ask` on this 2-core machine.
 */
const { parse } = createRequire(import.meta.url)('@messageformat/parser') as typeof import('@messageformat/parser');

type Token = SelectCase['tokens'][number];

/**
 * How a message uses an argument: printed as it is (`text`), counted by a `plural` (`number`),
 * picked by a `select`, or formatted (`money`, `date`): what a caller must pass for it.
 */
export type ArgumentKind = 'text' | 'number' | 'select' | 'money' | 'date';

/** Each argument a message takes, and how it uses it. */
export type Arguments = Map<string, ArgumentKind>;

/** Formatted arguments take a value of their own kind (an amount, a day); the others take text or a number alike. */
const formatted = (kind: ArgumentKind) => kind === 'money' || kind === 'date';

const QUOTED =
  "an apostrophe right before a brace or # starts quoted text, up to the next apostrophe (\"d'{name} et l'autre\" prints \"d{name} et lautre\"): write ’ or '' there";

/**
 * Text and `{name}` placeholders, with no apostrophe before a brace, # or another apostrophe:
 * most messages are no more, valid as they stand and printed as written, so their arguments
 * are read without the parser, which a `facteur ask` would otherwise run on every one of them.
 */
const PLAIN = /^(?:[^{}']|'(?![{}#'])|\{\w+\})*$/;

/**
 * Parses a message, as the compiler will, and returns the arguments it takes, so that the
 * catalog can compare the languages. Beyond what the parser refuses (an unbalanced brace, a
 * plural case the language has not), it refuses what would only fail when the sentence is
 * built: a formatter other than `formatters`, a style after one (`{due, date, long}`), a
 * `select` or `plural` without the `other` case, an argument formatted and also printed as it is;
 * and quoted text, which French apostrophes start by mistake far more often than on purpose.
 */
export function argumentsOf(source: string, options: ParseOptions, formatters: readonly string[]): Arguments {
  if (PLAIN.test(source)) return new Map([...source.matchAll(/\{(\w+)\}/g)].map((match) => [match[1]!, 'text']));
  const taken: Arguments = new Map();
  const take = (name: string, kind: ArgumentKind) => {
    const before = taken.get(name);
    if (before !== undefined && before !== kind && (formatted(before) || formatted(kind))) throw new Error(`{${name}} is used both as ${before} and as ${kind}`);
    if (before === undefined || before === 'text') taken.set(name, kind);
  };
  const walk = (tokens: Token[]): void => {
    for (const token of tokens) {
      if (token.type === 'content' && token.ctx.text.replaceAll("''", "'") !== token.value) throw new Error(QUOTED);
      else if (token.type === 'argument') take(token.arg, 'text');
      else if (token.type === 'function') {
        if (!formatters.includes(token.key)) throw new Error(`{${token.arg}, ${token.key}}: there is no formatter "${token.key}" (there are ${formatters.join(', ')})`);
        if (token.param) throw new Error(`{${token.arg}, ${token.key}, …}: ${token.key} takes no style`);
        take(token.arg, token.key as ArgumentKind);
      } else if (token.type === 'plural' || token.type === 'select' || token.type === 'selectordinal') {
        if (!token.cases.some((c) => c.key === 'other')) throw new Error(`{${token.arg}, ${token.type}, …} has no "other" case`);
        take(token.arg, token.type === 'select' ? 'select' : 'number');
        for (const c of token.cases) walk(c.tokens);
      }
    }
  };
  walk(parse(source, options));
  return taken;
}

/** `{count}, {total} (money)`: the arguments a caller must pass, sorted, the formatted ones marked; equal for two languages that take the same. */
export function describeArguments(taken: Arguments): string {
  return [...taken.keys()]
    .toSorted()
    .map((name) => (formatted(taken.get(name)!) ? `{${name}} (${taken.get(name)})` : `{${name}}`))
    .join(', ');
}

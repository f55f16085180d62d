import { readFile } from 'node:fs/promises';
import path from 'node:path';
import MessageFormatModule from '@messageformat/core';
import { LOCALES, type Amount, type Locale } from '../billing/types.js';
import { argumentsOf, describeArguments, type Arguments } from './arguments.js';
import { FORMATTERS } from './formatters.js';
import { ActionableError } from '../faults.js';

// A CommonJS package whose types say `export default`: imported from ESM, its default is the class itself.
const MessageFormat = MessageFormatModule as unknown as typeof MessageFormatModule.default;

/**
 * What a message takes: text and numbers as they are printed (and counted, by `plural`), a
 * status or other word a `select` picks by, an {@link Amount} (or one per currency) for
 * `{x, money}`, a `YYYY-MM-DD` day or a Date for `{x, date}`; null or undefined where a case
 * not picked would have used it (an unpaid invoice's payment day).
 */
export type Param = string | number | Date | Amount | readonly Amount[] | null | undefined;
export type Params = Record<string, Param>;

type Message = (params: Params) => string;

/** A template file that cannot be used; the message names the file and what is wrong, for the operator who edited it. */
export class TemplateError extends ActionableError {
  override name = 'TemplateError';
}

/**
 * Every sentence a customer reads, from `templates/messages/<locale>.json`, so that an
 * operator can reword them without touching the code. Messages are ICU MessageFormat:
 * `{name}`, `{count, plural, one {…} other {…}}`, `{status, select, paid {…} other {…}}`,
 * `{total, money}`, `{due, date}`. Each is checked when the catalog loads, so that a broken one
 * stops start-up with its file and key, and compiled to a function once, when first used.
 */
export class Catalog {
  private constructor(private readonly messages: Record<Locale, Map<string, Message>>) {}

  /**
   * Loads both languages and refuses catalogs whose keys differ, a message that does not
   * parse (an unbalanced brace, a plural case the language has not, an unknown formatter),
   * and a message whose arguments differ between the languages, naming the file and the key.
   */
  static async load(templatesDir: string): Promise<Catalog> {
    const dir = path.join(templatesDir, 'messages');
    const sources = {} as Record<Locale, Record<string, string>>;
    for (const locale of LOCALES) sources[locale] = await readCatalog(path.join(dir, `${locale}.json`));
    const keys = new Set(LOCALES.flatMap((locale) => Object.keys(sources[locale])));
    const missing = LOCALES.flatMap((locale) => [...keys].filter((key) => !(key in sources[locale])).map((key) => `${locale}:${key}`));
    if (missing.length > 0) throw new TemplateError(`${dir}: keys missing in a language: ${missing.join(', ')}`);
    const read = Object.fromEntries(LOCALES.map((locale) => [locale, readMessages(path.join(dir, `${locale}.json`), locale, sources[locale])])) as Record<Locale, ReadMessages>;
    for (const key of keys) {
      const taken = LOCALES.map((locale) => describeArguments(read[locale].taken.get(key)!) || 'no argument');
      if (taken.some((what) => what !== taken[0])) {
        throw new TemplateError(`${dir}: "${key}" takes ${taken.map((what, i) => `${what} in ${LOCALES[i]}.json`).join(' but ')}: both languages must take the same`);
      }
    }
    return new Catalog(Object.fromEntries(LOCALES.map((locale) => [locale, read[locale].messages])) as Record<Locale, Map<string, Message>>);
  }

  /** The sentence `key` in `locale`, with its arguments formatted; an unknown key is a bug and throws. */
  t(locale: Locale, key: string, params: Params = {}): string {
    const message = this.messages[locale].get(key);
    if (message === undefined) throw new Error(`templates/messages/${locale}.json has no "${key}"`);
    return message(params);
  }
}

interface ReadMessages {
  messages: Map<string, Message>;
  taken: Map<string, Arguments>;
}

/**
 * Checks every message of one language and makes each a function. Each is compiled when first
 * used, once: checking them all is what finds a broken one at start, while compiling them all
 * too would add ~60 ms of CPU to every `facteur ask` (measured here), for the few sentences one
 * answer uses.
 */
function readMessages(file: string, locale: Locale, sources: Record<string, string>): ReadMessages {
  const compiler = new MessageFormat(locale, { customFormatters: FORMATTERS });
  const { cardinals, ordinals } = compiler.resolvedOptions().plurals[0]!;
  const read: ReadMessages = { messages: new Map(), taken: new Map() };
  for (const [key, source] of Object.entries(sources)) {
    try {
      read.taken.set(key, argumentsOf(source, { cardinal: cardinals, ordinal: ordinals }, Object.keys(FORMATTERS)));
    } catch (error) {
      throw new TemplateError(`${file}: "${key}": ${(error as Error).message}`, { cause: error });
    }
    let compiled: Message | undefined;
    read.messages.set(key, (params) => (compiled ??= compiler.compile(source) as Message)(params));
  }
  return read;
}

async function readCatalog(file: string): Promise<Record<string, string>> {
  let messages: unknown;
  try {
    messages = JSON.parse(await readFile(file, 'utf8'));
  } catch (error) {
    throw new TemplateError(`${file}: ${(error as Error).message}`, { cause: error });
  }
  const notText = Object.entries(messages as Record<string, unknown>).find(([, message]) => typeof message !== 'string');
  if (notText) throw new TemplateError(`${file}: "${notText[0]}" is not a sentence in quotes`);
  return messages as Record<string, string>;
}

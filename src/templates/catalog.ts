import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { LOCALES, type Locale } from '../billing/types.js';

export type Params = Record<string, string | number>;

/** A template file that cannot be used; the message names the file and what is wrong, for the operator who edited it. */
export class TemplateError extends Error {
  override name = 'TemplateError';
}

/**
 * Every sentence a customer reads, from `templates/messages/<locale>.json`, so that an
 * operator can reword them without touching the code. Placeholders are `{name}`.
 */
export class Catalog {
  private constructor(private readonly messages: Record<Locale, Record<string, string>>) {}

  /** Loads both languages and refuses catalogs whose keys differ, naming the missing ones. */
  static async load(templatesDir: string): Promise<Catalog> {
    const messages = {} as Record<Locale, Record<string, string>>;
    for (const locale of LOCALES) {
      const file = path.join(templatesDir, 'messages', `${locale}.json`);
      try {
        messages[locale] = JSON.parse(await readFile(file, 'utf8')) as Record<string, string>;
      } catch (error) {
        throw new TemplateError(`${file}: ${(error as Error).message}`);
      }
    }
    const keys = new Set(LOCALES.flatMap((locale) => Object.keys(messages[locale])));
    const missing = LOCALES.flatMap((locale) => [...keys].filter((key) => !(key in messages[locale])).map((key) => `${locale}:${key}`));
    if (missing.length > 0) throw new TemplateError(`${path.join(templatesDir, 'messages')}: keys missing in a language: ${missing.join(', ')}`);
    return new Catalog(messages);
  }

  /** The sentence `key` in `locale`, with `{placeholders}` filled; an unknown key is a bug and throws. */
  t(locale: Locale, key: string, params: Params = {}): string {
    const message = this.messages[locale][key];
    if (message === undefined) throw new Error(`templates/messages/${locale}.json has no "${key}"`);
    return message.replace(/\{(\w+)\}/g, (whole, name: string) => (name in params ? String(params[name]) : whole));
  }
}

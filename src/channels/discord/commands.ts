import {
  ApplicationCommandOptionType,
  ApplicationCommandType,
  ApplicationIntegrationType,
  InteractionContextType,
  type APIApplicationCommandBasicOption,
  type APIApplicationCommandOption,
  type RESTPostAPIChatInputApplicationCommandsJSONBody,
} from 'discord.js';
import { CODE_DIGITS } from '../../billing/codes.js';
import { LINK_CODE_DIGITS, type LinkCommands } from '../../account-linking/linking.js';
import type { Locale } from '../../billing/types.js';
import type { Catalog, Params } from '../../templates/catalog.js';

/**
 * Facteur's slash commands. Their names and descriptions are not here but in
 * templates/messages, under `discord.<command>[.<subcommand>][.<option>].name` and
 * `.description`: the English words are the commands' own, the French ones their
 * `name_localizations`/`description_localizations`, so a French Discord client shows
 * `/factures année:` where an English one shows `/invoices year:`.
 */
export interface OptionSpec {
  key: string;
  type: 'string' | 'integer' | 'boolean';
  required?: boolean;
  autocomplete?: boolean;
  /** An integer's bounds. */
  min?: number;
  max?: number;
  /** Fixed values; each one's label is `discord.<path>.<value>` in the catalogs. */
  choices?: string[];
  /**
   * A code of exactly this many digits, as the code mails send it: the option's length, so
   * that Discord lets exactly such a code be typed, and `{digits}` in its description.
   */
  digits?: number;
}

export interface CommandSpec {
  key: string;
  options?: OptionSpec[];
  subcommands?: { key: string; options?: OptionSpec[] }[];
}

const date = (key: string): OptionSpec => ({ key, type: 'string' });
const invoiceNumber: OptionSpec = { key: 'number', type: 'string', required: true, autocomplete: true };

export const COMMANDS: CommandSpec[] = [
  {
    key: 'invoices',
    options: [
      { key: 'year', type: 'integer', min: 2000, max: 2099 },
      { key: 'month', type: 'integer', min: 1, max: 12 },
      { key: 'unpaid', type: 'boolean' },
      date('from'),
      date('to'),
    ],
  },
  { key: 'invoice', options: [invoiceNumber] },
  { key: 'details', options: [invoiceNumber] },
  { key: 'statement', options: [{ key: 'year', type: 'integer', min: 2000, max: 2099 }, date('from'), date('to')] },
  { key: 'zip', options: [{ key: 'numbers', type: 'string' }, { key: 'year', type: 'integer', min: 2000, max: 2099 }, date('from'), date('to')] },
  {
    key: 'notifications',
    subcommands: [
      { key: 'show' },
      { key: 'address', options: [{ key: 'address', type: 'string', required: true }] },
      { key: 'confirm', options: [{ key: 'code', type: 'string', required: true, digits: CODE_DIGITS }] },
      { key: 'attachments', options: [{ key: 'on', type: 'boolean', required: true }] },
      { key: 'dm', options: [{ key: 'on', type: 'boolean', required: true }] },
      // Invoice contacts: one subcommand each, so that no command carries two asks at once.
      { key: 'contacts' },
      { key: 'contactAdd', options: [{ key: 'address', type: 'string', required: true }] },
      { key: 'contactRemove', options: [{ key: 'address', type: 'string', required: true }] },
      {
        key: 'contactAsk',
        options: [
          { key: 'address', type: 'string', required: true },
          { key: 'on', type: 'boolean', required: true },
        ],
      },
    ],
  },
  {
    key: 'link',
    subcommands: [
      { key: 'email', options: [{ key: 'address', type: 'string', required: true }] },
      { key: 'code', options: [{ key: 'code', type: 'string', required: true, digits: LINK_CODE_DIGITS }] },
    ],
  },
  { key: 'unlink' },
  { key: 'help' },
  {
    key: 'staff',
    subcommands: [
      {
        key: 'resend',
        options: [
          { key: 'invoice', type: 'string', required: true },
          { key: 'via', type: 'string', choices: ['email', 'dm', 'both'] },
        ],
      },
      { key: 'log', options: [{ key: 'customer', type: 'string', required: true }] },
      { key: 'failed' },
      {
        key: 'reminders',
        options: [
          { key: 'numbers', type: 'string' },
          { key: 'send', type: 'boolean' },
        ],
      },
    ],
  },
];

/** The commands as Discord's API takes them (`PUT /applications/{id}/commands`). */
export function commandDefinitions(catalog: Catalog): RESTPostAPIChatInputApplicationCommandsJSONBody[] {
  const words = (path: string, params: Params = {}) => ({
    name: catalog.t('en', `discord.${path}.name`),
    name_localizations: { fr: catalog.t('fr', `discord.${path}.name`) },
    description: catalog.t('en', `discord.${path}.description`, params),
    description_localizations: { fr: catalog.t('fr', `discord.${path}.description`, params) },
  });
  const option = (path: string, spec: OptionSpec): APIApplicationCommandBasicOption => {
    const base = { ...words(`${path}.${spec.key}`, spec.digits ? { digits: spec.digits } : {}), required: spec.required ?? false };
    if (spec.type === 'boolean') return { ...base, type: ApplicationCommandOptionType.Boolean };
    if (spec.type === 'integer') {
      return {
        ...base,
        type: ApplicationCommandOptionType.Integer,
        ...(spec.min !== undefined ? { min_value: spec.min } : {}),
        ...(spec.max !== undefined ? { max_value: spec.max } : {}),
      };
    }
    const choices = spec.choices?.map((value) => ({
      name: catalog.t('en', `discord.${path}.${spec.key}.${value}`),
      name_localizations: { fr: catalog.t('fr', `discord.${path}.${spec.key}.${value}`) },
      value,
    }));
    return {
      ...base,
      type: ApplicationCommandOptionType.String,
      ...(spec.digits !== undefined ? { min_length: spec.digits, max_length: spec.digits } : {}),
      ...(choices ? { choices } : spec.autocomplete ? { autocomplete: true } : {}),
    } as APIApplicationCommandBasicOption;
  };
  return COMMANDS.map((command) => {
    const options: APIApplicationCommandOption[] = command.subcommands
      ? command.subcommands.map((sub) => ({
          ...words(`${command.key}.${sub.key}`),
          type: ApplicationCommandOptionType.Subcommand,
          options: (sub.options ?? []).map((spec) => option(`${command.key}.${sub.key}`, spec)),
        }))
      : (command.options ?? []).map((spec) => option(command.key, spec));
    return {
      ...words(command.key),
      type: ApplicationCommandType.ChatInput,
      options,
      // In servers and in the bot's direct messages; installed to a server.
      contexts: [InteractionContextType.Guild, InteractionContextType.BotDM],
      integration_types: [ApplicationIntegrationType.GuildInstall],
    };
  });
}

/**
 * Discord sends a command's registered (English) names back, whatever the user's language:
 * these look them up by the keys used in the code.
 */
export class CommandNames {
  constructor(private readonly catalog: Catalog) {}

  /** The registered name of `discord.<path>`: `name('invoices.year')` is `year`. */
  name(path: string): string {
    return this.catalog.t('en', `discord.${path}.name`);
  }

  /** The key of the command Discord calls `name`, if it is one of ours. */
  command(name: string): string | undefined {
    return COMMANDS.find((command) => this.name(command.key) === name)?.key;
  }

  /** A command (and subcommand) as a Discord user of `locale` sees it: `shown('fr', 'link.code')` is `/lier code`. */
  shown(locale: Locale, path: string): string {
    const keys = path.split('.');
    return `/${keys.map((_, i) => this.catalog.t(locale, `discord.${keys.slice(0, i + 1).join('.')}.name`)).join(' ')}`;
  }

  /** The linking commands as `AccountLinks` names them in its answers. */
  linking(locale: Locale): LinkCommands {
    return { request: this.shown(locale, 'link.email'), confirm: this.shown(locale, 'link.code') };
  }

  subcommand(command: string, name: string | null): string | undefined {
    return COMMANDS.find((c) => c.key === command)?.subcommands?.find((sub) => this.name(`${command}.${sub.key}`) === name)?.key;
  }
}

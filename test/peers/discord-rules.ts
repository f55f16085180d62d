/**
 * What Discord refuses, as Discord's own rules, for the local Discord of discord.ts: a body
 * over a published limit gets HTTP 400 `{ code: 50035, message: "Invalid Form Body", errors }`
 * with each fault under the path of the field at fault (`data.embeds.0.fields.3.value`), as
 * Discord answers; and a slash command whose options the Discord client would not let a user
 * submit (a code longer than the option's `max_length`, a value outside its choices, a required
 * option left out) is never sent at all. A local Discord that took every body would hide the
 * faults a user meets first: a refused answer leaves the customer with nothing.
 *
 * The limits are Discord's published ones (discord/discord-api-spec `specs/openapi.json` and
 * discord/discord-api-docs), tabled in shared/discord-testing.md. Lengths count characters
 * (code points), as Discord does.
 */

/** Discord's published limits. */
export const LIMITS = {
  content: 2000,
  embedsPerMessage: 10,
  attachmentsPerMessage: 10,
  /** What a bot may upload, unless an interaction's `attachment_size_limit` says more. */
  fileBytes: 10 * 1024 * 1024,
  embed: { title: 256, description: 4096, fields: 25, fieldName: 256, fieldValue: 1024, footer: 2048, author: 256, total: 6000 },
  rows: 5,
  perRow: 5,
  customId: 100,
  buttonLabel: 80,
  /** A link button's address (discord-api-spec: ButtonComponentForMessageRequest.url, maxLength 512), and an embed's (RichEmbed.url, 2,048). */
  buttonUrl: 512,
  embedUrl: 2048,
  select: { placeholder: 150, options: 25, values: 25, label: 100, value: 100, description: 100 },
  nonce: 25,
  command: { name: 32, description: 100, options: 25, choices: 25, choiceName: 100, choiceValue: 100, text: 8000, perScope: 100, stringLength: 6000 },
  autocompleteChoices: 25,
  /** An interaction is answered (or deferred) within 3 s; its token takes edits and follow-ups for 15 minutes. */
  answerMs: 3_000,
  tokenMs: 15 * 60_000,
} as const;

/** Discord's JSON error codes the local Discord answers with. */
export const CODES = {
  unknownWebhook: 10015,
  unknownMessage: 10008,
  unknownInteraction: 10062,
  requestTooLarge: 40005,
  alreadyAcknowledged: 40060,
  invalidWebhookToken: 50027,
  emptyMessage: 50006,
  invalidFormBody: 50035,
} as const;

/** A command's and an option's name: lowercase where a letter has a lowercase. */
const NAME = /^[-_'\p{L}\p{N}\p{sc=Deva}\p{sc=Thai}]{1,32}$/u;

/** The locales a localization dictionary may name. */
const LOCALES = new Set('id da de en-GB en-US es-ES es-419 fr hr it lt hu nl no pl pt-BR ro fi sv-SE vi tr cs el bg ru uk hi th zh-CN ja zh-TW ko'.split(' '));

export const OPTION_TYPES = { subcommand: 1, group: 2, string: 3, integer: 4, boolean: 5, number: 10 } as const;
const BUTTON = 2;
const STRING_SELECT = 3;
const ACTION_ROW = 1;
const LINK_STYLE = 5;
const PREMIUM_STYLE = 6;
/** The message flag of Discord's newer layout components, which lift the five-rows rule; Facteur does not use them. */
const IS_COMPONENTS_V2 = 1 << 15;

export interface FieldError {
  code: string;
  message: string;
}

/** Discord's `errors`: an object per field of the body (array items by index), its faults in `_errors`. */
export interface FormErrors {
  [field: string]: FormErrors | FieldError[];
}

type Path = (string | number)[];

/** The faults found in one body, gathered into Discord's `errors` tree. */
export class Form {
  readonly errors: FormErrors = {};
  private faults = 0;

  add(path: Path, code: string, message: string): void {
    let node = this.errors;
    for (const key of path) node = (node[String(key)] ??= {}) as FormErrors;
    ((node._errors ??= []) as FieldError[]).push({ code, message });
    this.faults++;
  }

  get refused(): boolean {
    return this.faults > 0;
  }

  /** Discord's answer to the body: 400 Invalid Form Body with the faults, or null when there are none. */
  answer(): { code: number; message: string; errors: FormErrors } | null {
    return this.refused ? { code: CODES.invalidFormBody, message: 'Invalid Form Body', errors: this.errors } : null;
  }
}

/** The length Discord counts: characters, not UTF-16 units. */
export function charCount(text: string): number {
  return [...text].length;
}

function text(form: Form, path: Path, value: unknown, { min = 0, max, required = false }: { min?: number; max: number; required?: boolean }): void {
  if (value === undefined || value === null) {
    if (required) form.add(path, 'BASE_TYPE_REQUIRED', 'This field is required');
    return;
  }
  if (typeof value !== 'string') return form.add(path, 'BASE_TYPE_STRING', `Could not interpret "${String(value)}" as string.`);
  const length = charCount(value);
  if (required && length === 0) return form.add(path, 'BASE_TYPE_REQUIRED', 'This field is required');
  if (min > 0 && (length < min || length > max)) form.add(path, 'BASE_TYPE_BAD_LENGTH', `Must be between ${min} and ${max} in length.`);
  else if (length > max) form.add(path, 'BASE_TYPE_MAX_LENGTH', `Must be ${max} or fewer in length.`);
}

function list(form: Form, path: Path, value: unknown, { min = 0, max }: { min?: number; max: number }): unknown[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) {
    form.add(path, 'BASE_TYPE_ARRAY', 'Must be an array.');
    return [];
  }
  if (min > 0 && (value.length < min || value.length > max)) form.add(path, 'BASE_TYPE_BAD_LENGTH', `Must be between ${min} and ${max} in length.`);
  else if (value.length > max) form.add(path, 'BASE_TYPE_MAX_LENGTH', `Must be ${max} or fewer in length.`);
  return value;
}

function integer(form: Form, path: Path, value: unknown, min: number, max: number): void {
  if (value === undefined || value === null) return;
  if (!Number.isInteger(value)) form.add(path, 'NUMBER_TYPE_COERCE', `Value "${String(value)}" is not int.`);
  else if ((value as number) < min) form.add(path, 'NUMBER_TYPE_MIN', `int value should be greater than or equal to ${min}.`);
  else if ((value as number) > max) form.add(path, 'NUMBER_TYPE_MAX', `int value should be less than or equal to ${max}.`);
}

// ---------------------------------------------------------------- messages

export interface MessageContext {
  /** Files uploaded with the body (multipart `files[n]`). */
  files: number;
  /** For an edit: the message as it stands, which the body changes field by field. */
  editing?: { content?: string; embeds?: unknown[]; components?: unknown[]; attachments?: unknown[] };
}

/**
 * A message's body (a new message, an edit, an interaction's reply or update), checked at
 * `path` (`[]`, or `['data']` in an interaction callback). An empty message is another
 * refusal (see `isEmpty`).
 */
export function checkMessage(form: Form, path: Path, body: any, context: MessageContext): void {
  if (body === null || typeof body !== 'object') return form.add(path, 'DICT_TYPE_CONVERT', 'Only dictionaries may be used in a DictType');
  text(form, [...path, 'content'], body.content, { max: LIMITS.content });
  const embeds = list(form, [...path, 'embeds'], body.embeds, { max: LIMITS.embedsPerMessage });
  embeds.forEach((embed, i) => checkEmbed(form, [...path, 'embeds', i], embed));
  const size = embeds.reduce((sum: number, embed) => sum + embedSize(embed), 0);
  if (size > LIMITS.embed.total) form.add([...path, 'embeds'], 'MAX_EMBED_SIZE_EXCEEDED', `Embed size exceeds maximum size of ${LIMITS.embed.total}`);
  checkComponents(form, [...path, 'components'], body.components, Number(body.flags ?? 0));
  checkAllowedMentions(form, [...path, 'allowed_mentions'], body.allowed_mentions);
  list(form, [...path, 'attachments'], body.attachments, { max: LIMITS.attachmentsPerMessage });
  if (context.files > LIMITS.attachmentsPerMessage)
    form.add([...path, 'files'], 'BASE_TYPE_MAX_LENGTH', `Must be ${LIMITS.attachmentsPerMessage} or fewer in length.`);
  if (typeof body.nonce === 'string') text(form, [...path, 'nonce'], body.nonce, { max: LIMITS.nonce });
  integer(form, [...path, 'flags'], body.flags, 0, 2 ** 31 - 1);
}

/** A message with nothing to show: no text, embed, component nor file. Discord refuses it (50006), and an edit that would leave one. */
export function isEmpty(body: any, context: MessageContext): boolean {
  const was = context.editing;
  const field = <T>(name: string, before: T | undefined): T | undefined => (body && name in body ? body[name] : before);
  const content = field<string>('content', was?.content) ?? '';
  const embeds = field<unknown[]>('embeds', was?.embeds) ?? [];
  const components = field<unknown[]>('components', was?.components) ?? [];
  const attachments = context.files > 0 ? context.files : (field<unknown[]>('attachments', was?.attachments) ?? []).length;
  return content.trim() === '' && embeds.length === 0 && components.length === 0 && attachments === 0 && !body?.sticker_ids?.length && !body?.poll;
}

/** What counts toward the 6,000 characters of a message's embeds. */
function embedSize(embed: any): number {
  const count = (value: unknown) => (typeof value === 'string' ? charCount(value) : 0);
  const fields = Array.isArray(embed?.fields) ? embed.fields : [];
  return (
    count(embed?.title) +
    count(embed?.description) +
    count(embed?.footer?.text) +
    count(embed?.author?.name) +
    fields.reduce((sum: number, f: any) => sum + count(f?.name) + count(f?.value), 0)
  );
}

function checkEmbed(form: Form, path: Path, embed: any): void {
  const { embed: limits } = LIMITS;
  text(form, [...path, 'title'], embed?.title, { max: limits.title });
  text(form, [...path, 'description'], embed?.description, { max: limits.description });
  if (embed?.url !== undefined) checkUrl(form, [...path, 'url'], embed.url, LIMITS.embedUrl);
  integer(form, [...path, 'color'], embed?.color, 0, 0xffffff);
  const fields = list(form, [...path, 'fields'], embed?.fields, { max: limits.fields });
  fields.forEach((field: any, i) => {
    text(form, [...path, 'fields', i, 'name'], field?.name, { max: limits.fieldName, required: true });
    text(form, [...path, 'fields', i, 'value'], field?.value, { max: limits.fieldValue, required: true });
  });
  if (embed?.footer !== undefined) text(form, [...path, 'footer', 'text'], embed.footer?.text, { max: limits.footer, required: true });
  if (embed?.author !== undefined) text(form, [...path, 'author', 'name'], embed.author?.name, { max: limits.author, required: true });
}

/** Action rows of buttons and select menus (the only top-level components without the V2 flag), custom_ids unique in the message. */
function checkComponents(form: Form, path: Path, components: unknown, flags: number): void {
  if ((flags & IS_COMPONENTS_V2) !== 0) return;
  const rows = list(form, path, components, { max: LIMITS.rows });
  const seen = new Set<string>();
  rows.forEach((row: any, r) => {
    if (row?.type !== ACTION_ROW) return form.add([...path, r, 'type'], 'UNION_TYPE_CHOICES', `Value of field "type" must be one of (${ACTION_ROW},).`);
    const children = list(form, [...path, r, 'components'], row.components, { min: 1, max: LIMITS.perRow });
    if (children.length > 1 && children.some((c: any) => c?.type !== BUTTON)) {
      form.add([...path, r, 'components'], 'COMPONENT_LAYOUT_WIDTH_EXCEEDED', 'The specified component exceeds the maximum width');
    }
    children.forEach((component: any, c) => {
      const at = [...path, r, 'components', c];
      if (component?.custom_id !== undefined) {
        if (seen.has(String(component.custom_id))) form.add([...at, 'custom_id'], 'COMPONENT_CUSTOM_ID_DUPLICATED', 'Component custom id cannot be duplicated');
        seen.add(String(component.custom_id));
      }
      if (component?.type === BUTTON) checkButton(form, at, component);
      else if (component?.type === STRING_SELECT) checkSelect(form, at, component);
      else form.add([...at, 'type'], 'UNION_TYPE_CHOICES', `Value of field "type" must be one of (${BUTTON}, ${STRING_SELECT}).`);
    });
  });
}

function checkButton(form: Form, path: Path, button: any): void {
  integer(form, [...path, 'style'], button.style, 1, 6);
  text(form, [...path, 'label'], button.label, { max: LIMITS.buttonLabel });
  if (button.style === LINK_STYLE) {
    checkUrl(form, [...path, 'url'], button.url ?? '', LIMITS.buttonUrl);
    if ((button.label ?? '') === '' && button.emoji === undefined)
      form.add([...path, 'label'], 'BUTTON_COMPONENT_LABEL_OR_EMOJI_REQUIRED', 'A button must have a label or an emoji');
    if (button.custom_id !== undefined) form.add([...path, 'custom_id'], 'BUTTON_COMPONENT_CUSTOM_ID_NOT_ALLOWED', 'A link button cannot have a custom id');
    return;
  }
  if (button.style === PREMIUM_STYLE) return;
  text(form, [...path, 'custom_id'], button.custom_id, { min: 1, max: LIMITS.customId, required: true });
  if ((button.label ?? '') === '' && button.emoji === undefined)
    form.add([...path, 'label'], 'BUTTON_COMPONENT_LABEL_OR_EMOJI_REQUIRED', 'A button must have a label or an emoji');
}

/** An address Discord shows as a link: well formed, within `max` characters, and of a scheme it opens (http, https, or its own discord:). */
function checkUrl(form: Form, path: Path, url: unknown, max: number): void {
  const written = String(url);
  if (!URL.canParse(written) || !['http:', 'https:', 'discord:'].includes(new URL(written).protocol))
    form.add(path, 'URL_TYPE_INVALID_URL', 'Not a well formed URL.');
  else text(form, path, url, { max });
}

function checkSelect(form: Form, path: Path, select: any): void {
  const { select: limits } = LIMITS;
  text(form, [...path, 'custom_id'], select.custom_id, { min: 1, max: LIMITS.customId, required: true });
  text(form, [...path, 'placeholder'], select.placeholder, { max: limits.placeholder });
  const options = list(form, [...path, 'options'], select.options, { min: 1, max: limits.options });
  if (select.options === undefined) form.add([...path, 'options'], 'BASE_TYPE_REQUIRED', 'This field is required');
  integer(form, [...path, 'min_values'], select.min_values, 0, limits.values);
  integer(form, [...path, 'max_values'], select.max_values, 1, limits.values);
  const min = select.min_values ?? 1;
  const max = select.max_values ?? 1;
  if (min > max) form.add([...path, 'min_values'], 'SELECT_COMPONENT_MIN_VALUES_GREATER_THAN_MAX', 'min_values must be less than or equal to max_values');
  if (options.length > 0 && max > options.length)
    form.add([...path, 'max_values'], 'SELECT_COMPONENT_MAX_VALUES_EXCEEDS_OPTIONS', 'max_values must be less than or equal to the number of options');
  const values = new Set<string>();
  options.forEach((option: any, o) => {
    text(form, [...path, 'options', o, 'label'], option?.label, { min: 1, max: limits.label, required: true });
    text(form, [...path, 'options', o, 'value'], option?.value, { min: 1, max: limits.value, required: true });
    text(form, [...path, 'options', o, 'description'], option?.description, { max: limits.description });
    if (values.has(String(option?.value)))
      form.add([...path, 'options', o, 'value'], 'SELECT_COMPONENT_OPTION_VALUE_DUPLICATED', 'Select option values must be unique');
    values.add(String(option?.value));
  });
  if (options.filter((option: any) => option?.default === true).length > max) {
    form.add([...path, 'options'], 'SELECT_COMPONENT_TOO_MANY_DEFAULT_VALUES', 'The number of default options exceeds max_values');
  }
}

const MENTION_KINDS = new Set(['everyone', 'roles', 'users']);

function checkAllowedMentions(form: Form, path: Path, allowed: any): void {
  if (allowed === undefined || allowed === null) return;
  const parse = list(form, [...path, 'parse'], allowed.parse, { max: 3 });
  parse.forEach(
    (kind, i) =>
      MENTION_KINDS.has(String(kind)) || form.add([...path, 'parse', i], 'BASE_TYPE_CHOICES', "Value must be one of {'everyone', 'roles', 'users'}."),
  );
  list(form, [...path, 'users'], allowed.users, { max: 100 });
  list(form, [...path, 'roles'], allowed.roles, { max: 100 });
  for (const kind of ['users', 'roles'] as const) {
    if (parse.includes(kind) && Array.isArray(allowed[kind]) && allowed[kind].length > 0) {
      form.add([...path, kind], 'MESSAGE_ALLOWED_MENTIONS_PARSE_EXCLUSIVE', `parse:["${kind}"] and ${kind}: [ids...] are mutually exclusive.`);
    }
  }
}

/**
 * Whom a message pings, as Discord decides it: `@everyone`/`@here`, `<@user>` and `<@&role>`
 * in its content, as far as `allowed_mentions` lets them (all of them when it is absent).
 * Mentions in embeds never ping.
 */
export function pings(
  content: string,
  allowed: { parse?: string[]; users?: string[]; roles?: string[] } | undefined,
): { everyone: boolean; users: string[]; roles: string[] } {
  const parse = new Set(allowed ? (allowed.parse ?? []) : [...MENTION_KINDS]);
  const users = [...content.matchAll(/<@!?(\d+)>/g)].map((m) => m[1]!).filter((id) => parse.has('users') || (allowed?.users ?? []).includes(id));
  const roles = [...content.matchAll(/<@&(\d+)>/g)].map((m) => m[1]!).filter((id) => parse.has('roles') || (allowed?.roles ?? []).includes(id));
  return { everyone: parse.has('everyone') && /@(everyone|here)\b/.test(content), users, roles };
}

// ---------------------------------------------------------------- interaction callbacks

/** The interaction types, and the callback types Discord accepts for each. */
export const INTERACTION = { command: 2, component: 3, autocomplete: 4, modal: 5 } as const;
export const CALLBACK = { message: 4, deferredMessage: 5, deferredUpdate: 6, update: 7, autocomplete: 8, modal: 9 } as const;
const CALLBACKS_FOR: Record<number, number[]> = {
  [INTERACTION.command]: [CALLBACK.message, CALLBACK.deferredMessage, CALLBACK.modal],
  [INTERACTION.component]: [CALLBACK.message, CALLBACK.deferredMessage, CALLBACK.deferredUpdate, CALLBACK.update, CALLBACK.modal],
  [INTERACTION.autocomplete]: [CALLBACK.autocomplete],
  [INTERACTION.modal]: [CALLBACK.message, CALLBACK.deferredMessage, CALLBACK.deferredUpdate, CALLBACK.update],
};

/** An interaction's callback body, for an interaction of `interactionType`; `editing` is the message an update changes. */
export function checkCallback(form: Form, interactionType: number, body: any, context: MessageContext): void {
  const type = Number(body?.type);
  if (!(CALLBACKS_FOR[interactionType] ?? []).includes(type)) {
    return form.add(
      ['type'],
      'INTERACTION_CALLBACK_TYPE_INVALID',
      `Interaction callback type ${String(body?.type)} is not valid for an interaction of type ${interactionType}`,
    );
  }
  if (type === CALLBACK.message || type === CALLBACK.update) checkMessage(form, ['data'], body.data ?? {}, context);
  else if (type === CALLBACK.deferredMessage || type === CALLBACK.deferredUpdate) integer(form, ['data', 'flags'], body.data?.flags, 0, 2 ** 31 - 1);
  else if (type === CALLBACK.autocomplete) {
    const choices = list(form, ['data', 'choices'], body.data?.choices, { max: LIMITS.autocompleteChoices });
    choices.forEach((choice: any, i) => {
      text(form, ['data', 'choices', i, 'name'], choice?.name, { min: 1, max: LIMITS.command.choiceName, required: true });
      if (typeof choice?.value === 'string') text(form, ['data', 'choices', i, 'value'], choice.value, { max: LIMITS.command.choiceValue });
    });
  }
}

// ---------------------------------------------------------------- commands

/** A registered chat-input command or option, as far as these rules read one. */
export interface RegisteredOption {
  name: string;
  type: number;
  required?: boolean;
  choices?: { name: string; value: string | number }[];
  min_length?: number;
  max_length?: number;
  min_value?: number;
  max_value?: number;
  autocomplete?: boolean;
  options?: RegisteredOption[];
}

export interface RegisteredCommand extends RegisteredOption {
  contexts?: number[] | null;
}

/** A `PUT …/commands` body: the application's whole set of commands for one scope. */
export function checkCommands(form: Form, body: unknown): void {
  const commands = list(form, [], body, { max: LIMITS.command.perScope });
  const names = new Set<string>();
  commands.forEach((command: any, i) => {
    const type = command?.type ?? 1;
    if (type !== 1) return;
    checkNamed(form, [i], command);
    if (names.has(command?.name))
      form.add([i, 'name'], 'APPLICATION_COMMANDS_DUPLICATE_NAME', `Application command names must be unique (${String(command?.name)})`);
    names.add(command?.name);
    checkOptions(form, [i, 'options'], command?.options, 0);
    const size = commandText(command);
    if (size > LIMITS.command.text) form.add([i], 'APPLICATION_COMMAND_TOO_LARGE', `Command exceeds maximum size (${LIMITS.command.text}): ${size}`);
  });
}

/** A name (lowercase, Discord's pattern) and a description of 1 to 100 characters, with their localizations. */
function checkNamed(form: Form, path: Path, named: any): void {
  const name = (at: Path, value: unknown) => {
    if (typeof value !== 'string' || !NAME.test(value) || value !== value.toLowerCase())
      form.add(at, 'APPLICATION_COMMAND_INVALID_NAME', `Command name is invalid: ${String(value)}`);
  };
  name([...path, 'name'], named?.name);
  text(form, [...path, 'description'], named?.description, { min: 1, max: LIMITS.command.description, required: true });
  for (const [field, check] of [
    ['name_localizations', (at: Path, value: unknown) => name(at, value)],
    ['description_localizations', (at: Path, value: unknown) => text(form, at, value, { min: 1, max: LIMITS.command.description, required: true })],
  ] as const) {
    for (const [locale, value] of Object.entries(named?.[field] ?? {})) {
      if (!LOCALES.has(locale)) form.add([...path, field, locale], 'LOCALE_INVALID', `Invalid locale: ${locale}`);
      check([...path, field, locale], value);
    }
  }
}

function checkOptions(form: Form, path: Path, value: unknown, depth: number): void {
  const options = list(form, path, value, { max: LIMITS.command.options });
  const nested = options.filter((o: any) => o?.type === OPTION_TYPES.subcommand || o?.type === OPTION_TYPES.group);
  if (nested.length > 0 && nested.length < options.length)
    form.add(path, 'APPLICATION_COMMAND_OPTIONS_TYPE_INVALID', 'Sub-command and sub-command group option types are mutually exclusive to all other types');
  // Names are unique among siblings, and so is each locale's name.
  const taken = new Map<string, Set<string>>();
  const claim = (at: Path, locale: string, name: unknown) => {
    const names = taken.get(locale) ?? new Set<string>();
    taken.set(locale, names);
    if (names.has(String(name))) form.add(at, 'APPLICATION_COMMAND_OPTION_NAME_ALREADY_EXISTS', `Option name ${String(name)} is already used in these options`);
    names.add(String(name));
  };
  let optionalSeen = false;
  options.forEach((option: any, i) => {
    const at = [...path, i];
    checkNamed(form, at, option);
    claim([...at, 'name'], '', option?.name);
    for (const [locale, name] of Object.entries(option?.name_localizations ?? {})) claim([...at, 'name_localizations', locale], locale, name);
    const type = option?.type;
    if (type === OPTION_TYPES.subcommand || type === OPTION_TYPES.group) {
      if (type === OPTION_TYPES.group && depth > 0) form.add([...at, 'type'], 'APPLICATION_COMMAND_OPTION_TYPE_INVALID', 'Sub-command groups cannot be nested');
      if (type === OPTION_TYPES.group && (option.options ?? []).some((o: any) => o?.type !== OPTION_TYPES.subcommand)) {
        form.add([...at, 'options'], 'APPLICATION_COMMAND_OPTION_TYPE_INVALID', 'A sub-command group holds sub-commands only');
      }
      checkOptions(form, [...at, 'options'], option.options, depth + 1);
      return;
    }
    if (option?.required) {
      if (optionalSeen)
        form.add([...at, 'required'], 'APPLICATION_COMMAND_OPTIONS_REQUIRED_INVALID', 'Required options must be placed before non-required options');
    } else optionalSeen = true;
    checkValueRules(form, at, option);
  });
}

function checkValueRules(form: Form, path: Path, option: any): void {
  const type = option.type;
  const choices = list(form, [...path, 'choices'], option.choices, { max: LIMITS.command.choices });
  if (choices.length > 0 && ![OPTION_TYPES.string, OPTION_TYPES.integer, OPTION_TYPES.number].includes(type))
    form.add([...path, 'choices'], 'APPLICATION_COMMAND_OPTION_CHOICES_INVALID', 'Choices are for string, integer and number options');
  if (choices.length > 0 && option.autocomplete)
    form.add([...path, 'autocomplete'], 'APPLICATION_COMMAND_AUTOCOMPLETE_INCOMPATIBLE_WITH_CHOICES', 'Autocomplete cannot be set with choices');
  choices.forEach((choice: any, c) => {
    text(form, [...path, 'choices', c, 'name'], choice?.name, { min: 1, max: LIMITS.command.choiceName, required: true });
    for (const [locale, name] of Object.entries(choice?.name_localizations ?? {}))
      text(form, [...path, 'choices', c, 'name_localizations', locale], name, { min: 1, max: LIMITS.command.choiceName, required: true });
    if (type === OPTION_TYPES.string) text(form, [...path, 'choices', c, 'value'], choice?.value, { max: LIMITS.command.choiceValue, required: true });
    else if (typeof choice?.value !== 'number')
      form.add([...path, 'choices', c, 'value'], 'NUMBER_TYPE_COERCE', `Value "${String(choice?.value)}" is not a number.`);
  });
  const stringRules = option.min_length !== undefined || option.max_length !== undefined;
  if (stringRules && type !== OPTION_TYPES.string)
    form.add([...path, 'min_length'], 'APPLICATION_COMMAND_OPTION_LENGTH_INVALID', 'min_length and max_length are for string options');
  integer(form, [...path, 'min_length'], option.min_length, 0, LIMITS.command.stringLength);
  integer(form, [...path, 'max_length'], option.max_length, 1, LIMITS.command.stringLength);
  if ((option.min_length ?? 0) > (option.max_length ?? LIMITS.command.stringLength))
    form.add([...path, 'min_length'], 'APPLICATION_COMMAND_OPTION_LENGTH_INVALID', 'min_length must be less than or equal to max_length');
  const numberRules = option.min_value !== undefined || option.max_value !== undefined;
  if (numberRules && type !== OPTION_TYPES.integer && type !== OPTION_TYPES.number)
    form.add([...path, 'min_value'], 'APPLICATION_COMMAND_OPTION_VALUE_INVALID', 'min_value and max_value are for integer and number options');
  if ((option.min_value ?? -Infinity) > (option.max_value ?? Infinity))
    form.add([...path, 'min_value'], 'APPLICATION_COMMAND_OPTION_VALUE_INVALID', 'min_value must be less than or equal to max_value');
}

/** A command's size toward its 8,000 characters: names, descriptions and choices, each field counted by its longest localization. */
function commandText(named: any): number {
  const longest = (value: unknown, localizations: unknown) =>
    Math.max(
      typeof value === 'string' ? charCount(value) : 0,
      ...Object.values((localizations as Record<string, string>) ?? {}).map((v) => charCount(String(v))),
    );
  const choices = (named?.choices ?? []).reduce((sum: number, c: any) => sum + longest(c?.name, c?.name_localizations) + charCount(String(c?.value ?? '')), 0);
  const options = (named?.options ?? []).reduce((sum: number, o: any) => sum + commandText(o), 0);
  return longest(named?.name, named?.name_localizations) + longest(named?.description, named?.description_localizations) + choices + options;
}

// ---------------------------------------------------------------- what the Discord client sends

/** An option as an interaction carries it. */
export interface GivenOption {
  name: string;
  type: number;
  value?: string | number | boolean;
  options?: GivenOption[];
  focused?: boolean;
}

/**
 * Why the Discord client would not send these options for `command` (null when it would):
 * a user picks a registered subcommand, fills the registered options only, each of its type,
 * every required one, a string within `min_length`…`max_length`, a number within
 * `min_value`…`max_value`, a value among the option's choices when it has some. For
 * autocomplete, the option being typed is partial and what is required may still be missing.
 */
export function clientRefusal(command: RegisteredOption, given: GivenOption[], autocomplete = false): string | null {
  const registered = command.options ?? [];
  const nested = registered.some((o) => o.type === OPTION_TYPES.subcommand || o.type === OPTION_TYPES.group);
  if (nested) {
    const [chosen, ...more] = given;
    if (!chosen || more.length > 0) return `/${command.name} takes exactly one of its subcommands (${registered.map((o) => o.name).join(', ')})`;
    const sub = registered.find((o) => o.name === chosen.name && o.type === chosen.type);
    if (!sub) return `/${command.name} has no subcommand ${chosen.name}`;
    const why = clientRefusal(sub, chosen.options ?? [], autocomplete);
    return why && `/${command.name} ${why.replace(/^\//, '')}`;
  }
  const names = new Set<string>();
  for (const option of given) {
    const spec = registered.find((o) => o.name === option.name);
    if (!spec) return `/${command.name} has no option ${option.name}`;
    if (names.has(option.name)) return `/${command.name}: ${option.name} is given twice`;
    names.add(option.name);
    if (spec.type !== option.type) return `/${command.name}: ${option.name} is of type ${spec.type}, not ${option.type}`;
    const why = valueRefusal(spec, option.value, autocomplete && option.focused === true);
    if (why) return `/${command.name}: ${option.name} ${why}`;
  }
  if (!autocomplete) {
    const missing = registered.filter((o) => o.required && !names.has(o.name)).map((o) => o.name);
    if (missing.length > 0) return `/${command.name}: ${missing.join(', ')} required`;
  }
  return null;
}

function valueRefusal(spec: RegisteredOption, value: unknown, typing: boolean): string | null {
  if (spec.type === OPTION_TYPES.string) {
    if (typeof value !== 'string') return 'must be text';
    const length = charCount(value);
    if (length > (spec.max_length ?? LIMITS.command.stringLength))
      return `takes at most ${spec.max_length ?? LIMITS.command.stringLength} characters (max_length), not ${length}`;
    if (typing) return null;
    if (length < Math.max(1, spec.min_length ?? 0)) return `takes at least ${Math.max(1, spec.min_length ?? 0)} characters (min_length), not ${length}`;
  } else if (spec.type === OPTION_TYPES.integer || spec.type === OPTION_TYPES.number) {
    if (typeof value !== 'number' || !Number.isFinite(value) || (spec.type === OPTION_TYPES.integer && !Number.isSafeInteger(value)))
      return `must be ${spec.type === OPTION_TYPES.integer ? 'a whole number' : 'a number'}`;
    if (typing) return null;
    if (value < (spec.min_value ?? -Infinity)) return `takes at least ${spec.min_value} (min_value), not ${value}`;
    if (value > (spec.max_value ?? Infinity)) return `takes at most ${spec.max_value} (max_value), not ${value}`;
  } else if (spec.type === OPTION_TYPES.boolean) {
    if (typeof value !== 'boolean') return 'must be true or false';
  }
  if (spec.choices && spec.choices.length > 0 && !spec.choices.some((choice) => choice.value === value)) {
    return `must be one of its choices (${spec.choices.map((choice) => String(choice.value)).join(', ')}), not ${String(value)}`;
  }
  return null;
}

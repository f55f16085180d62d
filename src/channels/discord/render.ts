import { buffer } from 'node:stream/consumers';
import { ButtonStyle, ComponentType, type APIActionRowComponent, type APIButtonComponent, type APIEmbed } from 'discord.js';
import type { Reply } from '../../assistant/reply.js';
import type { Attachment } from '../../documents/attachment.js';
import type { Catalog } from '../../templates/catalog.js';
import { groupBySize, splitToFit } from '../files.js';
import { renderTable } from '../text.js';

/** Discord's own limits on a message. */
export const LIMITS = { content: 2000, description: 4096, filesPerMessage: 10 };

/** What the paging buttons carry: the step they take. */
export const PAGE_BUTTON = { next: 'facteur:page:1', previous: 'facteur:page:-1' } as const;

/** What a choice's button carries: the number of the reading, as the customer would type it. */
export const CHOICE_BUTTON = /^facteur:choose:([1-5])$/;

/** Discord's limits on buttons: five in a row, eighty characters a label. */
const BUTTONS = { perRow: 5, label: 80 };

/** A Facteur blue, so that its embeds are recognisable in a busy channel. */
const COLOUR = 0x1f6feb;

export interface DiscordMessage {
  content: string;
  embeds: APIEmbed[];
  components: APIActionRowComponent<APIButtonComponent>[];
}

/**
 * A reply as a Discord message: a table (a list of invoices, an invoice's details) becomes
 * an embed with the table in a code block, with previous/next buttons when the list has
 * more than one page; readings offered to choose from get a button each; plain text stays
 * plain text. Files are sent apart (see `fileGroups`).
 */
export function renderMessage(reply: Reply, catalog: Catalog): DiscordMessage {
  const components = [...(reply.page ? [pageButtons(reply, catalog)] : []), ...(reply.choices ? [choiceButtons(reply.choices)] : [])];
  if (!reply.table) {
    const text = reply.text.join('\n\n');
    if (text.length <= LIMITS.content) return { content: text, embeds: [], components };
    return { content: '', embeds: [{ color: COLOUR, description: cut(text, LIMITS.description) }], components };
  }
  const [first, ...rest] = reply.text;
  const after = rest.join('\n\n');
  // Room for the table once the sentences around it are in: rows that do not fit are left out, never half of one.
  const room = LIMITS.description - (first?.length ?? 0) - after.length - 20;
  const table = codeBlock(reply.table, room);
  const description = [first ?? '', table, after].filter(Boolean).join('\n\n');
  return { content: '', embeds: [{ color: COLOUR, description: cut(description, LIMITS.description) }], components };
}

function pageButtons(reply: Reply, catalog: Catalog): APIActionRowComponent<APIButtonComponent> {
  const { number, count } = reply.page!;
  const button = (customId: string, label: string, disabled: boolean): APIButtonComponent => ({
    type: ComponentType.Button,
    style: ButtonStyle.Secondary,
    custom_id: customId,
    label,
    disabled,
  });
  return {
    type: ComponentType.ActionRow,
    components: [
      button(PAGE_BUTTON.previous, catalog.t(reply.locale, 'discord.page.previous'), number <= 1),
      button(PAGE_BUTTON.next, catalog.t(reply.locale, 'discord.page.next'), number >= count),
    ],
  };
}

/** One button a reading, labelled as the text numbers it, so that pressing it is typing its number. */
function choiceButtons(choices: string[]): APIActionRowComponent<APIButtonComponent> {
  return {
    type: ComponentType.ActionRow,
    components: choices.slice(0, BUTTONS.perRow).map((what, i) => ({
      type: ComponentType.Button,
      style: ButtonStyle.Primary,
      custom_id: `facteur:choose:${i + 1}`,
      label: cut(`${i + 1}. ${what}`, BUTTONS.label),
    })),
  };
}

/**
 * The table in a code block, so that its columns line up. The narrow no-break space of
 * French amounts is not as wide as the other characters in every monospace font: a
 * full no-break space keeps the columns straight.
 */
function codeBlock(table: NonNullable<Reply['table']>, room: number): string {
  const wide = (cells: string[]) => cells.map((cell) => cell.replace(/\u202F/g, '\u00A0'));
  let rows = table.rows.map(wide);
  let text = renderTable({ ...table, columns: wide(table.columns), rows });
  while (text.length + 8 > room && rows.length > 1) {
    rows = rows.slice(0, -1);
    text = `${renderTable({ ...table, columns: wide(table.columns), rows })}\n…`;
  }
  return `\`\`\`\n${text}\n\`\`\``;
}

function cut(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

export interface FileToSend {
  name: string;
  bytes: Buffer;
}

/**
 * The reply's files, read and grouped into messages Discord accepts: at most ten files and
 * `limit` bytes (the interaction's `attachment_size_limit`) a message. A ZIP that is too
 * large is first split into several ZIPs under the limit; a file that still does not fit
 * is named in `tooLarge` rather than sent.
 */
export async function fileGroups(attachments: Attachment[], limit: number): Promise<{ groups: FileToSend[][]; tooLarge: string[] }> {
  const parts = await splitToFit(attachments, limit);
  const files: FileToSend[] = [];
  for (const part of parts) if (part.size <= limit) files.push({ name: part.filename, bytes: await buffer(await part.open()) });
  const { groups, tooLarge } = groupBySize(files, (file) => file.bytes.length, limit, LIMITS.filesPerMessage);
  return { groups, tooLarge: [...parts.filter((part) => part.size > limit).map((part) => part.filename), ...tooLarge.map((file) => file.name)] };
}

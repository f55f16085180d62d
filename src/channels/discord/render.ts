import { buffer } from 'node:stream/consumers';
import { ButtonStyle, ComponentType, type APIEmbed } from 'discord.js';
import type { Reply } from '../../assistant/reply.js';
import type { PayLink } from '../../billing/pay-link.js';
import type { CarriedFile } from '../../billing/files.js';
import type { Attachment } from '../../documents/attachment.js';
import type { Catalog } from '../../templates/catalog.js';
import { groupBySize, splitToFit } from '../../outbound/fit.js';
import { detailsCard } from './card.js';
import { BUTTON_URL_MAX, BUTTONS, cardRows, listRows, payRows, type Row } from './components.js';
import { codeBlock, COLOUR, cut, TO_PAY_COLOUR } from './embeds.js';
import { plain } from './markdown.js';

/** Discord's own limits on a message. */
export const LIMITS = { content: 2000, description: 4096, filesPerMessage: 10 };

/** What a choice's button carries: the number of the reading, as the customer would type it. */
export const CHOICE_BUTTON = /^facteur:choose:([1-5])$/;

export interface DiscordMessage {
  content: string;
  embeds: APIEmbed[];
  components: Row[];
}

/**
 * A reply as a Discord message for `owner`, the user it answers: a list of invoices becomes
 * an embed with the table in a code block, and under it the list's menu and buttons (see
 * `listRows`), which only `owner` may use; an invoice's details become a card with its PDF
 * button; readings offered to choose from get a button each; plain text stays plain text,
 * its Markdown escaped (see `plain`). The pay links of unpaid invoices are link buttons, or
 * linked titles where a link is too long for a button. Files are sent apart (see `fileGroups`).
 */
export function renderMessage(reply: Reply, catalog: Catalog, owner: string): DiscordMessage {
  // A list's and a card's pay buttons sit among their own; any other reply (the PDFs sent) gets its row.
  const pays = reply.listed?.length || reply.details ? [] : payRows(reply, catalog);
  const components = [
    ...listRows(reply, catalog, owner),
    ...cardRows(reply, catalog, owner),
    ...pays,
    ...(reply.choices ? [choiceButtons(reply.choices)] : []),
  ];
  const pay = payEmbeds(reply.pay ?? []);
  if (reply.details) return { content: '', embeds: [detailsCard(reply.details, reply.locale, catalog), ...pay], components };
  if (!reply.table) {
    const text = plain(reply.text.join('\n\n'));
    if (text.length <= LIMITS.content) return { content: text, embeds: pay, components };
    return { content: '', embeds: [{ color: COLOUR, description: cut(text, LIMITS.description) }, ...pay], components };
  }
  const [first, ...rest] = reply.text.map(plain);
  const after = rest.join('\n\n');
  // Room for the table once the sentences around it are in: rows that do not fit are left out, never half of one.
  const room = LIMITS.description - (first?.length ?? 0) - after.length - 20;
  const table = codeBlock(reply.table, room);
  const description = [first ?? '', table, after].filter(Boolean).join('\n\n');
  return { content: '', embeds: [{ color: COLOUR, description: cut(description, LIMITS.description) }, ...pay], components };
}

/**
 * A pay link too long for a button (Discord takes 512 characters there, the billing system may
 * send 2,000) as a small embed whose title is the link, which Discord takes up to 2,048: « Payer
 * la facture 1266 », in the colour of what is owed.
 */
export function payEmbeds(links: readonly PayLink[]): APIEmbed[] {
  return links
    .filter((link) => link.url.length > BUTTON_URL_MAX)
    .map((link) => ({ title: cut(plain(link.label), EMBED_TITLE_MAX), url: link.url, color: TO_PAY_COLOUR }));
}

/** Discord's limit on an embed's title. */
const EMBED_TITLE_MAX = 256;

/** One button a reading, labelled as the text numbers it, so that pressing it is typing its number. */
function choiceButtons(choices: string[]): Row {
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
export async function fileGroups(attachments: Attachment[], limit: number): Promise<{ groups: FileToSend[][]; tooLarge: string[]; carried: CarriedFile[] }> {
  const parts = await splitToFit(attachments, limit);
  const files: (FileToSend & { part: Attachment })[] = [];
  for (const part of parts) if (part.size <= limit) files.push({ name: part.filename, bytes: await buffer(await part.open()), part });
  const { groups, tooLarge } = groupBySize(files, (file) => file.bytes.length, limit, LIMITS.filesPerMessage);
  const carried = groups.flat().flatMap((file) => file.part.files);
  return {
    groups: groups.map((group) => group.map(({ name, bytes }) => ({ name, bytes }))),
    tooLarge: [...parts.filter((part) => part.size > limit).map((part) => part.filename), ...tooLarge.map((file) => file.name)],
    carried,
  };
}

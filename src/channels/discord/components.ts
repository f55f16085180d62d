import {
  ButtonStyle,
  ComponentType,
  type APIActionRowComponent,
  type APIButtonComponent,
  type APIComponentInMessageActionRow,
  type APIMessageTopLevelComponent,
  type APIStringSelectComponent,
} from 'discord.js';
import { z } from 'zod';
import type { ListedInvoice, Reply } from '../../assistant/reply.js';
import type { PayLink } from '../../billing/pay-link.js';
import type { ListPosition } from '../../billing/filter.js';
import { invoiceNumber } from '../../billing/numbers.js';
import { INVOICE_STATUSES } from '../../billing/types.js';
import type { Catalog } from '../../templates/catalog.js';
import { cut } from './embeds.js';

export type Row = APIActionRowComponent<APIComponentInMessageActionRow>;

/** What a component of a list or of a details card does. */
export type Action = 'pick' | 'pdf' | 'zip' | 'details' | 'previous' | 'next' | 'file';

/**
 * A component's `custom_id` read back: what it does, the Discord user it was made for, and
 * for a card's PDF button the invoice. Who may press travels with the component, so that any
 * Facteur instance receiving the press can tell, without memory of the list.
 */
export interface Pressed {
  action: Action;
  owner: string;
  number?: string;
  /** For previous/next: the list and page of the message pressed on, when they fitted in the button. */
  position?: ListPosition;
}

/**
 * `facteur:<action>:<owner user id>[:<data>]`, within Discord's 100 characters: the data is a
 * card's invoice number (40 characters at most) or a paging button's list position.
 */
const CUSTOM_ID = /^facteur:(pick|pdf|zip|details|previous|next|file):(\d{1,20})(?::([^:]{1,62}))?$/u;

/** Discord's limit on a custom_id. */
const CUSTOM_ID_MAX = 100;

const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);
const span = z.strictObject({ from: day.optional(), to: day.optional() });
const numbers = z.array(z.string().refine((number) => invoiceNumber(number) !== null)).max(25);

/**
 * A list position as a paging button carries it, `[page, filter]` in JSON, checked field by field:
 * Discord hands back what the bot wrote, but a forged interaction could send anything. A filter
 * only ever narrows the presser's own invoices, so no position can show someone else's.
 */
const POSITION = z.tuple([
  z.number().int().min(0).max(100_000),
  z.strictObject({
    year: z.number().int().min(1900).max(9999).optional(),
    month: z.number().int().min(1).max(12).optional(),
    from: day.optional(),
    to: day.optional(),
    status: z.enum(INVOICE_STATUSES).optional(),
    dueBefore: day.optional(),
    numbers: numbers.optional(),
    pick: z
      .strictObject({ from: z.enum(['newest', 'oldest']), skip: z.number().int().min(0).max(100_000), take: z.number().int().min(1).max(100_000) })
      .optional(),
    union: z.array(span).max(12).optional(),
    paid: span.optional(),
    except: z
      .strictObject({
        numbers: numbers.optional(),
        spans: z.array(span).max(12).optional(),
        status: z.enum(INVOICE_STATUSES).optional(),
        label: z
          .array(z.string().regex(/^[a-z0-9]{1,40}$/))
          .max(8)
          .optional(),
      })
      .optional(),
  }),
]);

function writePosition(position: ListPosition): string {
  return Buffer.from(JSON.stringify([position.page, position.filter])).toString('base64url');
}

function readPosition(data: string): ListPosition | undefined {
  try {
    const parsed = POSITION.safeParse(JSON.parse(Buffer.from(data, 'base64url').toString('utf8')));
    return parsed.success ? { page: parsed.data[0], filter: parsed.data[1] } : undefined;
  } catch {
    return undefined;
  }
}

/** Discord's limits: 25 options a select menu, 100 characters a label, 150 a placeholder. */
const MENU = { options: 25, label: 100, placeholder: 150 };

export function customId(action: Action, owner: string, number?: string): string {
  return ['facteur', action, owner, ...(number === undefined ? [] : [number])].join(':');
}

export function readCustomId(id: string): Pressed | null {
  const match = CUSTOM_ID.exec(id);
  if (!match) return null;
  const action = match[1] as Action;
  const data = match[3];
  if (data === undefined) return { action, owner: match[2]! };
  if (action !== 'previous' && action !== 'next') return { action, owner: match[2]!, number: data };
  const position = readPosition(data);
  return { action, owner: match[2]!, ...(position ? { position } : {}) };
}

/**
 * A paging button's custom_id, with the list's position in it when it fits (a long list of
 * numbers does not): pressed later, or on another instance, it turns that list's page, not
 * whichever list the conversation asked for last.
 */
function pageId(action: 'previous' | 'next', owner: string, position: ListPosition): string {
  const withPosition = customId(action, owner, writePosition(position));
  return withPosition.length <= CUSTOM_ID_MAX && CUSTOM_ID.test(withPosition) ? withPosition : customId(action, owner);
}

/**
 * Under a list (and the balance, which lists the unpaid invoices), as in the client area: a
 * menu of the page's invoices to choose from, the PDF, ZIP and details buttons that act on
 * what is chosen, « Payer 1266 » for the page's unpaid invoices that have a pay link (the ones
 * due first, a row at most), and previous/next when there are several pages. What is chosen is kept on
 * the message itself (see `withChoice`), so that nothing needs remembering between presses.
 */
export function listRows(reply: Reply, catalog: Catalog, owner: string): Row[] {
  const t = (key: string) => catalog.t(reply.locale, key);
  const listed = (reply.listed ?? []).slice(0, MENU.options);
  const rows: Row[] = [];
  if (listed.length > 0) {
    const menu: APIStringSelectComponent = {
      type: ComponentType.StringSelect,
      custom_id: customId('pick', owner),
      placeholder: cut(t('discord.menu.placeholder'), MENU.placeholder),
      min_values: 0,
      max_values: listed.length,
      options: listed.map((invoice) => ({ label: cut(optionLabel(invoice, reply, catalog), MENU.label), value: invoice.number })),
    };
    rows.push(row([menu]));
    rows.push(
      row([
        button(customId('pdf', owner), t('discord.button.pdf'), ButtonStyle.Primary),
        button(customId('zip', owner), t('discord.button.zip')),
        button(customId('details', owner), t('discord.button.details')),
      ]),
    );
    rows.push(...payRows(reply, catalog));
  }
  if (reply.page) {
    const { number, count, position } = reply.page;
    rows.push(
      row([
        button(pageId('previous', owner, position), t('discord.page.previous'), ButtonStyle.Secondary, number <= 1),
        button(pageId('next', owner, position), t('discord.page.next'), ButtonStyle.Secondary, number >= count),
      ]),
    );
  }
  return rows;
}

/** Under a details card: its invoice's PDF, named in the button itself, and « Payer » beside it when the invoice may be paid online. */
export function cardRows(reply: Reply, catalog: Catalog, owner: string): Row[] {
  if (!reply.details) return [];
  return [
    row([
      button(customId('file', owner, reply.details.number), catalog.t(reply.locale, 'discord.button.pdf'), ButtonStyle.Primary),
      ...payButtons(reply, catalog),
    ]),
  ];
}

/** A row of « Payer 1266 » buttons for the reply's pay links, if it has any: under a list's buttons, or under the PDFs sent. */
export function payRows(reply: Reply, catalog: Catalog): Row[] {
  return linkRows(payButtons(reply, catalog));
}

/** A row of link buttons to these pay pages, each with its own label (« Payer la facture 1266 »), if any fits a button: under a direct message. */
export function payLinkRows(links: readonly PayLink[]): Row[] {
  return linkRows(linkButtons(links, (link) => link.label));
}

function linkRows(buttons: APIButtonComponent[]): Row[] {
  return buttons.length > 0 ? [row(buttons)] : [];
}

/** Discord's limit on a link button's address: a longer pay link is shown as a linked title instead (see `payEmbeds`). */
export const BUTTON_URL_MAX = 512;

/**
 * Link buttons (style 5) to the pay pages of the reply's unpaid invoices, which Discord opens
 * in the browser and never reports back: « Payer » alone when the reply is about one invoice,
 * « Payer 1266 » where several may be, at most a row of them (the assistant sends five at most).
 */
function payButtons(reply: Reply, catalog: Catalog): APIButtonComponent[] {
  const alone = reply.pay?.length === 1 && !reply.listed;
  return linkButtons(reply.pay ?? [], (link) =>
    alone ? catalog.t(reply.locale, 'discord.button.pay') : catalog.t(reply.locale, 'discord.button.payNumber', { number: link.number }),
  );
}

/** Link buttons to the pay pages whose address fits a button, a row of them at most, each labelled by `label`. */
function linkButtons(links: readonly PayLink[], label: (link: PayLink) => string): APIButtonComponent[] {
  return links
    .filter((link) => link.url.length <= BUTTON_URL_MAX)
    .slice(0, BUTTONS.perRow)
    .map((link) => ({ type: ComponentType.Button, style: ButtonStyle.Link, url: link.url, label: cut(label(link), BUTTONS.label) }));
}

/** Discord's limits on buttons: five a row, eighty characters a label. */
export const BUTTONS = { perRow: 5, label: 80 };

function optionLabel(invoice: ListedInvoice, reply: Reply, catalog: Catalog): string {
  return catalog.t(reply.locale, 'discord.menu.option', { date: invoice.date, number: invoice.number, amount: invoice.amount, status: invoice.status });
}

function row(components: APIComponentInMessageActionRow[]): Row {
  return { type: ComponentType.ActionRow, components };
}

function button(id: string, label: string, style: ButtonStyle.Primary | ButtonStyle.Secondary = ButtonStyle.Secondary, disabled = false): APIButtonComponent {
  return { type: ComponentType.Button, style, custom_id: id, label, disabled };
}

/** The list's menu among a message's components, if it has one made for `owner`. */
function menuOf(components: readonly APIMessageTopLevelComponent[], owner: string): APIStringSelectComponent | undefined {
  const id = customId('pick', owner);
  for (const top of components) {
    if (top.type !== ComponentType.ActionRow) continue;
    for (const component of top.components) if (component.type === ComponentType.StringSelect && component.custom_id === id) return component;
  }
  return undefined;
}

/** The invoice numbers chosen in the message's menu: its options marked as chosen, as the message the press came on holds them. */
export function chosenIn(components: readonly APIMessageTopLevelComponent[], owner: string): string[] {
  return (menuOf(components, owner)?.options ?? []).filter((option) => option.default).map((option) => option.value);
}

/**
 * The message's components with `values` as the menu's choice, each option marked chosen
 * or not; or null when the values are not a choice the menu allows (an option it does not
 * offer, one twice, more than its maximum), which only a forged interaction sends.
 */
export function withChoice(components: readonly APIMessageTopLevelComponent[], owner: string, values: readonly string[]): APIMessageTopLevelComponent[] | null {
  const menu = menuOf(components, owner);
  if (!menu) return null;
  const offered = new Set(menu.options.map((option) => option.value));
  const unique = new Set(values);
  if (unique.size !== values.length || values.length > (menu.max_values ?? 1) || values.some((value) => !offered.has(value))) return null;
  return components.map((top) =>
    top.type !== ComponentType.ActionRow
      ? top
      : {
          ...top,
          components: top.components.map((component) =>
            component === menu ? { ...menu, options: menu.options.map((option) => ({ ...option, default: unique.has(option.value) })) } : component,
          ),
        },
  );
}

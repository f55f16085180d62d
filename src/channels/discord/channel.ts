import {
  Events,
  MessageFlags,
  type AutocompleteInteraction,
  type Client,
  type ButtonInteraction,
  type ChatInputCommandInteraction,
  type Interaction,
  type Message,
} from 'discord.js';
import type { Assistant, Request } from '../../assistant/assistant.js';
import { parse } from '../../assistant/grammar.js';
import type { Reply } from '../../assistant/reply.js';
import { invoiceFigures } from '../../billing/money.js';
import type { Locale } from '../../billing/types.js';
import type { Logger } from '../../log.js';
import type { StaffDesk } from '../../assistant/staff.js';
import { AccountLinks } from '../../linking/linking.js';
import { parseLinkText } from '../../linking/words.js';
import type { LinkMaker } from '../../links/links.js';
import type { CodeMail } from '../../notifications/code-mail.js';
import type { Deliveries } from '../../notifications/deliveries.js';
import type { Store } from '../../store/store.js';
import type { Catalog } from '../../templates/catalog.js';
import { CommandNames } from './commands.js';
import { DM_ATTACHMENT_LIMIT, type DiscordConnection } from './connection.js';
import { GatewayTurn } from './gateway.js';
import { translate } from './options.js';
import { deliveryLinks, offerLinks, type OfferedLink } from '../links.js';
import { CHOICE_BUTTON, fileGroups, LIMITS, PAGE_BUTTON, renderMessage, type FileToSend } from './render.js';
import { StaffCommands } from './staff.js';

export interface DiscordChannelServices {
  connection: DiscordConnection;
  assistant: Assistant;
  store: Store;
  catalog: Catalog;
  codeMail: CodeMail;
  staff: StaffDesk;
  log: Logger;
  /** Where an answer carrying a download link is recorded: the link lives on for days, and staff must see it was given. */
  deliveries: Deliveries;
  /** Download links for ZIPs over the message's attachment limit, when `facteur start` serves them; without, such ZIPs are split. */
  downloadLinks?: LinkMaker | null;
  now?: () => Date;
}

/** Choices Discord shows at most for an autocompleted option. */
const MAX_CHOICES = 25;

/**
 * The Discord channel: slash commands, their buttons and autocomplete, and direct
 * messages, turned into requests for the assistant (or for account linking and the staff
 * commands), and the replies turned into Discord messages. It translates and nothing more.
 *
 * Private by default: in a server, every answer is ephemeral (only the asker sees it), so
 * nothing about an invoice is ever posted where others can read it. Every command is
 * acknowledged at once (Discord wants an answer within 3 seconds) and answered by editing
 * that acknowledgement, so a PDF rendered or a ZIP built in the meantime is never late.
 */
export class DiscordChannel {
  private readonly names: CommandNames;
  private readonly links: AccountLinks;
  private readonly staff: StaffCommands;
  private readonly now: () => Date;
  private readonly inFlight = new Set<Promise<void>>();
  private readonly gateway: GatewayTurn;
  private accepting = true;

  constructor(private readonly services: DiscordChannelServices) {
    this.now = services.now ?? (() => new Date());
    this.names = new CommandNames(services.catalog);
    this.links = new AccountLinks('discord', { store: services.store, codeMail: services.codeMail, catalog: services.catalog, log: services.log, now: this.now });
    this.staff = new StaffCommands(services.connection.settings, services.staff, services.log, this.names);
    this.gateway = new GatewayTurn({ store: services.store, connection: services.connection, log: services.log, listen: (client) => this.listen(client), drain: () => this.drain() });
  }

  /** Resolves once this instance is on the gateway, or knows another Facteur sharing the store is (see GatewayTurn). */
  async start(): Promise<void> {
    await this.gateway.start();
  }

  state(): { up: boolean; detail: string } {
    return this.gateway.state();
  }

  /** Stops taking new requests, lets those under way finish, then leaves the gateway. */
  async stop(): Promise<void> {
    this.accepting = false;
    await this.drain();
    await this.gateway.stop();
    await this.services.connection.close();
  }

  private listen(client: Client): void {
    client.on(Events.InteractionCreate, (interaction) => this.accepting && this.track(this.onInteraction(interaction)));
    client.on(Events.MessageCreate, (message) => this.accepting && this.track(this.onMessage(message)));
  }

  private async drain(): Promise<void> {
    await Promise.allSettled([...this.inFlight]);
  }

  private track(work: Promise<void>): void {
    // Each handler answers its own errors; one that escapes is logged, never left to kill the process.
    const tracked = work.catch((error: unknown) => this.services.log.error({ err: error }, 'discord: a request failed unanswered'));
    this.inFlight.add(tracked);
    void tracked.finally(() => this.inFlight.delete(tracked));
  }

  private async onInteraction(interaction: Interaction): Promise<void> {
    try {
      if (interaction.isChatInputCommand()) await this.onCommand(interaction);
      else if (interaction.isAutocomplete()) await this.onAutocomplete(interaction);
      else if (interaction.isButton()) await this.onButton(interaction);
    } catch (error) {
      this.services.log.error({ err: error, interaction: interaction.id, user: interaction.user.id }, 'discord interaction failed');
      await this.apologise(interaction).catch(() => {});
    }
  }

  private async onCommand(interaction: ChatInputCommandInteraction): Promise<void> {
    const ephemeral = interaction.inGuild();
    await interaction.deferReply(ephemeral ? { flags: MessageFlags.Ephemeral } : {});
    const reply = await this.answer(interaction);
    this.services.log.info({ event: 'discord.command', user: interaction.user.id, command: interaction.commandName, outcome: reply.outcome }, 'discord command answered');
    const limit = interaction.attachmentSizeLimit || DM_ATTACHMENT_LIMIT;
    const { first, rest, links } = await this.payloads(reply, limit);
    await this.sending(interaction.user.id, reply, links, async () => {
      const sent = await interaction.editReply(first);
      for (const message of rest) await interaction.followUp({ ...message, ...(ephemeral ? { flags: MessageFlags.Ephemeral } : {}) });
      return sent.id;
    });
  }

  /** What a slash command gets: linking and staff commands apart, everything else from the assistant. */
  private async answer(interaction: ChatInputCommandInteraction): Promise<Reply> {
    const locale = localeOf(interaction.locale);
    const key = this.names.command(interaction.commandName);
    const userId = interaction.user.id;
    if (key === 'staff') return this.staff.handle(interaction, locale);
    if (key === 'link') {
      const sub = this.names.subcommand('link', interaction.options.getSubcommand(false));
      const value = (option: string) => interaction.options.getString(this.names.name(`link.${sub}.${option}`), true);
      if (sub === 'code') return this.links.confirm(userId, value('code'), locale);
      return this.links.request(userId, value('address'), interaction.user.username, locale);
    }
    if (key === 'unlink') return this.links.unlink(userId, locale);
    const customer = await this.links.customer(userId);
    if (!customer || key === undefined) return this.links.howTo(locale);
    const translated = translate(interaction, key, this.names, this.services.assistant.today());
    if (!translated) return this.links.howTo(locale);
    if ('badDate' in translated) {
      return { locale, outcome: 'refused', text: [this.services.catalog.t(locale, 'discord.date.invalid', { value: translated.badDate })], attachments: [] };
    }
    return this.ask({ customerId: customer.id, text: translated.text, command: translated.command, locale, conversation: conversation(interaction.channelId, userId) });
  }

  /** A linked Discord account is the owner's: Discord proved it with a code mailed to the address on record. */
  private ask(request: Omit<Request, 'trust'>): Promise<Reply> {
    return this.services.assistant.handle({ ...request, trust: 'owner' });
  }

  private async onButton(interaction: ButtonInteraction): Promise<void> {
    const choice = CHOICE_BUTTON.exec(interaction.customId);
    if (choice) return this.onChoice(interaction, Number(choice[1]));
    const step = interaction.customId === PAGE_BUTTON.next ? 1 : interaction.customId === PAGE_BUTTON.previous ? -1 : null;
    if (step !== null) return this.onPage(interaction, step);
  }

  /** Previous/next under a list: the same message shows the other page. */
  private async onPage(interaction: ButtonInteraction, step: 1 | -1): Promise<void> {
    const locale = localeOf(interaction.locale);
    const customer = await this.links.customer(interaction.user.id);
    const reply = customer
      ? await this.ask({ customerId: customer.id, text: step > 0 ? 'next' : 'previous', command: { intent: 'page', step }, locale, conversation: conversation(interaction.channelId, interaction.user.id) })
      : this.links.howTo(locale);
    if (reply.outcome === 'answered') {
      await interaction.update(renderMessage(reply, this.services.catalog));
      return;
    }
    // The list behind the buttons is gone (a restart) or at its end: say so beside it, to the presser only.
    await interaction.reply({ ...renderMessage(reply, this.services.catalog), ...(interaction.inGuild() ? { flags: MessageFlags.Ephemeral } : {}) });
  }

  /**
   * A reading chosen with its button, as if its number had been typed: the answer takes the
   * question's place, so that the other button cannot be pressed after it. The choices are
   * the presser's own conversation's, so another user's press finds none; choices that are
   * gone (a restart, already chosen) are said beside the question, to the presser only.
   */
  private async onChoice(interaction: ButtonInteraction, index: number): Promise<void> {
    await interaction.deferUpdate();
    const locale = localeOf(interaction.locale);
    const customer = await this.links.customer(interaction.user.id);
    const reply = customer
      ? await this.ask({ customerId: customer.id, text: String(index), command: { intent: 'choose', index }, locale, conversation: conversation(interaction.channelId, interaction.user.id) })
      : this.links.howTo(locale);
    const ephemeral = interaction.inGuild() ? ({ flags: MessageFlags.Ephemeral } as const) : {};
    const { first, rest, links } = await this.payloads(reply, interaction.attachmentSizeLimit || DM_ATTACHMENT_LIMIT);
    await this.sending(interaction.user.id, reply, links, async () => {
      const sent = reply.outcome === 'answered' ? await interaction.editReply(first) : await interaction.followUp({ ...first, ...ephemeral });
      for (const message of rest) await interaction.followUp({ ...message, ...ephemeral });
      return sent.id;
    });
  }

  /** The user's own invoice numbers that start with what they typed, newest first. */
  private async onAutocomplete(interaction: AutocompleteInteraction): Promise<void> {
    const customer = await this.links.customer(interaction.user.id);
    if (!customer) {
      await interaction.respond([]);
      return;
    }
    const locale = localeOf(interaction.locale);
    const typed = String(interaction.options.getFocused()).trim().replace(/^#/, '');
    const { catalog, store } = this.services;
    const choices = (await store.invoices(customer.id))
      .filter((invoice) => invoice.number.startsWith(typed))
      .slice(0, MAX_CHOICES)
      .map((invoice) => ({
        name: catalog.t(locale, 'discord.choice.invoice', { ...invoiceFigures(invoice, locale), status: catalog.t(locale, 'status', { status: invoice.status }) }).slice(0, 100),
        value: invoice.number,
      }));
    await interaction.respond(choices);
  }

  /**
   * A direct message: linking written out (`lier awa@example.cm`), or a request in plain
   * words, through the same assistant as mail. Messages in servers are not read.
   */
  private async onMessage(message: Message): Promise<void> {
    if (message.author.bot || message.inGuild() || message.content.trim() === '') return;
    const channel = message.channel;
    if (!channel.isDMBased() || !('send' in channel)) return;
    try {
      const reply = await this.answerText(message);
      const { first, rest, links } = await this.payloads(reply, DM_ATTACHMENT_LIMIT);
      await this.sending(message.author.id, reply, links, async () => {
        const sent = await channel.send(first);
        for (const payload of rest) await channel.send(payload);
        return sent.id;
      });
    } catch (error) {
      this.services.log.error({ err: error, user: message.author.id }, 'discord direct message failed');
    }
  }

  private async answerText(message: Message): Promise<Reply> {
    const userId = message.author.id;
    const text = message.content;
    const link = parseLinkText(text);
    if (link?.kind === 'request') return this.links.request(userId, link.address, message.author.username, link.locale);
    if (link?.kind === 'confirm') return this.links.confirm(userId, link.code, link.locale);
    if (link?.kind === 'unlink') return this.links.unlink(userId, link.locale);
    const customer = await this.links.customer(userId);
    if (!customer) return this.links.howTo(parse(text, this.services.assistant.today()).locale ?? 'fr');
    return this.ask({ customerId: customer.id, text, conversation: conversation(message.channelId, userId) });
  }

  /**
   * The reply as Discord messages: the first one with the text, the download links offered
   * for ZIPs over `limit` and the first files, then the other files. Links that would take
   * the text past Discord's 2,000 characters get a message of their own after it.
   */
  private async payloads(reply: Reply, limit: number): Promise<{ first: Payload; rest: Payload[]; links: OfferedLink[] }> {
    const { catalog } = this.services;
    const message = renderMessage(reply, catalog);
    const offered = offerLinks(reply.attachments, limit, this.services.downloadLinks ?? null, catalog, reply.locale);
    const { groups, tooLarge } = await fileGroups(offered.files, limit);
    const notes = tooLarge.map((filename) => catalog.t(reply.locale, 'discord.tooLarge', { filename, size: Math.floor(limit / (1024 * 1024)) }));
    // In <>, Discord shows the link without a preview: a preview would fetch the page, which is nobody's business.
    const links = offered.links.map(({ sentence, link }) => `${sentence}\n<${link.url}>`);
    const together = [message.content, ...links, ...notes].filter(Boolean).join('\n\n');
    const apart = together.length > LIMITS.content;
    const content = apart ? [message.content, ...notes].filter(Boolean).join('\n\n') : together;
    const first: Payload = { ...message, content, files: files(groups[0] ?? []) };
    const rest = [
      ...(apart ? links.map((text) => ({ content: text, files: [] })) : []),
      ...groups.slice(1).map((group, index) => ({
        content: catalog.t(reply.locale, 'discord.part', { part: index + 2, parts: groups.length }),
        files: files(group),
      })),
    ];
    return { first, rest, links: offered.links };
  }

  /**
   * Sends an answer; one that carries download links is recorded in the delivery log
   * around the send, like a mail, so that staff see which links went to whom and until when.
   */
  private async sending(userId: string, reply: Reply, links: OfferedLink[], send: () => Promise<string>): Promise<void> {
    const [first] = links;
    if (!first) {
      await send();
      return;
    }
    const spec = { customerId: first.link.customerId, invoices: reply.invoices ?? [], channel: 'discord' as const, recipient: userId, reason: 'request' as const, attachPdf: false, links: deliveryLinks(links) };
    await this.services.deliveries.track(spec, async () => ({ messageId: await send() }));
  }

  private async apologise(interaction: Interaction): Promise<void> {
    if (!interaction.isRepliable()) return;
    const content = this.services.catalog.t(localeOf(interaction.locale), 'error.internal');
    if (interaction.deferred || interaction.replied) await interaction.editReply({ content, embeds: [], components: [], files: [] });
    else await interaction.reply({ content, ...(interaction.inGuild() ? { flags: MessageFlags.Ephemeral } : {}) });
  }
}

type Payload = ReturnType<typeof renderMessage> & { files: { attachment: Buffer; name: string }[] } | { content: string; files: { attachment: Buffer; name: string }[] };

function files(group: FileToSend[]): { attachment: Buffer; name: string }[] {
  return group.map((file) => ({ attachment: file.bytes, name: file.name }));
}

/** Which conversation "next" continues: one per user and channel. */
function conversation(channelId: string | null, userId: string): string {
  return `discord:${channelId ?? 'dm'}:${userId}`;
}

/** Discord's locales (`fr`, `en-US`, `en-GB`…) as Facteur's two languages. */
function localeOf(discordLocale: string | undefined): Locale {
  return discordLocale?.startsWith('fr') ? 'fr' : 'en';
}

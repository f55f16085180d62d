import {
  Events,
  type AutocompleteInteraction,
  type Client,
  type ButtonInteraction,
  type ChatInputCommandInteraction,
  type Interaction,
  type Message,
} from 'discord.js';
import type { Assistant } from '../../assistant/assistant.js';
import type { Request } from '../../assistant/request.js';
import { parse } from '../../assistant/reading/read.js';
import type { Reply } from '../../assistant/reply.js';
import { invoiceFigures } from '../../billing/money.js';
import { asNumbersAreKept } from '../../billing/numbers.js';
import type { Locale } from '../../billing/types.js';
import type { ZipProgress } from '../../documents/attachment.js';
import type { Logger } from '../../log.js';
import type { AccountLinks } from '../../account-linking/linking.js';
import { parseLinkText } from '../../account-linking/words.js';
import type { LinkMaker } from '../../download-links/links.js';
import type { Deliveries } from '../../notifications/deliveries.js';
import type { Store } from '../../store/store.js';
import type { Catalog } from '../../templates/catalog.js';
import type { Channel, ChannelState } from '../channel.js';
import { Answers } from './answers.js';
import { attachedPdfs } from './files.js';
import type { CommandNames } from './commands.js';
import { DM_ATTACHMENT_LIMIT, type DiscordConnection } from './connection.js';
import { SingleGatewaySession } from './gateway.js';
import { translate } from './options.js';
import { ComponentInteractions } from './component-interactions.js';
import { PROGRESS_TIMING, type ProgressTiming } from './progress.js';
import { CHOICE_BUTTON } from './render.js';
import { conversation, localeOf, privately } from './requests.js';
import type { StaffCommands } from './staff.js';

export interface DiscordChannelServices {
  connection: DiscordConnection;
  assistant: Assistant;
  store: Store;
  catalog: Catalog;
  /** The registered names of the commands, as Discord sends them back and as a user sees them. */
  names: CommandNames;
  /** Linking a Discord user to a customer (`/link`, and the same in a DM). */
  links: AccountLinks;
  /** `/staff`, for the users and roles DISCORD_STAFF_* name. */
  staff: StaffCommands;
  log: Logger;
  /** Where an answer carrying a download link is recorded: the link lives on for days, and staff must see it was given. */
  deliveries: Deliveries;
  /** Download links for ZIPs over the message's attachment limit, when `facteur start` serves them; null: such ZIPs are split. */
  downloadLinks: LinkMaker | null;
  /** PDFs a DM carries to be checked are fetched up to this size (FACTEUR_PDF_MAX_MB). */
  pdfMaxBytes: number;
  /** When a long ZIP's progress is shown, and how often (PROGRESS_TIMING unless a test wants it at once). */
  progressTiming?: ProgressTiming;
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
export class DiscordChannel implements Channel {
  private readonly names: CommandNames;
  private readonly links: AccountLinks;
  private readonly staff: StaffCommands;
  private readonly now: () => Date;
  private readonly inFlight = new Set<Promise<void>>();
  private readonly gateway: SingleGatewaySession;
  private readonly answers: Answers;
  private readonly componentInteractions: ComponentInteractions;
  private accepting = true;

  constructor(private readonly services: DiscordChannelServices) {
    this.now = services.now ?? (() => new Date());
    this.names = services.names;
    this.links = services.links;
    this.staff = services.staff;
    const { catalog, log, deliveries } = services;
    this.answers = new Answers({
      catalog,
      log,
      deliveries,
      store: services.store,
      downloadLinks: services.downloadLinks,
      progressTiming: services.progressTiming ?? PROGRESS_TIMING,
    });
    this.componentInteractions = new ComponentInteractions({
      links: this.links,
      ask: (request) => this.ask(request),
      answers: this.answers,
      catalog,
      log,
      now: this.now,
    });
    this.gateway = new SingleGatewaySession({
      store: services.store,
      connection: services.connection,
      log: services.log,
      listen: (client) => this.listen(client),
      drain: () => this.drain(),
    });
  }

  /** Resolves once this instance is on the gateway, or knows another Facteur sharing the store is (see SingleGatewaySession). */
  async start(): Promise<void> {
    await this.gateway.start();
  }

  state(): ChannelState {
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
      else if (interaction.isStringSelectMenu()) await this.componentInteractions.onSelect(interaction);
    } catch (error) {
      await this.apologise(interaction, error).catch((failed: unknown) =>
        this.services.log.error({ err: failed, user: interaction.user.id }, 'discord: the apology could not be sent either'),
      );
    }
  }

  private async onCommand(interaction: ChatInputCommandInteraction): Promise<void> {
    const reply = await this.answers.deferred(interaction, (progress) => this.answer(interaction, progress));
    this.services.log.info(
      { event: 'discord.command', user: interaction.user.id, command: interaction.commandName, outcome: reply.outcome },
      'discord command answered',
    );
  }

  /** What a slash command gets: linking and staff commands apart, everything else from the assistant. */
  private async answer(interaction: ChatInputCommandInteraction, progress: ZipProgress): Promise<Reply> {
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
    return this.ask({
      customerId: customer.id,
      text: translated.text,
      command: translated.command,
      locale,
      conversation: conversation(interaction.channelId, userId),
      progress,
    });
  }

  /** A linked Discord account is the owner's: Discord proved it with a code mailed to the address on record. */
  private ask(request: Omit<Request, 'trust'>): Promise<Reply> {
    return this.services.assistant.handle({ ...request, trust: 'owner' });
  }

  /** A reading's button is the assistant's choice; the others are a list's or a card's (see ComponentInteractions). */
  private async onButton(interaction: ButtonInteraction): Promise<void> {
    const choice = CHOICE_BUTTON.exec(interaction.customId);
    if (choice) return this.onChoice(interaction, Number(choice[1]));
    return this.componentInteractions.onButton(interaction);
  }

  /**
   * A reading chosen with its button, as if its number had been typed: the answer takes the
   * question's place, so that the other button cannot be pressed after it (an answer with a
   * list's or a card's components comes beside it, the question left without buttons). The choices are
   * the presser's own conversation's, so another user's press finds none; choices that are
   * gone (a restart, already chosen) are said beside the question, to the presser only.
   */
  private async onChoice(interaction: ButtonInteraction, index: number): Promise<void> {
    await interaction.deferUpdate();
    const locale = localeOf(interaction.locale);
    const customer = await this.links.customer(interaction.user.id);
    const reply = customer
      ? await this.ask({
          customerId: customer.id,
          text: String(index),
          command: { intent: 'choose', index },
          locale,
          conversation: conversation(interaction.channelId, interaction.user.id),
        })
      : this.links.howTo(locale);
    const ephemeral = privately(interaction);
    const { first, rest, links, carried } = await this.answers.payloads(reply, interaction.attachmentSizeLimit || DM_ATTACHMENT_LIMIT, interaction.user.id);
    // A list's or a card's components work for 15 minutes from their message's time (see ComponentInteractions): in the place of a question
    // asked long before, they would have expired from the start. Such an answer is a message of its own; the question loses its buttons.
    const inPlace = reply.outcome === 'answered' && !('components' in first && first.components.length > 0);
    await this.answers.sending(interaction.user.id, reply, { links, carried }, async () => {
      if (reply.outcome === 'answered' && !inPlace) await interaction.editReply({ components: [] });
      const sent = inPlace ? await interaction.editReply(first) : await interaction.followUp({ ...first, ...ephemeral });
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
    const typed = asNumbersAreKept(String(interaction.options.getFocused()).trim().replace(/^#/, ''));
    const { catalog, store } = this.services;
    const choices = (await store.invoices(customer.id))
      .filter((invoice) => invoice.number.startsWith(typed))
      .slice(0, MAX_CHOICES)
      .map((invoice) => ({
        name: catalog
          .t(locale, 'discord.choice.invoice', { ...invoiceFigures(invoice, locale), status: catalog.t(locale, 'status', { status: invoice.status }) })
          .slice(0, 100),
        value: invoice.number,
      }));
    await interaction.respond(choices);
  }

  /**
   * A direct message: linking written out (`lier awa@example.cm`), or a request in plain
   * words, through the same assistant as mail. Messages in servers are not read.
   */
  private async onMessage(message: Message): Promise<void> {
    if (message.author.bot || message.inGuild() || (message.content.trim() === '' && message.attachments.size === 0)) return;
    const channel = message.channel;
    if (!channel.isDMBased() || !('send' in channel)) return;
    let locale: Locale | undefined;
    try {
      const reply = await this.answerText(message);
      locale = reply.locale;
      const { first, rest, links, carried } = await this.answers.payloads(reply, DM_ATTACHMENT_LIMIT, message.author.id);
      await this.answers.sending(message.author.id, reply, { links, carried }, async () => {
        const sent = await channel.send(first);
        for (const payload of rest) await channel.send(payload);
        return sent.id;
      });
    } catch (error) {
      // As after a slash command: the customer is told what went wrong and what to do, never left with nothing.
      const content = this.answers.apology(locale ?? parse(message.content, this.services.assistant.today()).locale ?? 'fr', error, {
        user: message.author.id,
        dm: true,
      });
      await channel
        .send({ content })
        .catch((failed: unknown) => this.services.log.error({ err: failed, user: message.author.id }, 'discord: the apology could not be sent either'));
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
    // Only a linked customer's files are fetched: a stranger's cost nothing.
    const documents = message.attachments.size > 0 ? await attachedPdfs(message, this.services.pdfMaxBytes, this.services.connection.settings.apiUrl) : [];
    // A reply to one of the bot's messages is about what it carried (the assistant looks it up, for this customer only).
    const replied = message.reference?.messageId;
    return this.ask({
      customerId: customer.id,
      text,
      conversation: conversation(message.channelId, userId),
      ...(replied ? { replyingTo: [replied] } : {}),
      ...(documents.length > 0 ? { documents } : {}),
    });
  }

  private async apologise(interaction: Interaction, error: unknown): Promise<void> {
    const content = this.answers.apology(localeOf(interaction.locale), error, { interaction: interaction.id, user: interaction.user.id });
    if (!interaction.isRepliable()) return;
    if (interaction.deferred || interaction.replied) await interaction.editReply({ content, embeds: [], components: [], files: [] });
    else await interaction.reply({ content, ...privately(interaction) });
  }
}

import { DiscordAPIError, type ChatInputCommandInteraction, type MessageComponentInteraction } from 'discord.js';
import { shownIn, type Reply } from '../../assistant/reply.js';
import type { Store } from '../../store/store.js';
import type { CarriedFile } from '../../billing/files.js';
import type { Locale } from '../../billing/types.js';
import type { ZipProgress } from '../../documents/attachment.js';
import type { LinkMaker } from '../../download-links/links.js';
import type { Logger } from '../../log.js';
import type { Deliveries } from '../../notifications/deliveries.js';
import type { Catalog } from '../../templates/catalog.js';
import { deliveryLinks, offerLinks, type OfferedLink } from '../../download-links/offer.js';
import { DM_ATTACHMENT_LIMIT } from './connection.js';
import { ProgressNotice, type ProgressTiming } from './progress.js';
import { fileGroups, LIMITS, renderMessage, type DiscordMessage, type FileToSend } from './render.js';
import { plain } from './markdown.js';
import { localeOf, privately } from './requests.js';

export interface AnswersServices {
  catalog: Catalog;
  /** Where what each message showed is kept (see `shownIn`). */
  store: Pick<Store, 'save'>;
  log: Logger;
  /** Where an answer carrying a download link is recorded: the link lives on for days, and staff must see it was given. */
  deliveries: Deliveries;
  /** Download links for ZIPs over the message's attachment limit; without, such ZIPs are split. */
  downloadLinks: LinkMaker | null;
  progressTiming: ProgressTiming;
}

type Files = { attachment: Buffer; name: string }[];
export type Payload = (DiscordMessage & { files: Files }) | { content: string; files: Files };

/** An interaction answered by editing its deferred reply: a slash command, or a press answered apart from the message pressed on. */
type Deferrable = ChatInputCommandInteraction | MessageComponentInteraction;

/** Replies turned into the Discord messages that carry them, and sent. */
export class Answers {
  constructor(private readonly services: AnswersServices) {}

  /**
   * Acknowledges the interaction at once (only its user sees the answer, in a server), then
   * works out the reply, showing a long ZIP's preparation by editing the acknowledgement, and
   * answers by editing it, the files that do not fit in follow-ups. Resolves with the reply.
   */
  async deferred(interaction: Deferrable, work: (progress: ZipProgress) => Promise<Reply>): Promise<Reply> {
    const { catalog, log, progressTiming } = this.services;
    await interaction.deferReply(privately(interaction));
    const locale = localeOf(interaction.locale);
    const notice = new ProgressNotice(
      (done, total) => interaction.editReply({ content: catalog.t(locale, 'discord.progress', { done, total }) }),
      progressTiming,
      log,
    );
    let reply: Reply;
    try {
      reply = await work(notice.report);
    } finally {
      await notice.settle();
    }
    const { first, rest, links, carried } = await this.payloads(reply, interaction.attachmentSizeLimit || DM_ATTACHMENT_LIMIT, interaction.user.id);
    await this.sending(interaction.user.id, reply, { links, carried }, async () => {
      const sent = await interaction.editReply(first);
      for (const message of rest) await interaction.followUp({ ...message, ...privately(interaction) });
      return sent.id;
    });
    return reply;
  }

  /**
   * The reply as Discord messages for `owner` (who alone may press its components): the
   * first one with the text, the download links offered for ZIPs over `limit` and the first
   * files, then the other files. Links that would take the text past Discord's 2,000
   * characters get a message of their own after it.
   */
  async payloads(reply: Reply, limit: number, owner: string): Promise<{ first: Payload; rest: Payload[]; links: OfferedLink[]; carried: CarriedFile[] }> {
    const { catalog } = this.services;
    const message = renderMessage(reply, catalog, owner);
    const offered = offerLinks(reply.attachments, limit, this.services.downloadLinks, catalog, reply.locale);
    const { groups, tooLarge, carried } = await fileGroups(offered.files, limit);
    const notes = tooLarge.map((filename) => plain(catalog.t(reply.locale, 'discord.tooLarge', { filename, size: Math.floor(limit / (1024 * 1024)) })));
    // In <>, Discord shows the link without a preview: a preview would fetch the page, which is nobody's business. The address is not escaped: it is ours, and a backslash would break it.
    const links = offered.links.map(({ sentence, link }) => `${plain(sentence)}\n<${link.url}>`);
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
    return { first, rest, links: offered.links, carried };
  }

  /**
   * What the user is told, and the operator logged, when an answer could not be sent: that
   * Discord refused it (a body it does not take: asking for less at a time or by mail gets a
   * smaller one), or else that something failed for now (trying again later may do).
   */
  apology(locale: Locale, error: unknown, context: Record<string, unknown>): string {
    const refused = error instanceof DiscordAPIError && (error.status === 400 || error.status === 413);
    if (refused)
      this.services.log.error(
        { event: 'discord.refused', err: error, code: error.code, ...context },
        'discord refused an answer: the user is told to ask for less',
      );
    else this.services.log.error({ err: error, ...context }, 'discord: a request failed');
    return this.services.catalog.t(locale, refused ? 'discord.refused' : 'error.internal');
  }

  /**
   * Sends an answer; one that carries files or download links is recorded in the delivery log
   * around the send, like a mail, so that staff see which links went to whom and until when,
   * and which files (by their SHA-256) a copy can be checked against.
   */
  async sending(userId: string, reply: Reply, sent: { links: OfferedLink[]; carried: CarriedFile[] }, send: () => Promise<string>): Promise<void> {
    const { links, carried } = sent;
    const customerId = links[0]?.link.customerId ?? reply.customerId;
    // What the message showed is kept, so that a reply to it, on whichever instance receives it, is about those invoices.
    const remembered = async () => {
      const id = await send();
      const invoices = shownIn(reply);
      if (customerId !== undefined && invoices.length > 0) {
        await this.services.store.save({ chatMessages: [{ id, customerId, invoices, sentAt: new Date().toISOString() }] });
      }
      return id;
    };
    if (customerId === undefined || (links.length === 0 && carried.length === 0)) {
      await remembered();
      return;
    }
    const spec = {
      customerId,
      invoices: reply.invoices ?? [],
      channel: 'discord' as const,
      recipient: userId,
      reason: 'request' as const,
      attachPdf: carried.length > 0,
      ...(links.length > 0 ? { links: deliveryLinks(links) } : {}),
      ...(carried.length > 0 ? { files: carried } : {}),
    };
    await this.services.deliveries.track(spec, async () => ({ messageId: await remembered() }));
  }
}

function files(group: FileToSend[]): Files {
  return group.map((file) => ({ attachment: file.bytes, name: file.name }));
}

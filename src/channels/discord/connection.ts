import { once } from 'node:events';
import { Client, DiscordAPIError, Events, GatewayIntentBits, Partials, RESTJSONErrorCodes, Routes, type APIDMChannel, type APIMessage } from 'discord.js';
import { ConfigError, type DiscordSettings } from '../../config.js';
import { Fault } from '../../faults.js';
import type { Logger } from '../../log.js';
import type { DirectMessage, DirectMessenger } from '../../outbound/chat.js';
import { NO_MENTIONS, plain } from './markdown.js';
import { payLinkRows } from './components.js';
import { fileGroups, LIMITS, payEmbeds, type FileToSend } from './render.js';

/**
 * What a bot may upload in a direct message, where no interaction says its limit:
 * Discord's default upload limit (10 MiB).
 */
export const DM_ATTACHMENT_LIMIT = 10 * 1024 * 1024;

/** Discord's refusals that sending again will not cure: the user blocks the bot's DMs, or is gone. */
const PERMANENT = new Set<number | string>([
  RESTJSONErrorCodes.CannotSendMessagesToThisUser,
  RESTJSONErrorCodes.UnknownUser,
  RESTJSONErrorCodes.UnknownChannel,
]);

/**
 * Facteur's way to Discord: a REST client, usable at once, for direct messages — so that a
 * `facteur resend --channel discord` from the command line, or an instance that does not hold
 * the gateway, can DM — and the gateway, logged in on demand by the instance that holds it.
 * Each gateway session is a client of its own, made anew after one is let go: discord.js's
 * WebSocket manager, once destroyed, never reconnects again. Rate limits (429) are waited out
 * by discord.js's REST manager, and a dropped gateway connection is resumed or reconnected by
 * its WebSocket manager.
 */
export class DiscordConnection implements DirectMessenger {
  /** The client DMs are sent with; it never logs in to the gateway. */
  readonly client: Client;
  private gatewayClient: Client | null = null;

  constructor(
    readonly settings: DiscordSettings,
    private readonly log: Logger,
  ) {
    this.client = this.newClient();
  }

  private newClient(): Client {
    const client = new Client({
      // Guilds: the server the commands live in (roles for staff); DirectMessages: customers writing to the bot.
      intents: [GatewayIntentBits.Guilds, GatewayIntentBits.DirectMessages],
      // A DM channel is not in the cache before its first message: without this, DMs would be dropped.
      partials: [Partials.Channel],
      // Every message and interaction answer sent through the client: data and customers' words never ping anyone.
      allowedMentions: NO_MENTIONS,
      rest: { api: this.settings.apiUrl },
    });
    client.rest.setToken(this.settings.token);
    client.rest.on('rateLimited', (info) =>
      this.log.warn({ route: info.route, retryAfter: info.retryAfter, global: info.global }, 'discord rate limit: waiting'),
    );
    client.on(Events.Error, (error) => this.log.error({ err: error }, 'discord client error'));
    client.on(Events.ShardDisconnect, (event, shard) => this.log.warn({ shard, code: event.code }, 'discord gateway disconnected'));
    client.on(Events.ShardReconnecting, (shard) => this.log.info({ shard }, 'discord gateway reconnecting'));
    client.on(Events.ShardResume, (shard, replayed) => this.log.info({ shard, replayed }, 'discord gateway resumed'));
    client.on(Events.ShardError, (error, shard) => this.log.warn({ err: error, shard }, 'discord gateway error'));
    return client;
  }

  /**
   * Logs in to the gateway with a client of its own, handed first to `listen` so that no
   * event is missed, and resolves once Discord says the bot is ready.
   */
  async connect(listen: (client: Client) => void): Promise<void> {
    await this.disconnect();
    const client = this.newClient();
    listen(client);
    const ready = once(client, Events.ClientReady);
    // Awaited below once the login went through; until then its rejection must not go unhandled.
    ready.catch(() => undefined);
    try {
      await client.login(this.settings.token);
    } catch (error) {
      // A refused token or an unreachable API is a setting to fix, not a crash: say which and why.
      const { code, message } = error as { code?: string; message: string };
      throw new ConfigError(
        code === 'TokenInvalid'
          ? `DISCORD_TOKEN: Discord refused the login (${message}). Check the bot's token in the Developer Portal.`
          : `Discord could not be reached at ${this.settings.apiUrl} (${message}). Check DISCORD_API_URL and the network.`,
      );
    }
    this.gatewayClient = client;
    await ready;
    this.log.info({ event: 'discord.connected', user: client.user?.tag, application: client.application?.id }, 'discord connected');
  }

  /** On the gateway, and Discord says ready (not between a drop and its resume). */
  ready(): boolean {
    return this.gatewayClient?.isReady() ?? false;
  }

  /** Leaves the gateway, if this process is on it; direct messages still go out. */
  async disconnect(): Promise<void> {
    const client = this.gatewayClient;
    this.gatewayClient = null;
    if (!client) return;
    client.removeAllListeners();
    await client.destroy();
    this.log.info({ event: 'discord.disconnected' }, 'discord gateway left');
  }

  /**
   * A direct message to a Discord user: the text (in pieces of Discord's 2,000 characters),
   * the files with the last piece. A refusal that retrying cannot cure (50007: the user
   * does not accept DMs from the bot) is thrown as a {@link Fault} with Discord's reason,
   * which the delivery log records.
   */
  async send(userId: string, message: DirectMessage): Promise<{ messageId: string }> {
    try {
      // Over REST alone: discord.js's channel objects need a logged-in client, which only the gateway's holder has.
      const channel = (await this.client.rest.post(Routes.userChannels(), { body: { recipient_id: userId } })) as APIDMChannel;
      const { groups, tooLarge } = await fileGroups(message.attachments, DM_ATTACHMENT_LIMIT);
      if (tooLarge.length > 0) throw new Fault('ETOOLARGE', `too large for a Discord direct message: ${tooLarge.join(', ')}`);
      const pieces = split(plain(message.text), LIMITS.content);
      // With a key, each message carries a nonce Discord enforces: sent again after a crash,
      // it is not posted twice.
      let sent = 0;
      const once = () => (message.key ? { nonce: `${message.key.replaceAll('-', '').slice(0, 22)}${sent++}`, enforce_nonce: true } : {});
      // The pay buttons (or, for a link too long for one, linked titles) under the text's last piece, with the files.
      const [rows, titles] = [payLinkRows(message.pay ?? []), payEmbeds(message.pay ?? [])];
      const under = { ...(rows.length > 0 ? { components: rows } : {}), ...(titles.length > 0 ? { embeds: titles } : {}) };
      const post = async (content: string | undefined, files: FileToSend[], extra: object = {}) => {
        const body = { ...(content === undefined ? {} : { content }), ...extra, allowed_mentions: NO_MENTIONS, ...once() };
        return (
          (await this.client.rest.post(Routes.channelMessages(channel.id), { body, files: files.map((f) => ({ name: f.name, data: f.bytes })) })) as APIMessage
        ).id;
      };
      let last = '';
      for (const [index, piece] of pieces.entries())
        last = await post(piece, index === pieces.length - 1 ? (groups[0] ?? []) : [], index === pieces.length - 1 ? under : {});
      for (const group of groups.slice(1)) last = await post(undefined, group);
      return { messageId: last };
    } catch (error) {
      if (error instanceof DiscordAPIError && PERMANENT.has(error.code)) {
        throw new Fault('EDMREFUSED', `Discord refused the direct message: ${error.message} (${error.code})`);
      }
      throw error;
    }
  }

  /** A notice in a server's channel (the staff's), over REST like direct messages: its subject in bold, what it carries as written. */
  async post(channelId: string, notice: { subject: string; text: string }): Promise<void> {
    const text = `**${plain(notice.subject)}**\n${plain(notice.text)}`;
    for (const piece of split(text, LIMITS.content))
      await this.client.rest.post(Routes.channelMessages(channelId), { body: { content: piece, allowed_mentions: NO_MENTIONS } });
  }

  async close(): Promise<void> {
    await this.disconnect();
    await this.client.destroy();
  }
}

/** Text in pieces of at most `max` characters, cut at line ends where it can be. */
export function split(text: string, max: number): string[] {
  const pieces: string[] = [];
  let rest = text;
  while (rest.length > max) {
    const cut = rest.lastIndexOf('\n', max);
    let at = cut > max / 2 ? cut : max;
    // A Markdown escape (a backslash and the sign after it) stays in one piece, or the sign would be read as Markdown in the next.
    if (trailingBackslashes(rest.slice(0, at)) % 2 === 1) at--;
    pieces.push(rest.slice(0, at));
    rest = rest.slice(at).replace(/^\n/, '');
  }
  pieces.push(rest);
  return pieces;
}

function trailingBackslashes(text: string): number {
  return text.length - text.replace(/\\+$/, '').length;
}

/**
 * A small local Discord for tests: the HTTP API routes a bot uses (gateway discovery,
 * interaction callbacks and webhooks, DMs, command registration) and a WebSocket gateway
 * (HELLO, heartbeats, IDENTIFY → READY, RESUME → RESUMED), on one port of 127.0.0.1.
 * A real discord.js client logs in to it; a test then plays users — dispatches slash
 * commands, button clicks, select menu choices and DMs — and reads what the bot sent: every
 * REST request is recorded with its JSON body and the bytes of its files.
 *
 * It keeps the messages the bot posted as Discord would, by id: an interaction's deferral or
 * reply makes its original message, `PATCH …/@original` edits it, an update (callback type 7)
 * edits the message a component was pressed on. A test presses components on those messages
 * (`message`, `original`), as a user would on what they see. Ids are snowflakes of the time
 * they are made, as Discord's are, so that a message's age can be read from its id (`aged`).
 *
 * It refuses what Discord refuses (the rules are in discord-rules.ts): a body over any of
 * Discord's limits gets 400 / 50035 "Invalid Form Body" with its `errors`, an empty message
 * 50006, a file over the upload limit 413 / 40005, a second callback of one interaction 40060,
 * a callback after 3 s 10062, an edit or follow-up after the token's 15 minutes 50027. A slash
 * command exists only once the bot registered it, where it registered it (a server's commands
 * are not in DMs), and a test cannot send options the Discord client would not let a user
 * submit (outside `min_length`/`max_length`, `min_value`/`max_value`, the choices, a required
 * option left out): `command()` throws saying why.
 *
 * It can also misbehave on purpose: answer the next matching request with an error (a 429
 * with `retry_after`, a 403 with code 50007), refuse DMs to a user, or close the socket.
 */
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import type net from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import {
  CALLBACK,
  checkCallback,
  checkCommands,
  checkMessage,
  clientRefusal,
  CODES,
  Form,
  INTERACTION,
  isEmpty,
  LIMITS,
  pings,
  type MessageContext,
  type RegisteredCommand,
  type RegisteredOption,
} from './discord-rules.js';

export interface DiscordUser {
  id: string;
  username: string;
}

export interface SentFile {
  field: string;
  filename: string;
  contentType: string;
  bytes: Buffer;
}

export interface RecordedRequest {
  method: string;
  /** Without the `/api/v10` prefix, e.g. `/interactions/1/tok/callback`. */
  path: string;
  query: URLSearchParams;
  /** The JSON body, or a multipart body's `payload_json`. */
  body: any;
  files: SentFile[];
  /** What the peer answered: its status, and its JSON body (a posted message, with its id), or null. */
  status: number;
  response: any;
  at: number;
}

export interface InjectedFailure {
  method: string;
  path: RegExp;
  status: number;
  body: Record<string, unknown>;
  headers?: Record<string, string>;
}

export interface CommandOption {
  name: string;
  type: number;
  value?: string | number | boolean;
  options?: CommandOption[];
  focused?: boolean;
}

export interface InteractionInput {
  user: DiscordUser;
  /** In a server (with these roles), or else in the bot's DMs. */
  guild?: { id: string; roles?: string[] };
  locale?: string;
  /** Discord's `attachment_size_limit` for this interaction; default 10 MiB. */
  attachmentSizeLimit?: number;
}

export interface SentInteraction {
  id: string;
  token: string;
  channelId: string;
}

export interface DiscordPeer {
  /** The REST base to give the bot (DISCORD_API_URL). */
  apiUrl: string;
  appId: string;
  bot: DiscordUser;
  requests: RecordedRequest[];
  /** `open`: gateway sockets open now (one per bot session: two would get every event twice). */
  gateway: { connections: number; open: number; identifies: number; resumes: number; closes: number };
  /** Resolves when a client holds a live session (after READY or RESUMED). */
  ready(timeoutMs?: number): Promise<void>;
  command(input: InteractionInput & { name: string; options?: CommandOption[] }): SentInteraction;
  autocomplete(input: InteractionInput & { name: string; options: CommandOption[] }): SentInteraction;
  /** A click on a button of `message` (a message object the bot sent, as `message()` or `original()` give it). */
  click(input: InteractionInput & { customId: string; message: any; channelId?: string }): SentInteraction;
  /** Options chosen in a string select menu of `message`: `values` as Discord sends them (a test may forge them). */
  select(input: InteractionInput & { customId: string; values: string[]; message: any; channelId?: string }): SentInteraction;
  /** A message the bot posted, as it stands now (edits applied), as Discord puts it in a component interaction. */
  message(id: string): any;
  /** The original message of an interaction (its deferral or reply, or the message its component was on), as it stands now. */
  original(sent: SentInteraction): any;
  /** The same message as if it had been posted `ms` ago: its id is a snowflake of that time. */
  aged(message: any, ms: number): any;
  /** How the bot acknowledged an interaction (its callback), once it has. */
  callback(sent: SentInteraction, timeoutMs?: number): Promise<RecordedRequest>;
  /** The edits of an interaction's original message (`PATCH …/@original`) so far, in order. */
  edits(sent: SentInteraction): RecordedRequest[];
  /** The follow-up messages of an interaction (`POST /webhooks/{app}/{token}`) so far, in order. */
  followUps(sent: SentInteraction): RecordedRequest[];
  /** A registered command and its subcommand as a Discord client in `locale` shows them: `shown('fr', 'link', 'code')` is `/lier code`. */
  shown(locale: string, command: string, ...subcommands: string[]): string;
  /**
   * A user writes to the bot in a DM, with files attached if given: each is kept at a CDN
   * address of this peer (as Discord keeps them at cdn.discordapp.com), the message naming
   * its size, type and URL, and served to whoever fetches it; `fetched` counts the fetches.
   * `replyTo` makes it a reply to that message (one the bot posted, or any id, as a client
   * could forge), which Discord sends with its reference.
   */
  dm(
    user: DiscordUser,
    content: string,
    files?: { name: string; bytes: Buffer; contentType?: string }[],
    options?: { replyTo?: string },
  ): { channelId: string; id: string };
  /** How many times each attached file was fetched, by name. */
  fetched: Map<string, number>;
  dmChannelOf(userId: string): string;
  waitFor(predicate: (request: RecordedRequest) => boolean, timeoutMs?: number, what?: string): Promise<RecordedRequest>;
  /** The next request matching `method` and `path` gets this answer instead, once. */
  failNext(failure: InjectedFailure): void;
  /** Sends to this user's DM channel are refused with 50007 (the user blocks DMs). */
  refuseDms(userId: string): void;
  /** Closes the gateway socket the bot is on, with this close code. */
  dropGateway(code?: number): void;
  close(): Promise<void>;
}

const API_PREFIX = '/api/v10';

/** Discord's epoch (2015-01-01), from which a snowflake counts milliseconds in its upper bits. */
const DISCORD_EPOCH = 1_420_070_400_000n;

/**
 * What an interaction's token refers to: its type and when it was sent (it must be answered
 * within 3 s, once), its upload limit, its original message once there is one, and the message
 * its component was on.
 */
interface Conversation {
  type: number;
  createdAt: number;
  attachmentLimit: number;
  acknowledged: boolean;
  channelId: string;
  original?: string;
  pressedOn?: string;
}

/** Interaction context types: where a command may be used. */
const CONTEXT = { guild: 0, botDm: 1 } as const;

export async function startDiscordPeer(): Promise<DiscordPeer> {
  const appId = '1300000000000000001';
  const bot: DiscordUser = { id: appId, username: 'Facteur' };
  const requests: RecordedRequest[] = [];
  const failures: InjectedFailure[] = [];
  const refused = new Set<string>();
  const dmChannels = new Map<string, string>();
  const waiters = new Set<() => boolean>();
  const gateway = { connections: 0, open: 0, identifies: 0, resumes: 0, closes: 0 };
  let sequence = 0n;
  /** A snowflake of time `at` (now by default), unique: the low bits count. */
  const snowflake = (at = Date.now()) => String(((BigInt(at) - DISCORD_EPOCH) << 22n) | (sequence++ & 0x3fffffn));
  const id = () => snowflake();
  const messages = new Map<string, any>();
  const conversations = new Map<string, Conversation>();
  /** The commands the bot registered: globally, and per server. */
  const registered = { global: [] as RegisteredCommand[], guilds: new Map<string, RegisteredCommand[]>() };
  let session: { id: string; seq: number; socket: WebSocket | null; live: boolean } = { id: '', seq: 0, socket: null, live: false };
  let port = 0;

  const user = (u: DiscordUser) => ({ id: u.id, username: u.username, global_name: u.username, discriminator: '0', avatar: null, bot: u.id === bot.id });

  const attachments = (files: SentFile[]) =>
    files.map((f, i) => ({
      id: id(),
      filename: f.filename,
      size: f.bytes.length,
      url: `http://127.0.0.1:${port}/attachments/${i}`,
      proxy_url: '',
      content_type: f.contentType,
    }));

  /** A new message the bot posted, kept by id. */
  const post = (channelId: string, body: any, files: SentFile[]) => {
    const posted = message(channelId, body, files);
    messages.set(posted.id, posted);
    return posted;
  };

  /** An edit of a kept message: what the body names is replaced, the rest stays, as Discord edits. */
  const edit = (messageId: string | undefined, body: any, files: SentFile[]) => {
    const kept = messageId ? messages.get(messageId) : undefined;
    if (!kept) return undefined;
    for (const field of ['content', 'embeds', 'components', 'flags'] as const) if (body && field in body) kept[field] = body[field];
    // The attachments the body lists are those the message keeps; new files come with it.
    if (files.length > 0) kept.attachments = attachments(files);
    else if (Array.isArray(body?.attachments))
      kept.attachments = kept.attachments.filter((a: { id: string }) => body.attachments.some((b: { id?: string }) => String(b.id) === a.id));
    Object.assign(kept, mentionsOf(kept.content, body?.allowed_mentions));
    kept.edited_timestamp = new Date().toISOString();
    return kept;
  };

  /** An interaction's callback: a reply or a deferral makes its original message; an update edits the message pressed on. */
  const answer = (conversation: Conversation, body: any, files: SentFile[]) => {
    const type = Number(body?.type);
    if (type === 4 || type === 5)
      conversation.original = post(conversation.channelId, { ...(body.data ?? {}), ...(type === 5 ? { content: '' } : {}) }, files).id;
    else if (type === 6 || type === 7) {
      conversation.original = conversation.pressedOn;
      if (type === 7) edit(conversation.pressedOn, body.data ?? {}, files);
    }
  };

  /** Whom the message's content pings, as its message object says it: what `allowed_mentions` let through. */
  const mentionsOf = (content: string, allowed: any) => {
    const pinged = pings(content, allowed);
    return {
      mention_everyone: pinged.everyone,
      mentions: pinged.users.map((userId) => user({ id: userId, username: `user${userId.slice(-4)}` })),
      mention_roles: pinged.roles,
    };
  };

  const message = (channelId: string, body: any, files: SentFile[]) => ({
    id: id(),
    channel_id: channelId,
    author: user(bot),
    content: body?.content ?? '',
    timestamp: new Date().toISOString(),
    edited_timestamp: null,
    tts: false,
    ...mentionsOf(body?.content ?? '', body?.allowed_mentions),
    attachments: attachments(files),
    embeds: body?.embeds ?? [],
    components: body?.components ?? [],
    pinned: false,
    type: 0,
    flags: body?.flags ?? 0,
    application_id: appId,
  });

  const dmChannelOf = (userId: string) => {
    let channel = dmChannels.get(userId);
    if (!channel) dmChannels.set(userId, (channel = id()));
    return channel;
  };

  /** What the API answers, as [status, JSON body or null for 204]. */
  function route(method: string, path: string, body: any, files: SentFile[]): [number, unknown] {
    if (method === 'GET' && path === '/gateway/bot') {
      return [200, { url: `ws://127.0.0.1:${port}`, shards: 1, session_start_limit: { total: 1000, remaining: 1000, reset_after: 0, max_concurrency: 1 } }];
    }
    let match = /^\/applications\/\d+(?:\/guilds\/(\d+))?\/commands$/.exec(path);
    if (match && method === 'PUT') return register(match[1], body);
    match = /^\/interactions\/\d+\/([^/]+)\/callback$/.exec(path);
    if (match && method === 'POST') return callback(match[1]!, body, files);
    match = /^\/webhooks\/\d+\/([^/]+)\/messages\/@original$/.exec(path);
    if (match && method === 'PATCH') {
      const [conversation, refused] = followable(match[1]!);
      if (refused) return refused;
      const kept = messages.get(conversation!.original!);
      return refusal(body, files, conversation!.attachmentLimit, { files: files.length, editing: kept }) ?? [200, edit(conversation!.original, body, files)];
    }
    match = /^\/webhooks\/\d+\/([^/]+)$/.exec(path);
    if (match && method === 'POST') {
      const [conversation, refused] = followable(match[1]!);
      if (refused) return refused;
      return refusal(body, files, conversation!.attachmentLimit, { files: files.length }) ?? [200, post(conversation!.channelId, body, files)];
    }
    if (method === 'POST' && path === '/users/@me/channels') {
      const recipient = String(body.recipient_id);
      return [
        200,
        { id: dmChannelOf(recipient), type: 1, recipients: [user({ id: recipient, username: `user${recipient.slice(-4)}` })], last_message_id: null },
      ];
    }
    match = /^\/channels\/(\d+)\/messages$/.exec(path);
    if (match && method === 'POST') {
      const owner = [...dmChannels].find(([, channel]) => channel === match![1])?.[0];
      if (owner && refused.has(owner)) return [403, { message: 'Cannot send messages to this user', code: 50007 }];
      return refusal(body, files, LIMITS.fileBytes, { files: files.length }) ?? [200, post(match[1]!, body, files)];
    }
    return [404, { message: `Unknown route ${method} ${path} in the test peer`, code: 0 }];
  }

  /** A server's commands (or the global ones), replaced by the body once Discord's rules accept it. */
  function register(guildId: string | undefined, body: unknown): [number, unknown] {
    const form = new Form();
    checkCommands(form, body);
    if (form.refused) return [400, form.answer()];
    const saved = (body as RegisteredCommand[]).map((command) => ({
      ...command,
      id: id(),
      application_id: appId,
      version: id(),
      ...(guildId ? { guild_id: guildId } : {}),
    }));
    if (guildId) registered.guilds.set(guildId, saved);
    else registered.global = saved;
    return [200, saved];
  }

  /** An interaction's answer: once, within 3 s, of a type its interaction takes, its message within the limits. */
  function callback(token: string, body: any, files: SentFile[]): [number, unknown] {
    const conversation = conversations.get(token);
    if (!conversation || Date.now() - conversation.createdAt > LIMITS.answerMs)
      return [404, { message: 'Unknown interaction', code: CODES.unknownInteraction }];
    if (conversation.acknowledged) return [400, { message: 'Interaction has already been acknowledged.', code: CODES.alreadyAcknowledged }];
    const type = Number(body?.type);
    const context: MessageContext = { files: files.length, ...(type === CALLBACK.update ? { editing: messages.get(conversation.pressedOn ?? '') } : {}) };
    const shows = type === CALLBACK.message || type === CALLBACK.update;
    const refused = refusal(body?.data, files, conversation.attachmentLimit, context, (form) => checkCallback(form, conversation.type, body, context), shows);
    if (refused) return refused;
    conversation.acknowledged = true;
    answer(conversation, body, files);
    return [204, null];
  }

  /** The conversation of a token that takes edits and follow-ups: known, acknowledged, within its 15 minutes. */
  function followable(token: string): [Conversation | undefined, [number, unknown] | null] {
    const conversation = conversations.get(token);
    if (!conversation) return [undefined, [404, { message: 'Unknown Webhook', code: CODES.unknownWebhook }]];
    if (Date.now() - conversation.createdAt > LIMITS.tokenMs) return [undefined, [401, { message: 'Invalid Webhook Token', code: CODES.invalidWebhookToken }]];
    if (!conversation.acknowledged || !conversation.original) return [undefined, [404, { message: 'Unknown Message', code: CODES.unknownMessage }]];
    return [conversation, null];
  }

  /**
   * Discord's refusal of a message body, or null when it takes it: 413 for a file over `limit`,
   * 400 with the faults `check` finds (a message's, by default), 50006 for a message that
   * would show nothing (when `shows`: a deferral shows nothing, and may).
   */
  function refusal(
    body: any,
    files: SentFile[],
    limit: number,
    context: MessageContext,
    check = (form: Form) => checkMessage(form, [], body, context),
    shows = true,
  ): [number, unknown] | null {
    if (files.some((file) => file.bytes.length > limit)) return [413, { message: 'Request entity too large', code: CODES.requestTooLarge }];
    const form = new Form();
    check(form);
    if (form.refused) return [400, form.answer()];
    if (shows && isEmpty(body, context)) return [400, { message: 'Cannot send an empty message', code: CODES.emptyMessage }];
    return null;
  }

  /** Files users attached to their DMs, by their CDN path. */
  const uploads = new Map<string, { name: string; bytes: Buffer; contentType: string }>();
  const fetched = new Map<string, number>();

  const server = http.createServer((req, res) => {
    const upload = req.method === 'GET' ? uploads.get(decodeURIComponent((req.url ?? '').split('?')[0]!)) : undefined;
    if (upload) {
      fetched.set(upload.name, (fetched.get(upload.name) ?? 0) + 1);
      res.writeHead(200, { 'content-type': upload.contentType, 'content-length': upload.bytes.length });
      res.end(upload.bytes);
      return;
    }
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      void (async () => {
        const url = new URL(req.url ?? '/', `http://127.0.0.1:${port}`);
        const pathname = decodeURIComponent(url.pathname);
        const path = pathname.startsWith(API_PREFIX) ? pathname.slice(API_PREFIX.length) : pathname;
        const method = req.method ?? 'GET';
        const { body, files } = await readBody(Buffer.concat(chunks), String(req.headers['content-type'] ?? ''));
        const failure = failures.findIndex((f) => f.method === method && f.path.test(path));
        let status: number;
        let answer: unknown;
        const headers: Record<string, string> = { 'content-type': 'application/json' };
        if (failure >= 0) {
          const [f] = failures.splice(failure, 1);
          status = f!.status;
          answer = f!.body;
          Object.assign(headers, f!.headers ?? {});
        } else {
          [status, answer] = route(method, path, body, files);
        }
        requests.push({ method, path, query: url.searchParams, body, files, status, response: answer, at: Date.now() });
        for (const check of waiters) if (check()) waiters.delete(check);
        if (answer === null) {
          res.writeHead(status);
          res.end();
        } else {
          res.writeHead(status, headers);
          res.end(JSON.stringify(answer));
        }
      })().catch((error: unknown) => {
        res.writeHead(500);
        res.end(String(error));
      });
    });
  });

  const wss = new WebSocketServer({ server });
  wss.on('connection', (socket) => {
    gateway.connections++;
    gateway.open++;
    const send = (payload: unknown) => socket.send(JSON.stringify(payload));
    send({ op: 10, d: { heartbeat_interval: 41250 }, s: null, t: null });
    socket.on('message', (raw) => {
      const payload = JSON.parse(String(raw)) as { op: number; d: any };
      if (payload.op === 1) send({ op: 11, d: null, s: null, t: null });
      else if (payload.op === 2) {
        gateway.identifies++;
        session = { id: randomBytes(8).toString('hex'), seq: 1, socket, live: true };
        send({
          op: 0,
          s: session.seq,
          t: 'READY',
          d: {
            v: 10,
            user: { ...user(bot), bot: true },
            guilds: [],
            session_id: session.id,
            resume_gateway_url: `ws://127.0.0.1:${port}`,
            application: { id: appId, flags: 0 },
          },
        });
        for (const check of waiters) if (check()) waiters.delete(check);
      } else if (payload.op === 6) {
        gateway.resumes++;
        if (payload.d.session_id !== session.id) {
          send({ op: 9, d: false, s: null, t: null });
          return;
        }
        session = { ...session, socket, live: true };
        send({ op: 0, s: ++session.seq, t: 'RESUMED', d: {} });
        for (const check of waiters) if (check()) waiters.delete(check);
      }
    });
    socket.on('close', () => {
      gateway.open--;
      if (session.socket === socket) session = { ...session, live: false };
    });
  });

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as net.AddressInfo).port;

  function waitUntil<T>(pick: () => T | undefined, timeoutMs: number, what: string): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const check = () => {
        const value = pick();
        if (value === undefined) return false;
        clearTimeout(timer);
        resolve(value);
        return true;
      };
      const timer = setTimeout(() => {
        waiters.delete(check);
        const seen = requests
          .slice(-12)
          .map((r) => `${r.method} ${r.path} ${r.status}`)
          .join('\n  ');
        reject(new Error(`Discord peer: timed out after ${timeoutMs} ms waiting for ${what}; requests so far:\n  ${seen}`));
      }, timeoutMs);
      if (!check()) waiters.add(check);
    });
  }

  function dispatch(t: string, d: unknown): void {
    if (!session.live || !session.socket) throw new Error('Discord peer: no live gateway session to dispatch to');
    session.socket.send(JSON.stringify({ op: 0, s: ++session.seq, t, d }));
  }

  /**
   * The registered command a user can run where `input` puts them (a server's own commands and
   * the global ones allowed in servers; in DMs, the global ones allowed there), with these
   * options as the Discord client would send them; or an error saying why Discord would not.
   */
  function offered(input: InteractionInput, name: string, options: CommandOption[], autocomplete: boolean): RegisteredCommand & { id: string } {
    const context = input.guild ? CONTEXT.guild : CONTEXT.botDm;
    const global = registered.global.filter((command) => !command.contexts || command.contexts.includes(context));
    const here = input.guild ? [...(registered.guilds.get(input.guild.id) ?? []), ...global] : global;
    const command = here.find((c) => c.name === name) as (RegisteredCommand & { id: string }) | undefined;
    const where = input.guild ? `in the server ${input.guild.id}` : 'in DMs';
    if (!command)
      throw new Error(`Discord peer: no command /${name} is registered ${where}, so Discord would not offer it (a server's commands are not in DMs)`);
    if (autocomplete && !options.some((option) => option.focused || option.options?.some((sub) => sub.focused)))
      throw new Error('Discord peer: an autocomplete interaction has one focused option');
    const why = clientRefusal(command, options, autocomplete);
    if (why) throw new Error(`Discord peer: the Discord client would not send this: ${why}`);
    return command;
  }

  function interaction(input: InteractionInput, type: number, data: unknown, extra: Record<string, unknown> = {}): SentInteraction {
    const sent = { id: id(), token: `tok${randomBytes(12).toString('hex')}`, channelId: input.guild ? '1320000000000000001' : dmChannelOf(input.user.id) };
    const pressed = extra.message as { id?: string } | undefined;
    const pressedOn = pressed?.id;
    // The message a component is on is one Discord holds: one the test made (aged, forged) is taken as it is given.
    if (pressedOn && !messages.has(pressedOn)) messages.set(pressedOn, structuredClone(pressed));
    const attachmentLimit = input.attachmentSizeLimit ?? LIMITS.fileBytes;
    conversations.set(sent.token, {
      type,
      createdAt: Date.now(),
      attachmentLimit,
      acknowledged: false,
      channelId: sent.channelId,
      ...(pressedOn ? { pressedOn } : {}),
    });
    const where = input.guild
      ? {
          guild_id: input.guild.id,
          guild_locale: 'fr',
          channel: { id: sent.channelId, type: 0, guild_id: input.guild.id, name: 'facturation' },
          member: {
            user: user(input.user),
            roles: input.guild.roles ?? [],
            permissions: '0',
            joined_at: new Date(0).toISOString(),
            deaf: false,
            mute: false,
            flags: 0,
          },
          context: 0,
        }
      : { channel: { id: sent.channelId, type: 1, recipients: [user(input.user)] }, user: user(input.user), context: 1 };
    dispatch('INTERACTION_CREATE', {
      id: sent.id,
      application_id: appId,
      type,
      token: sent.token,
      version: 1,
      channel_id: sent.channelId,
      ...where,
      data,
      locale: input.locale ?? 'fr',
      app_permissions: '0',
      entitlements: [],
      authorizing_integration_owners: { 0: input.guild?.id ?? '0' },
      attachment_size_limit: attachmentLimit,
      ...extra,
    });
    return sent;
  }

  return {
    apiUrl: `http://127.0.0.1:${port}/api`,
    appId,
    bot,
    requests,
    gateway,
    ready: (timeoutMs = 10_000) => waitUntil(() => (session.live ? true : undefined), timeoutMs, 'a live gateway session').then(() => {}),
    command(input) {
      const options = input.options ?? [];
      return interaction(input, INTERACTION.command, { id: offered(input, input.name, options, false).id, name: input.name, type: 1, options });
    },
    autocomplete(input) {
      const command = offered(input, input.name, input.options, true);
      return interaction(input, INTERACTION.autocomplete, { id: command.id, name: input.name, type: 1, options: input.options });
    },
    click: (input) =>
      interaction(
        input,
        3,
        { custom_id: input.customId, component_type: 2 },
        { message: input.message, channel_id: input.channelId ?? input.message.channel_id },
      ),
    select: (input) =>
      interaction(
        input,
        3,
        { custom_id: input.customId, component_type: 3, values: input.values },
        { message: input.message, channel_id: input.channelId ?? input.message.channel_id },
      ),
    message(messageId) {
      const kept = messages.get(messageId);
      if (!kept) throw new Error(`Discord peer: the bot posted no message ${messageId}`);
      return structuredClone(kept);
    },
    original(sent) {
      const original = conversations.get(sent.token)?.original;
      if (!original) throw new Error(`Discord peer: interaction ${sent.id} has no original message yet`);
      return structuredClone(messages.get(original));
    },
    aged: (posted, ms) => ({ ...structuredClone(posted), id: snowflake(Date.now() - ms), timestamp: new Date(Date.now() - ms).toISOString() }),
    callback: (sent, timeoutMs = 10_000) =>
      waitUntil(() => requests.find((r) => r.path === `/interactions/${sent.id}/${sent.token}/callback`), timeoutMs, `the callback of interaction ${sent.id}`),
    edits: (sent) => requests.filter((r) => r.method === 'PATCH' && r.path.endsWith(`/${sent.token}/messages/@original`)),
    followUps: (sent) => requests.filter((r) => r.method === 'POST' && r.path.endsWith(`/${sent.token}`)),
    fetched,
    dm(author, content, files = [], options = {}) {
      const channelId = dmChannelOf(author.id);
      const messageId = id();
      const attached = files.map((file) => {
        const fileId = id();
        const cdnPath = `/cdn/attachments/${channelId}/${fileId}/${file.name}`;
        const contentType = file.contentType ?? 'application/pdf';
        uploads.set(cdnPath, { name: file.name, bytes: file.bytes, contentType });
        return {
          id: fileId,
          filename: file.name,
          size: file.bytes.length,
          url: `http://127.0.0.1:${port}${cdnPath}`,
          proxy_url: `http://127.0.0.1:${port}${cdnPath}`,
          content_type: contentType,
        };
      });
      const replied = options.replyTo === undefined ? undefined : messages.get(options.replyTo);
      // A reply (type 19) names the message it answers, and carries it when Discord still has it.
      const reply =
        options.replyTo === undefined
          ? {}
          : {
              type: 19,
              message_reference: { type: 0, message_id: options.replyTo, channel_id: channelId },
              referenced_message: replied ? structuredClone(replied) : null,
            };
      dispatch('MESSAGE_CREATE', {
        id: messageId,
        channel_id: channelId,
        // As Discord sends it: without it, discord.js cannot tell a DM from an unknown channel it has not cached.
        channel_type: 1,
        author: user(author),
        content,
        timestamp: new Date().toISOString(),
        edited_timestamp: null,
        tts: false,
        mention_everyone: false,
        mentions: [],
        mention_roles: [],
        attachments: attached,
        embeds: [],
        pinned: false,
        type: 0,
        ...reply,
      });
      return { channelId, id: messageId };
    },
    shown(locale, name, ...subcommands) {
      let level = [...registered.global, ...[...registered.guilds.values()].flat()] as RegisteredOption[];
      const words: string[] = [];
      for (const key of [name, ...subcommands]) {
        const found = level.find((option) => option.name === key);
        if (!found) throw new Error(`Discord peer: no registered command or subcommand ${key} in /${[name, ...subcommands].join(' ')}`);
        words.push(localized(found, locale));
        level = found.options ?? [];
      }
      return `/${words.join(' ')}`;
    },
    dmChannelOf,
    waitFor: (predicate, timeoutMs = 10_000, what = 'a matching request') => waitUntil(() => requests.find(predicate), timeoutMs, what),
    failNext: (failure) => failures.push(failure),
    refuseDms: (userId) => refused.add(userId),
    dropGateway(code = 4000) {
      gateway.closes++;
      session.socket?.close(code, 'closed by the test');
    },
    async close() {
      for (const client of wss.clients) client.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** A name as a client in `locale` shows it: its localization, or English's other variant, or the default. */
function localized(option: RegisteredOption & { name_localizations?: Record<string, string> | null }, locale: string): string {
  const names = option.name_localizations ?? {};
  const fallback: Record<string, string> = { 'en-US': 'en-GB', 'en-GB': 'en-US', 'es-419': 'es-ES' };
  return names[locale] ?? (fallback[locale] ? names[fallback[locale]] : undefined) ?? option.name;
}

/** A JSON body, or a multipart one (`payload_json` and `files[n]`) as discord.js sends files. */
async function readBody(raw: Buffer, contentType: string): Promise<{ body: any; files: SentFile[] }> {
  if (raw.length === 0) return { body: null, files: [] };
  if (!contentType.startsWith('multipart/form-data')) return { body: JSON.parse(raw.toString('utf8')), files: [] };
  const form = await new Response(new Uint8Array(raw), { headers: { 'content-type': contentType } }).formData();
  const files: SentFile[] = [];
  let body: any = null;
  for (const [field, value] of form.entries()) {
    if (typeof value === 'string') {
      if (field === 'payload_json') body = JSON.parse(value);
    } else {
      files.push({ field, filename: value.name, contentType: value.type, bytes: Buffer.from(await value.arrayBuffer()) });
    }
  }
  return { body, files };
}

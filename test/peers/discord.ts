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
 * It can also misbehave on purpose: answer the next matching request with an error (a 429
 * with `retry_after`, a 403 with code 50007), refuse DMs to a user, or close the socket.
 */
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import type net from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';

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
  /** A user writes to the bot in a DM. */
  dm(user: DiscordUser, content: string): { channelId: string };
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

/** What an interaction's token refers to: its original message, once there is one, and the message its component was on. */
interface Conversation {
  channelId: string;
  original?: string;
  pressedOn?: string;
}

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
  let session: { id: string; seq: number; socket: WebSocket | null; live: boolean } = { id: '', seq: 0, socket: null, live: false };
  let port = 0;

  const user = (u: DiscordUser) => ({ id: u.id, username: u.username, global_name: u.username, discriminator: '0', avatar: null, bot: u.id === bot.id });

  const attachments = (files: SentFile[]) =>
    files.map((f, i) => ({ id: id(), filename: f.filename, size: f.bytes.length, url: `http://127.0.0.1:${port}/attachments/${i}`, proxy_url: '', content_type: f.contentType }));

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
    if (files.length > 0) kept.attachments = attachments(files);
    kept.edited_timestamp = new Date().toISOString();
    return kept;
  };

  /** An interaction's callback: a reply or a deferral makes its original message; an update edits the message pressed on. */
  const answer = (token: string, body: any, files: SentFile[]) => {
    const conversation = conversations.get(token);
    if (!conversation) return;
    const type = Number(body?.type);
    if (type === 4 || type === 5) conversation.original = post(conversation.channelId, { ...(body.data ?? {}), ...(type === 5 ? { content: '' } : {}) }, files).id;
    else if (type === 6 || type === 7) {
      conversation.original = conversation.pressedOn;
      if (type === 7) edit(conversation.pressedOn, body.data ?? {}, files);
    }
  };

  const message = (channelId: string, body: any, files: SentFile[]) => ({
    id: id(),
    channel_id: channelId,
    author: user(bot),
    content: body?.content ?? '',
    timestamp: new Date().toISOString(),
    edited_timestamp: null,
    tts: false,
    mention_everyone: false,
    mentions: [],
    mention_roles: [],
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
    if (method === 'PUT' && /^\/applications\/\d+(\/guilds\/\d+)?\/commands$/.test(path)) {
      return [200, (body as any[]).map((command) => ({ ...command, id: id(), application_id: appId, version: id() }))];
    }
    let match = /^\/interactions\/\d+\/([^/]+)\/callback$/.exec(path);
    if (match && method === 'POST') {
      answer(match[1]!, body, files);
      return [204, null];
    }
    match = /^\/webhooks\/\d+\/([^/]+)\/messages\/@original$/.exec(path);
    if (match && method === 'PATCH') {
      const conversation = conversations.get(match[1]!);
      return [200, edit(conversation?.original, body, files) ?? message(conversation?.channelId ?? '0', body, files)];
    }
    match = /^\/webhooks\/\d+\/([^/]+)$/.exec(path);
    if (match && method === 'POST') return [200, post(conversations.get(match[1]!)?.channelId ?? '0', body, files)];
    if (method === 'POST' && path === '/users/@me/channels') {
      const recipient = String(body.recipient_id);
      return [200, { id: dmChannelOf(recipient), type: 1, recipients: [user({ id: recipient, username: `user${recipient.slice(-4)}` })], last_message_id: null }];
    }
    match = /^\/channels\/(\d+)\/messages$/.exec(path);
    if (match && method === 'POST') {
      const owner = [...dmChannels].find(([, channel]) => channel === match![1])?.[0];
      if (owner && refused.has(owner)) return [403, { message: 'Cannot send messages to this user', code: 50007 }];
      return [200, post(match[1]!, body, files)];
    }
    return [404, { message: `Unknown route ${method} ${path} in the test peer`, code: 0 }];
  }

  const server = http.createServer((req, res) => {
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
        const seen = requests.slice(-12).map((r) => `${r.method} ${r.path} ${r.status}`).join("\n  ");
        reject(new Error(`Discord peer: timed out after ${timeoutMs} ms waiting for ${what}; requests so far:\n  ${seen}`));
      }, timeoutMs);
      if (!check()) waiters.add(check);
    });
  }

  function dispatch(t: string, d: unknown): void {
    if (!session.live || !session.socket) throw new Error('Discord peer: no live gateway session to dispatch to');
    session.socket.send(JSON.stringify({ op: 0, s: ++session.seq, t, d }));
  }

  function interaction(input: InteractionInput, type: number, data: unknown, extra: Record<string, unknown> = {}): SentInteraction {
    const sent = { id: id(), token: `tok${randomBytes(12).toString('hex')}`, channelId: input.guild ? '1320000000000000001' : dmChannelOf(input.user.id) };
    const pressedOn = (extra.message as { id?: string } | undefined)?.id;
    conversations.set(sent.token, { channelId: sent.channelId, ...(pressedOn ? { pressedOn } : {}) });
    const where = input.guild
      ? {
          guild_id: input.guild.id,
          guild_locale: 'fr',
          channel: { id: sent.channelId, type: 0, guild_id: input.guild.id, name: 'facturation' },
          member: { user: user(input.user), roles: input.guild.roles ?? [], permissions: '0', joined_at: new Date(0).toISOString(), deaf: false, mute: false, flags: 0 },
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
      attachment_size_limit: input.attachmentSizeLimit ?? 10 * 1024 * 1024,
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
    command: (input) => interaction(input, 2, { id: id(), name: input.name, type: 1, options: input.options ?? [] }),
    autocomplete: (input) => interaction(input, 4, { id: id(), name: input.name, type: 1, options: input.options }),
    click: (input) => interaction(input, 3, { custom_id: input.customId, component_type: 2 }, { message: input.message, channel_id: input.channelId ?? input.message.channel_id }),
    select: (input) => interaction(input, 3, { custom_id: input.customId, component_type: 3, values: input.values }, { message: input.message, channel_id: input.channelId ?? input.message.channel_id }),
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
    callback: (sent, timeoutMs = 10_000) => waitUntil(() => requests.find((r) => r.path === `/interactions/${sent.id}/${sent.token}/callback`), timeoutMs, `the callback of interaction ${sent.id}`),
    edits: (sent) => requests.filter((r) => r.method === 'PATCH' && r.path.endsWith(`/${sent.token}/messages/@original`)),
    followUps: (sent) => requests.filter((r) => r.method === 'POST' && r.path.endsWith(`/${sent.token}`)),
    dm(author, content) {
      const channelId = dmChannelOf(author.id);
      dispatch('MESSAGE_CREATE', {
        id: id(),
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
        attachments: [],
        embeds: [],
        pinned: false,
        type: 0,
      });
      return { channelId };
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

import { registerCommands } from '../../src/channels/discord/register.js';
import type { DiscordSettings } from '../../src/config.js';
import type { Catalog } from '../../src/templates/catalog.js';
import type { CommandOption, DiscordPeer, DiscordUser, InteractionInput, RecordedRequest, SentInteraction } from '../peers/discord.js';
import type { SmtpPeer } from '../peers/smtp.js';

/** Discord's flag on a message only its user sees. */
export const EPHEMERAL = 64;
export const OPTION = { subcommand: 1, string: 3, integer: 4, boolean: 5 } as const;

export const string = (name: string, value: string): CommandOption => ({ name, type: OPTION.string, value });
export const integer = (name: string, value: number): CommandOption => ({ name, type: OPTION.integer, value });
export const sub = (name: string, ...options: CommandOption[]): CommandOption => ({ name, type: OPTION.subcommand, options });

interface Embed {
  title?: string;
  description?: string;
  fields?: { name: string; value: string }[];
}

/** What a user reads in a message (a request's body, or a message object): its text and its embeds' text, with no-break spaces as spaces. */
export function readMessage(body: { content?: string; embeds?: Embed[] } | null | undefined): string {
  const embeds = (body?.embeds ?? []).flatMap((e) => [e.title ?? '', e.description ?? '', ...(e.fields ?? []).map((f) => `${f.name}\n${f.value}`)]);
  return [body?.content ?? '', ...embeds]
    .filter(Boolean)
    .join('\n')
    .replace(/[\u202F\u00A0]/g, ' ');
}

export function read(request: RecordedRequest): string {
  return readMessage(request.body);
}

/** An edit that only tells how far a ZIP is ("Préparation : 40 / 120 factures…"), which comes before the answer. */
export function isProgress(request: RecordedRequest): boolean {
  return request.files.length === 0 && /^(Préparation :|Preparing:) \d+ \/ \d+ /.test(String(request.body?.content ?? ''));
}

/**
 * Registers Facteur's commands as `facteur discord register` does, for the server of
 * `settings` and globally: Discord offers a server's commands in that server only, so the
 * global ones are those a user finds in a DM with the bot.
 */
export async function registerEverywhere(settings: DiscordSettings, catalog: Catalog): Promise<void> {
  if (settings.guildId) await registerCommands(settings, catalog);
  await registerCommands({ ...settings, guildId: null }, catalog);
}

/** Customers on a local Discord: slash commands run and answered, accounts linked with the code the SMTP peer received. */
export function discordCustomers(discord: DiscordPeer, smtp: SmtpPeer, guild: string) {
  const inGuild = (user: DiscordUser, extra: Partial<InteractionInput> = {}): InteractionInput => ({ user, guild: { id: guild }, ...extra });

  /** The bot's answer to a command: its acknowledgement (the deferral) and the edit that answers it (not a progress notice). */
  async function run(
    input: InteractionInput & { name: string; options?: CommandOption[] },
  ): Promise<{ sent: SentInteraction; deferral: RecordedRequest; reply: RecordedRequest }> {
    const sent = discord.command(input);
    const reply = await discord.waitFor(
      (r) => r.method === 'PATCH' && r.path.endsWith(`/${sent.token}/messages/@original`) && r.status === 200 && !isProgress(r),
      20_000,
      `the answer to /${input.name}`,
    );
    const deferral = discord.requests.find((r) => r.path === `/interactions/${sent.id}/${sent.token}/callback` && r.status === 204)!;
    return { sent, deferral, reply };
  }

  /** The link code in the latest mail to `address` that carries one, once it has arrived. */
  async function codeMailedTo(address: string, after: number): Promise<string> {
    // A file's first code mail lays out the first mail cold (MJML in a child process): seconds on a busy machine. Returns on arrival.
    const mail = await smtp.waitForMessage(
      (m) => m.envelope.to.includes(address) && m.receivedAt >= after && /liaison|link/i.test(m.parsed.subject ?? ''),
      15_000,
    );
    return /(\d{8})/.exec(mail.parsed.text ?? '')![1]!;
  }

  /** Links `user` to the customer of `address` as a customer would: /lier adresse, then the mailed code. */
  async function link(user: DiscordUser, address: string): Promise<string> {
    const asked = Date.now();
    await run({ ...inGuild(user), name: 'link', options: [sub('email', string('address', address))] });
    const code = await codeMailedTo(address, asked);
    const { reply } = await run({ ...inGuild(user), name: 'link', options: [sub('code', string('code', code))] });
    return read(reply);
  }

  return { inGuild, run, codeMailedTo, link };
}

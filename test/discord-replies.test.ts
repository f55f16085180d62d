import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DiscordChannel } from '../src/channels/discord/channel.js';
import { startDiscordPeer, type DiscordPeer, type DiscordUser, type RecordedRequest } from './peers/discord.js';
import { startSmtpPeer, type SmtpPeer } from './peers/smtp.js';
import { demoApp } from './support/app.js';
import { eventually } from './support/mail.js';
import { discordCustomers, read, registerEverywhere } from './support/discord.js';
import { readZipBytes } from './support/read.js';

/**
 * A DM that replies to one of the bot's messages (Discord's Reply) is about what that message
 * carried or showed (issue 23), on whichever instance receives it; a reply to another
 * customer's message points at nothing.
 */
const GUILD = '1200000000000000001';
const awaUser: DiscordUser = { id: '1500000000000000002', username: 'awa.nkolo' };
const paulUser: DiscordUser = { id: '1500000000000000003', username: 'paul.mbarga' };

let discord: DiscordPeer;
let smtp: SmtpPeer;
let app: Awaited<ReturnType<typeof demoApp>>;
let channel: DiscordChannel;

beforeAll(async () => {
  [discord, smtp] = await Promise.all([startDiscordPeer(), startSmtpPeer()]);
  app = await demoApp({
    DISCORD_TOKEN: 'test.bot.token',
    DISCORD_APP_ID: discord.appId,
    DISCORD_GUILD_ID: GUILD,
    DISCORD_API_URL: discord.apiUrl,
    SMTP_HOST: smtp.host,
    SMTP_PORT: String(smtp.port),
    SMTP_TLS: 'false',
  });
  channel = (await app.discordChannel())!;
  await Promise.all([channel.start(), registerEverywhere(app.config.discord!, app.catalog)]);
  const { link } = discordCustomers(discord, smtp, GUILD);
  await link(awaUser, 'awa@example.cm');
  await link(paulUser, 'paul@example.cm');
});

afterAll(async () => {
  await channel?.stop();
  await app?.dispose();
  await Promise.all([discord?.close(), smtp?.close()]);
});

/** `user` writes a DM, a reply to `replyTo` when given, and gets the bot's first message back. */
async function write(user: DiscordUser, text: string, replyTo?: string): Promise<RecordedRequest> {
  const seen = discord.requests.length;
  const { channelId } = discord.dm(user, text, [], replyTo === undefined ? {} : { replyTo });
  return discord.waitFor(
    (r) => discord.requests.indexOf(r) >= seen && r.method === 'POST' && r.path === `/channels/${channelId}/messages` && r.status === 200,
    20_000,
    `the answer to « ${text} »`,
  );
}

const numbersOf = async (email: string) => (await app.store.invoices((await app.store.customerByAddress(email))!.id)).map((invoice) => invoice.number);

describe('a DM that replies to one of the bot’s messages', () => {
  it('to another customer’s message, points at nothing of theirs', async () => {
    const [pauls] = await numbersOf('paul@example.cm');
    const answer = await write(paulUser, `facture ${pauls}`);
    expect(answer.files.map((file) => file.filename)).toEqual([`facture-${pauls}.pdf`]);
    // Once what Paul's answer showed is kept: else the forged reply would find nothing whatever the check.
    await eventually('Paul’s answer kept', () => app.store.chatMessage(answer.response.id as string));
    // A client can send any message id as the one replied to.
    const forged = await write(awaUser, 'renvoie-la stp', answer.response.id as string);
    expect(forged.files).toEqual([]);
    expect(read(forged)).not.toContain(pauls);
  });

  it('to a list, is about the invoices that list showed: « en zip stp » zips them, and no others', async () => {
    const own = await numbersOf('awa@example.cm');
    const list = await write(awaUser, 'mes factures impayées');
    const listed = (list.body.components ?? []).flatMap((row: { components: { options?: { value: string }[] }[] }) =>
      row.components.flatMap((c) => (c.options ?? []).map((o) => o.value)),
    );
    expect(listed.length).toBeGreaterThan(0);
    // As a person would, she replies once the list is there: once what it showed is kept.
    await eventually('the list kept', () => app.store.chatMessage(list.response.id as string));
    const zipped = await write(awaUser, 'en zip stp', list.response.id as string);
    const entries = await readZipBytes(zipped.files[0]!.bytes);
    expect(entries.map((entry) => /(\d+)\.pdf$/.exec(entry.name)?.[1]).sort()).toEqual([...listed].sort());
    expect(listed.every((number: string) => own.includes(number))).toBe(true);
  });

  it('to an answer that carried files, asks for those again when it says they were missing', async () => {
    // Not the latest: a complaint about no file in particular gets the latest one.
    const [, latest] = await numbersOf('awa@example.cm');
    const answer = await write(awaUser, `facture ${latest}`);
    await eventually('the answer kept', () => app.store.chatMessage(answer.response.id as string));
    const again = await write(awaUser, 'le fichier était illisible', answer.response.id as string);
    expect(again.files.map((file) => file.filename)).toEqual([`facture-${latest}.pdf`]);
    expect((await app.store.customerByAddress('awa@example.cm'))!.notifications.attachPdf).toBe(true);
  });
});

/**
 * `/staff reminders numbers:` on the local Discord, driving the real discord.js client: support
 * staff remind the unpaid invoices they choose now, as `facteur reminders NUMBER…` does, and
 * read what was sent and what was refused and why; anyone else is refused and nothing is sent.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newCustomer } from '../src/billing/customer.js';
import type { Invoice } from '../src/billing/types.js';
import type { DiscordChannel } from '../src/channels/discord/channel.js';
import { startDiscordPeer, type DiscordPeer, type DiscordUser } from './peers/discord.js';
import { startSmtpPeer, type SmtpPeer } from './peers/smtp.js';
import { capturedLog, demoApp } from './support/app.js';
import { discordCustomers, EPHEMERAL, OPTION, read, registerEverywhere, string, sub } from './support/discord.js';

const GUILD = '1200000000000000001';
const STAFF_ROLE = '1400000000000000001';
const staffUser: DiscordUser = { id: '1500000000000000005', username: 'support.marie' };
const awaUser: DiscordUser = { id: '1500000000000000002', username: 'awa.nkolo' };

let discord: DiscordPeer;
let smtp: SmtpPeer;
let app: Awaited<ReturnType<typeof demoApp>>;
let logged: ReturnType<typeof capturedLog>;
let channel: DiscordChannel;
let run: ReturnType<typeof discordCustomers>['run'];
let inGuild: ReturnType<typeof discordCustomers>['inGuild'];

/** A customer who turned reminders off, with an unpaid overdue invoice; and a cancelled invoice of Awa's. */
const silent = newCustomer('silence@example.cm', 'Silence SARL', 'fr');
const quiet = { ...silent, notifications: { ...silent.notifications, reminders: false } };

beforeAll(async () => {
  [discord, smtp] = await Promise.all([startDiscordPeer(), startSmtpPeer()]);
  logged = capturedLog();
  app = await demoApp(
    {
      DISCORD_TOKEN: 'test.bot.token',
      DISCORD_APP_ID: discord.appId,
      DISCORD_GUILD_ID: GUILD,
      DISCORD_API_URL: discord.apiUrl,
      DISCORD_STAFF_ROLE_IDS: STAFF_ROLE,
      SMTP_HOST: smtp.host,
      SMTP_PORT: String(smtp.port),
      SMTP_TLS: 'false',
      REMINDERS_ENABLED: 'true',
      DELIVERY_MAX_ATTEMPTS: '1',
    },
    logged.log,
  );
  // The first push meets the demo's invoices: none of the old debts is reminded by itself.
  await app.push.run();
  const awa = (await app.store.customerByAddress('awa@example.cm'))!;
  const owed = (await app.store.invoice('1266'))!;
  const extra: Invoice[] = [
    { ...owed, number: 'Q-77', customerId: quiet.id },
    { ...owed, number: 'X-13', customerId: awa.id, status: 'cancelled' },
  ];
  await app.store.save({ customers: [quiet], invoices: extra, announced: extra.map((invoice) => invoice.number) });
  channel = (await app.discordChannel())!;
  await Promise.all([channel.start(), registerEverywhere(app.config.discord!, app.catalog)]);
  ({ run, inGuild } = discordCustomers(discord, smtp, GUILD));
});

afterAll(async () => {
  await channel?.stop();
  await app?.dispose();
  await Promise.all([discord?.close(), smtp?.close()]);
});

const staff = () => inGuild(staffUser, { guild: { id: GUILD, roles: [STAFF_ROLE] } });
const reminders = () => app.store.deliveries({ reason: 'reminder' });
const reminderMails = () => smtp.messages.filter((m) => /^(Rappel|Reminder)/.test(m.parsed.subject ?? ''));

describe('/staff reminders numbers:', () => {
  it('is refused to a user who is not staff: nothing is recorded nor sent, and the attempt is logged', async () => {
    const mails = smtp.messages.length;
    const { reply } = await run({
      ...inGuild(awaUser, { guild: { id: GUILD, roles: ['1400000000000000999'] } }),
      name: 'staff',
      options: [sub('reminders', string('numbers', '1266 1267'))],
    });
    expect(read(reply)).toContain("Cette commande est réservée à l'équipe support.");
    expect(await reminders()).toEqual([]);
    expect(await app.store.staffActions()).toEqual([]);
    expect(smtp.messages.length).toBe(mails);
    expect(logged.lines.some((line) => line.event === 'staff.refused' && line.user === awaUser.id && line.command === 'reminders')).toBe(true);
  });

  it('sends nothing for a number no invoice has, and says so', async () => {
    const { deferral, reply } = await run({ ...staff(), name: 'staff', options: [sub('reminders', string('numbers', '9999'))] });
    expect(deferral.body.data.flags).toBe(EPHEMERAL);
    expect(read(reply)).toContain('Aucun rappel envoyé.');
    expect(read(reply)).toContain('Non rappelées : 9999 (aucune facture ne porte ce numéro).');
    expect(await reminders()).toEqual([]);
    expect(reminderMails()).toEqual([]);
  });

  it('reminds the unpaid invoices chosen now, and says which were not and why, in the staff member’s language', async () => {
    const asked = new Date().toISOString();
    const { reply } = await run({
      ...staff(),
      locale: 'en-US',
      name: 'staff',
      options: [sub('reminders', string('numbers', '#1266, 1210 9999 x-13 Q-77'))],
    });
    const text = read(reply);
    expect(text).toContain('Reminders sent now: 1 invoice of 1 customer:');
    expect(text).toMatch(/ 1266 +awa@example\.cm +email +awa@example\.cm +sent/);
    expect(text).toContain('Not reminded: 1210 (paid), 9999 (no such invoice), X-13 (cancelled), Q-77 (the customer turned reminders off).');

    const mail = await smtp.waitForMessage((m) => m.envelope.to.includes('awa@example.cm') && /^Rappel : facture n° 1266/.test(m.parsed.subject ?? ''));
    expect(mail.parsed.subject).toMatch(/^Rappel : facture n° 1266/);
    const sent = await reminders();
    expect(sent.map((d) => [d.invoices, d.recipient, d.status])).toEqual([[['1266'], 'awa@example.cm', 'sent']]);
    expect(smtp.messages.filter((m) => m.envelope.to.includes('silence@example.cm'))).toEqual([]);
    expect(await app.store.staffActions(asked)).toEqual([
      expect.objectContaining({ staff: `discord:${staffUser.id}`, action: 'reminders', target: '1266 1210 9999 X-13 Q-77' }),
    ]);
  });

  it('lists the chosen invoices without sending when send is false, in French', async () => {
    const before = (await reminders()).length;
    const { reply } = await run({
      ...staff(),
      name: 'staff',
      options: [sub('reminders', string('numbers', '1267 1210'), { name: 'send', type: OPTION.boolean, value: false })],
    });
    const text = read(reply);
    expect(text).toContain('1267 (+');
    expect(text).toContain('contact@ndjock-sarl.cm');
    expect(text).toContain('Non rappelées : 1210 (payée).');
    expect((await reminders()).length).toBe(before);
  });
});

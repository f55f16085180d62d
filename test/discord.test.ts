/**
 * Discord end to end: the real discord.js client of Facteur logs in to a local Discord
 * (test/peers/discord.ts) and the tests play customers and staff there, reading what the
 * bot sent back — text, embeds, buttons, and the PDF and ZIP bytes — and the mails that
 * reached the SMTP peer.
 */
import { execFile, spawn } from 'node:child_process';
import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importInvoices } from '../src/import/import.js';
import type { DiscordChannel } from '../src/channels/discord/channel.js';
import { startDiscordPeer, type DiscordPeer, type DiscordUser, type RecordedRequest, type SentInteraction } from './peers/discord.js';
import { startSmtpPeer, type SmtpPeer } from './peers/smtp.js';
import { capturedLog, demoApp } from './support/app.js';
import { discordCustomers, EPHEMERAL, integer, OPTION, read, readMessage, registerEverywhere, string, sub } from './support/discord.js';
import { newCustomer } from '../src/billing/customer.js';
import { pdfText, readZip } from './support/read.js';

// A test's requests are those recorded strictly after its action (`r.at > asked`): the test before's
// last request can share the action's millisecond, the store calls between them being in memory.
const GUILD = '1200000000000000001';
const STAFF_ROLE = '1400000000000000001';
const STAFF_CHANNEL = '1600000000000000001';

const stranger: DiscordUser = { id: '1500000000000000001', username: 'passant' };
const awaUser: DiscordUser = { id: '1500000000000000002', username: 'awa.nkolo' };
const paulUser: DiscordUser = { id: '1500000000000000003', username: 'paul.mbarga' };
const guesser: DiscordUser = { id: '1500000000000000004', username: 'devineur' };
const staffUser: DiscordUser = { id: '1500000000000000005', username: 'support.marie' };

let discord: DiscordPeer;
let smtp: SmtpPeer;
let app: Awaited<ReturnType<typeof demoApp>>;
let logged: ReturnType<typeof capturedLog>;
let channel: DiscordChannel;
let files: string;
let customers: ReturnType<typeof discordCustomers>;
let run: ReturnType<typeof discordCustomers>['run'];
let inGuild: ReturnType<typeof discordCustomers>['inGuild'];
let codeMailedTo: ReturnType<typeof discordCustomers>['codeMailedTo'];

beforeAll(async () => {
  [discord, smtp] = await Promise.all([startDiscordPeer(), startSmtpPeer()]);
  files = await mkdtemp(path.join(tmpdir(), 'facteur-discord-files-'));
  logged = capturedLog();
  app = await demoApp(
    {
      DISCORD_TOKEN: 'test.bot.token',
      DISCORD_APP_ID: discord.appId,
      DISCORD_GUILD_ID: GUILD,
      DISCORD_API_URL: discord.apiUrl,
      DISCORD_STAFF_ROLE_IDS: STAFF_ROLE,
      DISCORD_STAFF_CHANNEL_ID: STAFF_CHANNEL,
      SMTP_HOST: smtp.host,
      SMTP_PORT: String(smtp.port),
      SMTP_TLS: 'false',
      DELIVERY_MAX_ATTEMPTS: '1',
    },
    logged.log,
  );
  channel = (await app.discordChannel())!;
  await Promise.all([channel.start(), registerEverywhere(app.config.discord!, app.catalog)]);
  customers = discordCustomers(discord, smtp, GUILD);
  ({ run, inGuild, codeMailedTo } = customers);
  await link(awaUser, 'awa@example.cm');
  await link(paulUser, 'paul@example.cm');
});

afterAll(async () => {
  if (process.env.DEBUG_DISCORD_TEST) for (const line of logged.lines) if ((line.level as number) >= 40) console.log(JSON.stringify(line).slice(0, 1500));
  await channel?.stop();
  await app?.dispose();
  await Promise.all([discord?.close(), smtp?.close()]);
  await rm(files, { recursive: true, force: true });
});

// ---------------------------------------------------------------- helpers

function followUps(sent: SentInteraction): RecordedRequest[] {
  return discord.followUps(sent).filter((r) => r.status === 200);
}

async function link(user: DiscordUser, address: string): Promise<void> {
  expect(await customers.link(user, address)).toContain('est relié au compte client');
}

async function customerId(address: string): Promise<string> {
  return (await app.store.customerByAddress(address))!.id;
}

/** Writes a file the bot sent to disk, for the ZIP reader. */
async function saved(file: { filename: string; bytes: Buffer }, index = 0): Promise<string> {
  const target = path.join(files, `${index}-${file.filename}`);
  await writeFile(target, file.bytes);
  return target;
}

// ---------------------------------------------------------------- customers

describe('a Discord user who is not linked', () => {
  it('is told how to link, privately, when asking for invoices', async () => {
    const { deferral, reply } = await run({ ...inGuild(stranger), name: 'invoices' });
    expect(deferral.body).toEqual({ type: 5, data: { flags: EPHEMERAL } });
    expect(read(reply)).toContain("Votre compte Discord n'est pas encore relié à un compte client");
    expect(read(reply)).toContain('/lier adresse');
    expect(reply.files).toEqual([]);
  });

  it('is told the same in English when their Discord speaks English, and in a DM', async () => {
    const { reply } = await run({ user: stranger, locale: 'en-US', name: 'invoice', options: [string('number', '1210')] });
    expect(read(reply)).toContain('Your Discord account is not linked to a customer account yet');
    discord.dm(stranger, 'facture 1210');
    const dm = await discord.waitFor((r) => r.method === 'POST' && r.path === `/channels/${discord.dmChannelOf(stranger.id)}/messages`);
    expect(read(dm)).toContain("n'est pas encore relié");
    expect(dm.files).toEqual([]);
  });
});

describe('linking a Discord account', () => {
  it('links with the code mailed to the customer’s address, once, and says the same for an unknown address', async () => {
    const newcomer: DiscordUser = { id: '1500000000000000006', username: 'grace.e' };
    const asked = Date.now();
    const known = await run({ ...inGuild(newcomer), name: 'link', options: [sub('email', string('address', 'grace.eyenga@example.cm'))] });
    const unknown = await run({ ...inGuild(stranger), name: 'link', options: [sub('email', string('address', 'nobody@example.cm'))] });
    expect(read(known.reply)).toContain("Si grace.eyenga@example.cm est l'adresse d'un compte client, un code à 8 chiffres vient d'y être envoyé");
    expect(read(known.reply).replace('grace.eyenga@example.cm', 'X')).toBe(read(unknown.reply).replace('nobody@example.cm', 'X'));

    const mail = await smtp.waitForMessage((m) => m.envelope.to.includes('grace.eyenga@example.cm') && m.receivedAt >= asked);
    expect(mail.parsed.subject).toMatch(/^Your Discord link code: \d{8}$/); // Grâce reads English
    expect(mail.parsed.text).toContain('grace.e');
    const code = /(\d{8})/.exec(mail.parsed.text ?? '')![1]!;
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(smtp.messages.filter((m) => m.envelope.to.includes('nobody@example.cm'))).toEqual([]);

    const done = await run({ ...inGuild(newcomer), name: 'link', options: [sub('code', string('code', code))] });
    expect(read(done.reply)).toContain('relié au compte client de Grâce Eyenga');
    expect((await app.store.customerById(await customerId('grace.eyenga@example.cm')))!.links.discord).toEqual([newcomer.id]);

    const again = await run({ ...inGuild(stranger), name: 'link', options: [sub('code', string('code', code))] });
    expect(read(again.reply)).toContain('Ce code ne correspond pas');
    const reused = await run({ ...inGuild(newcomer), name: 'link', options: [sub('code', string('code', code))] });
    expect(read(reused.reply)).toContain("Aucun code n'est en attente");
    const stored = JSON.stringify(await app.store.linkAttempt(`discord:${newcomer.id}`));
    expect(stored).not.toContain(code);

    const unlinked = await run({ ...inGuild(newcomer), name: 'unlink' });
    expect(read(unlinked.reply)).toContain("n'est plus relié au compte client de Grâce Eyenga");
    const after = await run({ ...inGuild(newcomer), name: 'invoices' });
    expect(read(after.reply)).toContain("n'est pas encore relié");
  });

  it('takes the mailed code in /link code as Discord lets it be typed, and names the commands as the user’s Discord shows them', async () => {
    const users: [string, DiscordUser][] = [
      ['fr', { id: '1500000000000000011', username: 'grace.fr' }],
      ['en-US', { id: '1500000000000000012', username: 'grace.en' }],
    ];
    for (const [locale, user] of users) {
      const howTo = await run({ ...inGuild(user), locale, name: 'invoices' });
      expect(read(howTo.reply)).toContain(`${discord.shown(locale, 'link', 'email')} `);
      const asked = Date.now();
      const sent = await run({ ...inGuild(user), locale, name: 'link', options: [sub('email', string('address', 'grace.eyenga@example.cm'))] });
      expect(read(sent.reply)).toContain(`${discord.shown(locale, 'link', 'code')} `);
      const code = await codeMailedTo('grace.eyenga@example.cm', asked);
      // Discord lets a user type exactly the code the mail gave, nothing shorter or longer.
      expect(() => discord.command({ ...inGuild(user), locale, name: 'link', options: [sub('code', string('code', code.slice(1)))] })).toThrow(/min_length/);
      expect(() => discord.command({ ...inGuild(user), locale, name: 'link', options: [sub('code', string('code', `${code}0`))] })).toThrow(/max_length/);
      const done = await run({ ...inGuild(user), locale, name: 'link', options: [sub('code', string('code', code))] });
      expect(read(done.reply)).toMatch(/relié au compte client de Grâce Eyenga|linked to the customer account of Grâce Eyenga/);
    }
    expect(discord.shown('fr', 'link', 'code')).toBe('/lier code');
    expect(discord.shown('en-US', 'link', 'email')).toBe('/link email');
  });

  it('locks linking for an hour after five wrong codes, even for the right one then', async () => {
    const asked = Date.now();
    await run({ ...inGuild(guesser), name: 'link', options: [sub('email', string('address', 'jp.fotso@example.cm'))] });
    const code = await codeMailedTo('jp.fotso@example.cm', asked);
    const wrong = code === '00000000' ? '11111111' : '00000000';
    for (const left of ['4 essais', '3 essais', '2 essais', '1 essai avant']) {
      const { reply } = await run({ ...inGuild(guesser), name: 'link', options: [sub('code', string('code', wrong))] });
      expect(read(reply)).toContain(`Il vous reste ${left}`);
    }
    const fifth = await run({ ...inGuild(guesser), name: 'link', options: [sub('code', string('code', wrong))] });
    expect(read(fifth.reply)).toContain('la liaison de ce compte Discord est bloquée. Réessayez dans 60 minutes');
    const right = await run({ ...inGuild(guesser), name: 'link', options: [sub('code', string('code', code))] });
    expect(read(right.reply)).toContain('bloquée');
    const mailsBefore = smtp.messages.length;
    const anew = await run({ ...inGuild(guesser), name: 'link', options: [sub('email', string('address', 'jp.fotso@example.cm'))] });
    expect(read(anew.reply)).toContain('bloquée');
    expect((await app.store.customerById(await customerId('jp.fotso@example.cm')))!.links.discord ?? []).toEqual([]);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(smtp.messages.length).toBe(mailsBefore);
  });

  it('counts wrong codes for one customer across Discord accounts, and takes none for it past ten a day', async () => {
    // The guesser above gave five wrong codes for Jean-Pierre; two more accounts try.
    const [first, second, late]: DiscordUser[] = ['08', '09', '10'].map((n) => ({ id: `15000000000000000${n}`, username: `essai${n}` }));
    const codes: string[] = [];
    for (const user of [first!, second!]) {
      const asked = Date.now();
      await run({ ...inGuild(user), name: 'link', options: [sub('email', string('address', 'jp.fotso@example.cm'))] });
      codes.push(await codeMailedTo('jp.fotso@example.cm', asked));
    }
    const wrong = (code: string) => (code === '00000000' ? '11111111' : '00000000');
    for (let i = 0; i < 4; i++) await run({ ...inGuild(first!), name: 'link', options: [sub('code', string('code', wrong(codes[0]!)))] });
    await run({ ...inGuild(second!), name: 'link', options: [sub('code', string('code', wrong(codes[1]!)))] });
    expect(await app.store.linkFailuresFor(await customerId('jp.fotso@example.cm'), '2000-01-01T00:00:00.000Z')).toBe(10);

    // A wrong code writes the same record whether it was for a customer or for nobody: no time tells them apart.
    const billing = path.join(app.dataDir, 'db.json');
    const written = (await stat(billing)).mtimeMs;
    await run({ ...inGuild(first!), name: 'link', options: [sub('code', string('code', wrong(codes[0]!)))] });
    expect((await stat(billing)).mtimeMs).toBe(written);

    const right = await run({ ...inGuild(second!), name: 'link', options: [sub('code', string('code', codes[1]!))] });
    expect(read(right.reply)).toContain('Ce code ne correspond pas');
    expect((await app.store.customerById(await customerId('jp.fotso@example.cm')))!.links.discord ?? []).toEqual([]);

    const mailsBefore = smtp.messages.length;
    const asked = await run({ ...inGuild(late!), name: 'link', options: [sub('email', string('address', 'jp.fotso@example.cm'))] });
    const unknown = await run({ ...inGuild(late!), name: 'link', options: [sub('email', string('address', 'nobody@example.cm'))] });
    expect(read(asked.reply).replace('jp.fotso@example.cm', 'X')).toBe(read(unknown.reply).replace('nobody@example.cm', 'X'));
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(smtp.messages.length).toBe(mailsBefore);
  });

  it('links by writing to the bot in a direct message too', async () => {
    const writer: DiscordUser = { id: '1500000000000000007', username: 'ndjock' };
    const dmChannel = discord.dmChannelOf(writer.id);
    const sentTo = () => discord.requests.filter((r) => r.method === 'POST' && r.path === `/channels/${dmChannel}/messages`);
    const asked = Date.now();
    discord.dm(writer, 'lier contact@ndjock-sarl.cm');
    await discord.waitFor(() => sentTo().length >= 1);
    expect(read(sentTo()[0]!)).toContain('Si contact@ndjock-sarl.cm est l');
    const code = await codeMailedTo('contact@ndjock-sarl.cm', asked);
    discord.dm(writer, `lier ${code}`);
    await discord.waitFor(() => sentTo().length >= 2);
    expect(read(sentTo()[1]!)).toContain('relié au compte client de Ndjock & Fils SARL');
    discord.dm(writer, 'mes factures impayées');
    await discord.waitFor(() => sentTo().length >= 3);
    const unpaid = await app.store.invoices(await customerId('contact@ndjock-sarl.cm'), { status: 'unpaid' });
    expect(read(sentTo()[2]!)).toContain(unpaid.length === 1 ? '1 facture trouvée' : `${unpaid.length} factures trouvées`);
    for (const invoice of unpaid) expect(read(sentTo()[2]!)).toContain(invoice.number);
  });

  it('lifts the suppression of the address the code reached, and only when the code is right', async () => {
    const mbida: DiscordUser = { id: '1500000000000000013', username: 'c.mbida' };
    // Her login bounced once (a full mailbox she has since emptied); her notification address bounces still.
    const customer = {
      ...newCustomer('c.mbida@example.cm', 'Christelle Mbida'),
      notifications: { address: 'compta.mbida@example.cm', attachPdf: true, chat: false },
    };
    await app.store.save({ customers: [customer] });
    const suppress = (address: string) =>
      app.store.updateSuppression(address, () => ({
        suppression: {
          address,
          customerId: customer.id,
          kind: 'bounce',
          status: '5.2.2',
          diagnostic: 'mailbox full',
          deliveryId: 'd-1',
          since: new Date(Date.now() - 60_000).toISOString(),
        },
        result: null,
      }));
    await suppress('c.mbida@example.cm');
    await suppress('compta.mbida@example.cm');
    const asked = Date.now();
    await run({ ...inGuild(mbida), name: 'link', options: [sub('email', string('address', 'c.mbida@example.cm'))] });
    const code = await codeMailedTo('c.mbida@example.cm', asked);
    const wrong = code.replace(/^./, (digit) => String((Number(digit) + 1) % 10));
    await run({ ...inGuild(mbida), name: 'link', options: [sub('code', string('code', wrong))] });
    expect(await app.store.suppression('c.mbida@example.cm')).toBeDefined();
    const { reply } = await run({ ...inGuild(mbida), name: 'link', options: [sub('code', string('code', code))] });
    expect(read(reply)).toContain('relié au compte client de Christelle Mbida');
    expect(await app.store.suppression('c.mbida@example.cm')).toBeUndefined();
    expect(await app.store.suppression('compta.mbida@example.cm')).toBeDefined();
  });
});

describe('a linked customer', () => {
  it('lists their invoices in an embed and pages through them with the buttons', async () => {
    const mine = (await app.store.invoices(await customerId('awa@example.cm'))).map((i) => i.number);
    const { sent, deferral, reply } = await run({ ...inGuild(awaUser), name: 'invoices' });
    expect(deferral.body.data.flags).toBe(EPHEMERAL);
    const first = read(reply);
    expect(first).toContain(`${mine.length} factures trouvées`);
    expect(first).toContain('Page 1 sur 3');
    for (const number of mine.slice(0, 10)) expect(first).toContain(number);
    expect(first).not.toContain(mine[10]!);
    // Under the list's menu and its PDF, ZIP and details buttons, the paging row.
    const [previous, next] = reply.body.components.at(-1).components;
    expect([previous.label, previous.disabled, next.label, next.disabled]).toEqual(['Précédent', true, 'Suivant', false]);

    const message = discord.original(sent);
    const click = discord.click({ ...inGuild(awaUser), customId: next.custom_id, message });
    const second = await discord.callback(click);
    expect(second.body.type).toBe(7); // the same message, updated in place
    const page2 = read({ ...second, body: second.body.data });
    expect(page2).toContain('Page 2 sur 3');
    for (const number of mine.slice(10, 20)) expect(page2).toContain(number);
    expect(second.body.data.components.at(-1).components.map((b: { disabled: boolean }) => b.disabled)).toEqual([false, false]);

    // « Précédent » as the updated message now shows it: the button of page 2.
    const shown = discord.message(message.id);
    const back = discord.click({ ...inGuild(awaUser), customId: shown.components.at(-1).components[0].custom_id, message: shown });
    const third = await discord.callback(back);
    expect(read({ ...third, body: third.body.data })).toContain('Page 1 sur 3');
  });

  it('narrows the list with the command’s options', async () => {
    const { reply } = await run({ ...inGuild(awaUser), name: 'invoices', options: [integer('year', 2019)] });
    expect(read(reply)).toContain('3 factures trouvées');
    const month = await run({ ...inGuild(awaUser), name: 'invoices', options: [integer('year', 2019), integer('month', 1)] });
    expect(read(month.reply)).toContain('1 facture trouvée');
    expect(read(month.reply)).toContain('1210');
    const unpaid = await run({ ...inGuild(awaUser), name: 'invoices', options: [{ name: 'unpaid', type: OPTION.boolean, value: true }] });
    expect(read(unpaid.reply)).toContain('1 facture trouvée');
    expect(read(unpaid.reply)).toContain('1266');
    const range = await run({ ...inGuild(awaUser), name: 'invoices', options: [string('from', '2019-01-01'), string('to', '2019-06-30')] });
    expect(read(range.reply)).toContain('2 factures trouvées');
    const bad = await run({ ...inGuild(awaUser), name: 'invoices', options: [string('from', '2019-02-30')] });
    expect(read(bad.reply)).toContain("« 2019-02-30 » n'est pas une date");
  });

  it('gets an invoice as a PDF, privately, after a deferral', async () => {
    const { deferral, reply } = await run({ ...inGuild(awaUser), name: 'invoice', options: [string('number', '1210')] });
    expect(deferral.body).toEqual({ type: 5, data: { flags: EPHEMERAL } });
    expect(deferral.at).toBeLessThanOrEqual(reply.at);
    expect(read(reply)).toContain('Voici la facture n° 1210 du 17 janv. 2019 (89 438 FCFA, payée)');
    expect(reply.files.map((f) => [f.filename, f.contentType])).toEqual([['facture-1210.pdf', 'application/pdf']]);
    const text = await pdfText(reply.files[0]!.bytes);
    expect(text).toContain('1210');
    expect(text).toContain('89 438 FCFA');
    expect(text).toContain('Awa Nkolo');
  });

  it('is offered their own invoice numbers as they type one, and no one else’s', async () => {
    const sent = discord.autocomplete({ ...inGuild(awaUser), name: 'invoice', options: [{ name: 'number', type: OPTION.string, value: '12', focused: true }] });
    const answer = await discord.waitFor((r) => r.path === `/interactions/${sent.id}/${sent.token}/callback`);
    expect(answer.body.type).toBe(8);
    const offered = answer.body.data.choices.map((c: { value: string }) => c.value);
    const mine = (await app.store.invoices(await customerId('awa@example.cm'))).map((i) => i.number);
    expect(offered).toEqual(mine);
    expect(answer.body.data.choices.find((c: { value: string }) => c.value === '1210').name.replace(/[\u202F\u00A0]/g, ' ')).toBe(
      '1210 · 17 janv. 2019 · 89 438 FCFA · payée',
    );
  });

  it('gets an invoice numbered with letters by the option as typed, and is offered it as they type its start', async () => {
    const lettered = { id: '1500000000000000006', username: 'lettres.sarl' };
    const invoice = (number: string) => ({
      number,
      customer: 'lettres@example.cm',
      issuedAt: '2024-03-01',
      dueAt: '2024-03-31',
      currency: 'XAF',
      lines: [{ label: `Ligne de ${number}`, quantity: 1, unitPrice: 10_000 }],
      status: 'unpaid',
    });
    const file = path.join(files, 'lettered.json');
    await writeFile(file, JSON.stringify(['00001', 'INV/2024/00001', 'F2024-001', 'INJ-1', '7001'].map(invoice)));
    await importInvoices(app.store, file);
    await link(lettered, 'lettres@example.cm');
    for (const [typed, number] of [
      ['inv/2024/00001', 'INV/2024/00001'],
      ['#f2024-001', 'F2024-001'],
      ['ＩＮＪ－１', 'INJ-1'],
      ['00001', '00001'],
    ] as const) {
      const { reply } = await run({ ...inGuild(lettered), name: 'invoice', options: [string('number', typed)] });
      expect(await pdfText(reply.files[0]!.bytes), typed).toContain(`Ligne de ${number}`);
    }
    const offered = async (value: string) => {
      const sent = discord.autocomplete({ ...inGuild(lettered), name: 'invoice', options: [{ name: 'number', type: OPTION.string, value, focused: true }] });
      const answer = await discord.waitFor((r) => r.path === `/interactions/${sent.id}/${sent.token}/callback`);
      return answer.body.data.choices.map((c: { value: string }) => c.value);
    };
    expect(await offered('inv')).toEqual(['INV/2024/00001']);
    expect(await offered('f2024-')).toEqual(['F2024-001']);
    expect(await offered('７０')).toEqual(['7001']);
    // Announced now, so that the push of a later test counts only its own new invoices.
    await app.push.run();
  });

  it('gets what they owe with the account statement, and the year’s paid invoices on it when a year is given', async () => {
    const { deferral, reply } = await run({ ...inGuild(awaUser), name: 'statement', options: [integer('year', 2026)] });
    expect(deferral.body.data.flags).toBe(EPHEMERAL);
    expect(read(reply)).toContain('Il vous reste 121 039 FCFA à régler');
    expect(reply.files.map((f) => f.filename)).toEqual([`releve-${app.assistant.today()}.pdf`]);
    const text = await pdfText(reply.files[0]!.bytes);
    expect(text).toContain('Total dû 121 039 FCFA');
    expect([...text.matchAll(/^(\d{4}) /gm)].map((m) => m[1])).toEqual(['1266', '1270', '1273']);
  });

  it('gets a ZIP of all their invoices, privately, after a deferral', async () => {
    const { deferral, reply } = await run({ ...inGuild(awaUser), name: 'zip' });
    expect(deferral.body.data.flags).toBe(EPHEMERAL);
    expect(reply.files).toHaveLength(1);
    const entries = await readZip(await saved(reply.files[0]!));
    const mine = (await app.store.invoices(await customerId('awa@example.cm'))).map((i) => `facture-${i.number}.pdf`);
    expect(entries.map((e) => e.name).toSorted()).toEqual(mine.toSorted());
    expect(await pdfText(entries.find((e) => e.name === 'facture-1210.pdf')!.bytes)).toContain('89 438 FCFA');
  });

  it('gets a ZIP of the invoices a year or a list of numbers names, only their own', async () => {
    const year = await run({ ...inGuild(awaUser), name: 'zip', options: [integer('year', 2019)] });
    expect((await readZip(await saved(year.reply.files[0]!))).map((e) => e.name).toSorted()).toEqual([
      'facture-1210.pdf',
      'facture-1214.pdf',
      'facture-1217.pdf',
    ]);
    const listed = await run({ ...inGuild(awaUser), name: 'zip', options: [string('numbers', '1210, #1214 1211')] });
    expect((await readZip(await saved(listed.reply.files[0]!, 1))).map((e) => e.name).toSorted()).toEqual(['facture-1210.pdf', 'facture-1214.pdf']);
    expect(read(listed.reply)).toContain('1211');
  });

  it('gets a large ZIP split over follow-ups within the interaction’s attachment size limit', async () => {
    const limit = 300_000;
    const { sent, reply } = await run({ ...inGuild(awaUser, { attachmentSizeLimit: limit }), name: 'zip' });
    const mine = await app.store.invoices(await customerId('awa@example.cm'));
    await discord.waitFor(() => followUps(sent).length >= 2, 20_000, 'the follow-ups');
    const parts = [reply, ...followUps(sent)];
    const names: string[] = [];
    for (const [index, part] of parts.entries()) {
      expect(part.files).toHaveLength(1);
      expect(part.files[0]!.bytes.length).toBeLessThanOrEqual(limit);
      names.push(...(await readZip(await saved(part.files[0]!, index))).map((e) => e.name));
    }
    for (const follow of followUps(sent)) expect(follow.body.flags).toBe(EPHEMERAL);
    expect(read(followUps(sent)[0]!)).toMatch(/Partie 2 sur \d/);
    expect(names.toSorted()).toEqual(mine.map((i) => `facture-${i.number}.pdf`).toSorted());
  });

  it('gets the same refusal for another customer’s invoice as for a missing one', async () => {
    const paulsInvoice = (await app.store.invoices(await customerId('paul@example.cm')))[0]!.number;
    const theirs = await run({ ...inGuild(awaUser), name: 'invoice', options: [string('number', paulsInvoice)] });
    const missing = await run({ ...inGuild(awaUser), name: 'invoice', options: [string('number', '99999')] });
    expect(read(theirs.reply)).toContain(`Je ne trouve pas de facture n° ${paulsInvoice} sur votre compte`);
    expect(read(theirs.reply).replace(paulsInvoice, 'N')).toBe(read(missing.reply).replace('99999', 'N'));
    expect(theirs.reply.files).toEqual([]);
    const details = await run({ ...inGuild(awaUser), name: 'details', options: [string('number', paulsInvoice)] });
    expect(read(details.reply)).not.toMatch(/Paul|Mbarga|Hébergement Essentiel/);
  });

  it('sees an invoice’s details in an embed', async () => {
    const { reply } = await run({ ...inGuild(awaUser), name: 'details', options: [string('number', '1210')] });
    const text = read(reply);
    expect(reply.body.embeds).toHaveLength(1);
    expect(text).toContain('Facture n° 1210');
    expect(text).toContain('Hébergement Pro (4 mois)');
    expect(text).toContain('TVA (19,25 %)\n14 438 FCFA');
    expect(text).toContain('Total\n89 438 FCFA');
  });

  it('manages their notifications: see them, turn the PDF off, change the address with a mailed code', async () => {
    const paul = inGuild(paulUser);
    const shown = await run({ ...paul, name: 'notifications', options: [sub('show')] });
    expect(read(shown.reply)).toContain('Les nouvelles factures sont envoyées à paul@example.cm');
    const off = await run({ ...paul, name: 'notifications', options: [sub('attachments', { name: 'on', type: OPTION.boolean, value: false })] });
    expect(read(off.reply)).toContain('les prochaines factures arriveront sans PDF joint');
    expect((await app.store.customerById(await customerId('paul@example.cm')))!.notifications.attachPdf).toBe(false);

    const asked = Date.now();
    const change = await run({ ...paul, name: 'notifications', options: [sub('address', string('address', 'compta@mbarga.cm'))] });
    expect(read(change.reply)).toContain("Un code de confirmation vient d'être envoyé à compta@mbarga.cm");
    const mail = await smtp.waitForMessage((m) => m.envelope.to.includes('compta@mbarga.cm') && m.receivedAt >= asked);
    const code = /(\d{6})/.exec(mail.parsed.subject ?? '')![1]!;
    const confirmed = await run({ ...paul, name: 'notifications', options: [sub('confirm', string('code', code))] });
    expect(read(confirmed.reply)).toContain('les nouvelles factures seront envoyées à compta@mbarga.cm');
    expect((await app.store.customerById(await customerId('paul@example.cm')))!.notifications.address).toBe('compta@mbarga.cm');
  });

  it('manages invoice contacts: add one (a code goes to it), list them, let it ask, remove it', async () => {
    const paul = inGuild(paulUser);
    const asked = Date.now();
    const added = await run({ ...paul, name: 'notifications', options: [sub('contact-add', string('address', 'dg@mbarga.cm'))] });
    expect(read(added.reply)).toContain('dg@mbarga.cm');
    const mail = await smtp.waitForMessage((m) => m.envelope.to.includes('dg@mbarga.cm') && m.receivedAt >= asked);
    const code = /(\d{6})/.exec(mail.parsed.subject ?? '')![1]!;
    await run({ ...paul, name: 'notifications', options: [sub('confirm', string('code', code))] });
    const listed = await run({ ...paul, name: 'notifications', options: [sub('contacts')] });
    expect(read(listed.reply)).toContain('Contact de facturation (en copie) : dg@mbarga.cm.');
    const allowed = await run({
      ...paul,
      name: 'notifications',
      options: [sub('contact-ask', string('address', 'dg@mbarga.cm'), { name: 'allowed', type: OPTION.boolean, value: true })],
    });
    expect(read(allowed.reply)).toContain('dg@mbarga.cm peut désormais demander vos factures par e-mail');
    const removed = await run({ ...paul, name: 'notifications', options: [sub('contact-remove', string('address', 'dg@mbarga.cm'))] });
    expect(read(removed.reply)).toContain('dg@mbarga.cm ne reçoit plus vos factures');
    expect((await app.store.customerById(await customerId('paul@example.cm')))!.contacts).toEqual([]);
  });

  it('takes back a change of address in a DM: its code then confirms nothing', async () => {
    const asked = Date.now();
    await run({ ...inGuild(paulUser), name: 'notifications', options: [sub('address', string('address', 'ancienne.idee@mbarga.cm'))] });
    const mail = await smtp.waitForMessage((m) => m.envelope.to.includes('ancienne.idee@mbarga.cm') && m.receivedAt >= asked);
    const dmChannel = discord.dmChannelOf(paulUser.id);
    discord.dm(paulUser, 'finalement annule ma demande de nouvelle adresse, je reste sur celle-ci');
    const dm = await discord.waitFor((r) => r.method === 'POST' && r.path === `/channels/${dmChannel}/messages` && read(r).includes('ancienne.idee@mbarga.cm'));
    expect(read(dm)).toContain("C'est annulé");
    const late = await run({
      ...inGuild(paulUser),
      name: 'notifications',
      options: [sub('confirm', string('code', /(\d{6})/.exec(mail.parsed.subject ?? '')![1]!))],
    });
    expect(read(late.reply)).toContain("Aucune modification n'attend de code");
    expect((await app.store.customerById(await customerId('paul@example.cm')))!.notifications.address).not.toBe('ancienne.idee@mbarga.cm');
  });

  it('is refused a change to the provider’s own addresses, by the command and in a DM, and nothing is mailed there', async () => {
    const before = smtp.messages.length;
    const command = await run({ ...inGuild(paulUser), name: 'notifications', options: [sub('address', string('address', 'Facturation@Facteur.example'))] });
    expect(read(command.reply)).toContain('facturation@facteur.example est une adresse de notre service de facturation');
    const dmChannel = discord.dmChannelOf(paulUser.id);
    discord.dm(paulUser, 'mettez facturation+paul@facteur.example en copie svp');
    const dm = await discord.waitFor(
      (r) => r.method === 'POST' && r.path === `/channels/${dmChannel}/messages` && read(r).includes('facturation+paul@facteur.example'),
    );
    expect(read(dm)).toContain('adresse de notre service de facturation');
    expect(smtp.messages.slice(before)).toEqual([]);
    expect((await app.store.customerById(await customerId('paul@example.cm')))!.pending).toEqual([]);
  });

  it('opts in to new invoices by DM, and the push then sends them there as well as by mail', async () => {
    const on = await run({ ...inGuild(awaUser), name: 'notifications', options: [sub('dm', { name: 'on', type: OPTION.boolean, value: true })] });
    expect(read(on.reply)).toContain('les nouvelles factures vous seront aussi envoyées en message privé sur Discord');
    const awa = (await app.store.customerById(await customerId('awa@example.cm')))!;
    await app.store.save({
      invoices: [
        {
          number: '8801',
          customerId: awa.id,
          issuedAt: '2026-11-24',
          dueAt: '2026-12-24',
          currency: 'XAF',
          lines: [{ label: 'Hébergement Pro', quantity: 1, unitPrice: 120_000 }],
          taxes: [],
          status: 'unpaid',
          paidAt: null,
        },
      ],
    });
    const summary = await app.push.run();
    expect(summary).toMatchObject({ invoices: 1, failed: 0 });
    const dm = await discord.waitFor(
      (r) => r.path === `/channels/${discord.dmChannelOf(awaUser.id)}/messages` && r.files.some((f) => f.filename === 'facture-8801.pdf'),
    );
    expect(read(dm)).toContain('Nouvelle facture n° 8801');
    // Sent again after a crash, Discord would refuse the same nonce rather than post it twice.
    expect(dm.body).toMatchObject({ nonce: expect.stringMatching(/^\w{23}$/), enforce_nonce: true });
    await smtp.waitForMessage((m) => m.envelope.to.includes('awa@example.cm') && /8801/.test(m.parsed.subject ?? ''));
    expect(
      (await app.store.deliveries({ customerId: awa.id }))
        .filter((d) => d.invoices.includes('8801'))
        .map((d) => [d.channel, d.status])
        .sort(),
    ).toEqual([
      ['discord', 'sent'],
      ['email', 'sent'],
    ]);

    const paulSees = await run({ ...inGuild(paulUser), name: 'notifications', options: [sub('show')] });
    expect(read(paulSees.reply)).toContain('ne vous sont pas envoyées en message privé');
  });

  it('asks in plain words in a DM and gets the PDF there', async () => {
    const dmChannel = discord.dmChannelOf(awaUser.id);
    discord.dm(awaUser, 'la facture 1214 svp');
    const answer = await discord.waitFor(
      (r) => r.method === 'POST' && r.path === `/channels/${dmChannel}/messages` && r.files.some((f) => f.filename.includes('1214')),
    );
    expect(answer.files.map((f) => f.filename)).toEqual(['facture-1214.pdf']);
    expect(await pdfText(answer.files[0]!.bytes)).toContain('1214');
  });
});

describe('a payment the customer reports in a DM', () => {
  it('is noted, and staff are told in their channel', async () => {
    const awa = await customerId('awa@example.cm');
    const [unpaid] = await app.store.invoices(awa, { status: 'unpaid' });
    const dmChannel = discord.dmChannelOf(awaUser.id);
    const asked = Date.now();
    discord.dm(awaUser, `j'ai déjà payé la facture ${unpaid!.number} par Orange Money`);
    const notice = await discord.waitFor((r) => r.method === 'POST' && r.path === `/channels/${STAFF_CHANNEL}/messages` && r.at > asked);
    expect(read(notice)).toContain(`facture n° ${unpaid!.number} (awa@example.cm)`);
    // Nobody is pinged by a customer's words.
    expect(notice.body.allowed_mentions).toEqual({ parse: [] });
    const answer = await discord.waitFor((r) => r.method === 'POST' && r.path === `/channels/${dmChannel}/messages` && r.at > asked);
    expect(read(answer)).toContain('les rappels pour cette facture sont suspendus');
    expect((await app.store.customerById(awa))!.paymentClaims!.map((c) => c.number)).toContain(unpaid!.number);
  });

  it("claims nothing of another customer's when the SMS she pastes names his invoice", async () => {
    const awa = await customerId('awa@example.cm');
    const paul = await customerId('paul@example.cm');
    const [his] = await app.store.invoices(paul, { status: 'unpaid' });
    const claimedBefore = (await app.store.customerById(awa))!.paymentClaims ?? [];
    const dmChannel = discord.dmChannelOf(awaUser.id);
    const asked = Date.now();
    discord.dm(
      awaUser,
      `réglée 👇\n\nVous avez payé 21465 FCFA à HEBERGEUR SA. Ref. facture: ${his!.number}. ID transaction: CI261204.0833.B12877. Solde: 104 532 FCFA.`,
    );
    // The answer that speaks of his number, whatever else this DM channel receives.
    const answer = await discord.waitFor(
      (r) => r.method === 'POST' && r.path === `/channels/${dmChannel}/messages` && r.at > asked && read(r).includes(his!.number),
    );
    // Said of his number what is said of one nobody has: nothing of his shown.
    expect(read(answer)).toContain(`Je ne trouve pas de facture impayée n° ${his!.number} sur votre compte`);
    expect(read(answer)).not.toMatch(/Paul|Mbarga/);
    expect((await app.store.customerById(paul))!.paymentClaims ?? []).toEqual([]);
    expect((await app.store.customerById(awa))!.paymentClaims ?? []).toEqual(claimedBefore);
    expect(discord.requests.filter((r) => r.path === `/channels/${STAFF_CHANNEL}/messages` && r.at > asked)).toEqual([]);
  });
});

describe('billing data and customers’ words on Discord', () => {
  /** What an attacker writes where data goes: a masked link that would read as the bot's own, and a ping of the whole server. */
  const HOSTILE = '[Payez ici](https://evil.example) @everyone';
  /** The same, escaped as Discord must show it: the link's text with its brackets, the address in full. */
  const SHOWN = '\\[Payez ici](https://evil.example) @everyone';
  const victimUser: DiscordUser = { id: '1500000000000000021', username: 'cible' };
  const NUMBER = 'INV_2024_7';

  /** A message Discord shows as written and that pings nobody, whatever its data says. */
  function inert(request: RecordedRequest, body = request.body): void {
    expect(request.status).toBeLessThan(300);
    expect(body.allowed_mentions).toEqual({ parse: [] });
    if (request.response?.id) expect(request.response).toMatchObject({ mention_everyone: false, mentions: [], mention_roles: [] });
    // No masked link, heading or bold of the data's own: each of its Markdown signs is escaped.
    expect(readMessage(body)).not.toMatch(/(?<!\\)\[Payez ici\]\(/);
  }

  beforeAll(async () => {
    const victim = { ...newCustomer('cible@example.cm', HOSTILE), id: 'cust-hostile' };
    const [model] = await app.store.invoices(await customerId('awa@example.cm'), { numbers: ['1210'] });
    const invoice = {
      ...model!,
      number: NUMBER,
      customerId: victim.id,
      status: 'unpaid' as const,
      paidAt: null,
      dueAt: app.assistant.today(),
      taxes: [{ label: `TVA ${HOSTILE}`, rate: 19.25 }],
    };
    // A number with underscores (Markdown's italics), as billing systems write some, and a plain one the grammar reads in a DM.
    await app.store.save({ customers: [victim], invoices: [invoice, { ...invoice, number: '7021' }], announced: [NUMBER, '7021'] });
    const asked = Date.now();
    await run({ ...inGuild(victimUser), name: 'link', options: [sub('email', string('address', 'cible@example.cm'))] });
    const code = await codeMailedTo('cible@example.cm', asked);
    const { reply } = await run({ ...inGuild(victimUser), name: 'link', options: [sub('code', string('code', code))] });
    // The customer's name, in an interaction's answer.
    inert(reply);
    expect(read(reply)).toContain(`relié au compte client de ${SHOWN}`);
  });

  it('escapes Markdown in interaction answers, embeds and DMs, and leaves select options and autocomplete as written', async () => {
    const details = await run({ ...inGuild(victimUser), name: 'details', options: [string('number', NUMBER)] });
    inert(details.reply);
    const [card] = details.reply.body.embeds;
    expect(card.title).toBe('Facture n° INV\\_2024\\_7');
    expect(card.fields.map((f: { name: string }) => f.name)).toContain(`TVA ${SHOWN} (19,25 %)`);

    const list = await run({ ...inGuild(victimUser), name: 'invoices' });
    inert(list.reply);
    const menu = list.reply.body.components[0].components[0];
    // A select option's label shows text as it is: escaped, it would show the backslashes.
    expect(menu.options[0].label).toContain(`n° ${NUMBER} ·`);
    expect(menu.options[0].value).toBe(NUMBER);
    // A choice updates the list in place (callback 7), another user's press is answered apart (callback 4): neither pings.
    const listed = discord.original(list.sent);
    const chosen = await discord.callback(discord.select({ ...inGuild(victimUser), customId: menu.custom_id, values: [NUMBER], message: listed }));
    inert(chosen, chosen.body.data);
    const pdf = listed.components[1].components[0];
    const refused = await discord.callback(discord.click({ ...inGuild(awaUser), customId: pdf.custom_id, message: listed }));
    inert(refused, refused.body.data);

    const typed = discord.autocomplete({
      ...inGuild(victimUser),
      name: 'invoice',
      options: [{ name: 'number', type: OPTION.string, value: 'INV', focused: true }],
    });
    const choices = (await discord.callback(typed)).body.data.choices;
    expect(choices.map((c: { name: string }) => c.name)).toContainEqual(expect.stringMatching(new RegExp(`^${NUMBER} · `)));

    const dmChannel = discord.dmChannelOf(victimUser.id);
    const asked = Date.now();
    discord.dm(victimUser, 'détails 7021');
    const dm = await discord.waitFor((r) => r.method === 'POST' && r.path === `/channels/${dmChannel}/messages` && r.at > asked);
    inert(dm);
    expect(dm.body.embeds[0].fields.map((f: { name: string }) => f.name)).toContain(`TVA ${SHOWN} (19,25 %)`);
  });

  it('keeps the largest invoice the import takes within what Discord takes, once escaped', async () => {
    // Ten taxes and a thousand lines, each label 200 characters of Markdown signs, which escaping doubles.
    const label = (i: number) => `${i} ${'*_`|~>#['.repeat(25)}`.slice(0, 200);
    const [model] = await app.store.invoices('cust-hostile', { numbers: ['7021'] });
    const number = `X${'_'.repeat(38)}9`;
    const huge = {
      ...model!,
      number,
      taxes: Array.from({ length: 10 }, (_, i) => ({ label: label(i), rate: 1 })),
      lines: Array.from({ length: 1000 }, (_, i) => ({ label: label(i), quantity: 1, unitPrice: 1000 })),
    };
    await app.store.save({ invoices: [huge], announced: [number] });
    const details = await run({ ...inGuild(victimUser), name: 'details', options: [string('number', number)] });
    inert(details.reply);
    expect(details.reply.body.embeds[0].fields.map((f: { name: string }) => f.name)).toContain('Total');
    expect(read(details.reply)).toContain('Reste à payer');
    const list = await run({ ...inGuild(victimUser), name: 'invoices' });
    inert(list.reply);
  });

  it('escapes the customer’s own words echoed back, in a command’s answer and in a DM', async () => {
    const dated = await run({ ...inGuild(victimUser), name: 'invoices', options: [string('from', HOSTILE)] });
    inert(dated.reply);
    expect(read(dated.reply)).toContain(`« ${SHOWN} » n'est pas une date`);

    const dmChannel = discord.dmChannelOf(victimUser.id);
    const asked = Date.now();
    discord.dm(victimUser, 'lier **[Payez-ici](https://evil.example)**@evil.example');
    const dm = await discord.waitFor((r) => r.method === 'POST' && r.path === `/channels/${dmChannel}/messages` && r.at > asked);
    inert(dm);
    expect(read(dm)).toContain('\\*\\*\\[Payez-ici](https://evil.example)\\*\\*@evil.example');
  });

  it('escapes data in the staff channel and in the DMs a resend sends, and pings nobody', async () => {
    const dmChannel = discord.dmChannelOf(victimUser.id);
    const asked = Date.now();
    discord.dm(victimUser, "j'ai déjà payé la facture 7021");
    const notice = await discord.waitFor((r) => r.method === 'POST' && r.path === `/channels/${STAFF_CHANNEL}/messages` && r.at > asked);
    inert(notice);
    expect(read(notice)).toContain(SHOWN);
    // The notice's own title stays bold: only what data says is escaped.
    expect(String(notice.body.content)).toMatch(/^\*\*[^*]/);

    const staff = { user: staffUser, guild: { id: GUILD, roles: [STAFF_ROLE] } };
    await app.store.updateCustomer('cust-hostile', (customer) => ({ ...customer, notifications: { ...customer.notifications, chat: true } }));
    const resent = Date.now();
    await run({ ...staff, name: 'staff', options: [sub('resend', string('invoice', NUMBER), string('via', 'dm'))] });
    const pushed = await discord.waitFor((r) => r.method === 'POST' && r.path === `/channels/${dmChannel}/messages` && r.at >= resent && r.files.length > 0);
    inert(pushed);
    expect(read(pushed)).toContain(SHOWN);
  });
});

describe('a sentence that could mean two things, in a DM', () => {
  /** Paul, who has an invoice numbered 2021 and invoices of 2021, writes « la facture 2021 svp » in a DM: the question asking which he means. */
  async function askTwoReadings(): Promise<{ dmChannel: string; question: RecordedRequest }> {
    const paul = await customerId('paul@example.cm');
    const [model] = await app.store.invoices(paul, { year: 2021 });
    await app.store.save({ invoices: [{ ...model!, number: '2021', issuedAt: '2023-05-05', dueAt: '2023-06-05' }], announced: ['2021'] });
    const dmChannel = discord.dmChannelOf(paulUser.id);
    const asked = Date.now();
    discord.dm(paulUser, 'la facture 2021 svp');
    const question = await discord.waitFor(
      (r) => r.method === 'POST' && r.path === `/channels/${dmChannel}/messages` && r.at > asked && read(r).includes('Voulez-vous dire'),
    );
    return { dmChannel, question };
  }

  it('offers the readings as buttons; the one pressed is answered in the question’s place, a stale press is told so', async () => {
    const { dmChannel, question } = await askTwoReadings();
    const buttons = question.body.components[0].components;
    expect(buttons.map((b: { label: string }) => b.label.replace(/[\u202F\u00A0]/g, ' '))).toEqual([
      '1. la facture n° 2021',
      '2. vos factures du 1 janv. 2021 au 31 déc. 2021',
    ]);

    const message = {
      ...question.body,
      id: '1330000000000000002',
      channel_id: dmChannel,
      author: { id: discord.appId, username: 'Facteur', discriminator: '0' },
      type: 0,
      timestamp: new Date().toISOString(),
    };
    const press = discord.click({ user: paulUser, customId: buttons[0].custom_id, message, channelId: dmChannel });
    const answer = await discord.waitFor(
      (r) => r.method === 'PATCH' && r.path.endsWith(`/${press.token}/messages/@original`) && r.status === 200,
      20_000,
      'the chosen reading',
    );
    expect(discord.requests.find((r) => r.path === `/interactions/${press.id}/${press.token}/callback`)!.body.type).toBe(6); // acknowledged, the message to be edited
    expect(answer.files.map((f) => f.filename)).toEqual(['facture-2021.pdf']);
    expect(await pdfText(answer.files[0]!.bytes)).toContain('2021');
    expect(answer.body.components).toEqual([]);

    const stale = discord.click({ user: paulUser, customId: buttons[1].custom_id, message, channelId: dmChannel });
    const told = await discord.waitFor(
      (r) => r.method === 'POST' && r.path.endsWith(`/${stale.token}`) && r.status === 200,
      20_000,
      'the stale press answered',
    );
    expect(read(told)).toContain("Je n'attends pas de réponse");
    expect(told.files).toEqual([]);
  });

  it('answers a reading chosen long after the question with a list whose menu and buttons work: their 15 minutes start with the list', async () => {
    const { dmChannel, question } = await askTwoReadings();
    // The question was asked twenty minutes ago; Paul chooses « vos factures … 2021 » now.
    const message = discord.aged(discord.message(question.response.id), 20 * 60_000);
    const reading = question.body.components[0].components[1];
    const press = discord.click({ user: paulUser, customId: reading.custom_id, message, channelId: dmChannel });
    const answer = await discord.waitFor(
      (r) => r.status === 200 && r.path.includes(press.token) && r.body?.components?.some((row: any) => row.components.some((c: any) => c.type === 3)),
      20_000,
      'the list of the chosen reading',
    );
    // The list as Paul's client shows it: the question edited in place, or a message of its own.
    const list = answer.method === 'PATCH' ? { ...message, ...answer.body } : discord.message(answer.response.id);
    const menu = list.components.flatMap((row: any) => row.components).find((c: any) => c.type === 3);
    const picked = discord.select({ user: paulUser, customId: menu.custom_id, values: [menu.options[0].value], message: list, channelId: dmChannel });
    const callback = await discord.callback(picked);
    expect(JSON.stringify(callback.body)).not.toContain('ont expiré');
    expect(callback.body.type).toBe(7); // the list updated with the choice
    // The question's buttons are gone: the other reading cannot be pressed after this one.
    expect(discord.edits(press).some((edit) => Array.isArray(edit.body.components) && edit.body.components.length === 0)).toBe(true);
  });
});

// ---------------------------------------------------------------- staff

describe('staff commands', () => {
  it('are refused to anyone else, and the attempt is logged', async () => {
    const before = (await app.store.deliveries()).length;
    const { reply } = await run({
      ...inGuild(awaUser, { guild: { id: GUILD, roles: ['1400000000000000999'] } }),
      name: 'staff',
      options: [sub('resend', string('invoice', '1210'))],
    });
    expect(read(reply)).toContain("Cette commande est réservée à l'équipe support.");
    expect((await app.store.deliveries()).length).toBe(before);
    expect(logged.lines.some((line) => line.event === 'staff.refused' && line.user === awaUser.id)).toBe(true);
    const log = await run({ ...inGuild(awaUser), name: 'staff', options: [sub('failed')] });
    expect(read(log.reply)).toContain('réservée');
  });

  it('resend an invoice by email: the customer gets the mail, the delivery and the action are recorded', async () => {
    const asked = new Date().toISOString();
    const staff = inGuild(staffUser, { guild: { id: GUILD, roles: [STAFF_ROLE] } });
    const { deferral, reply } = await run({ ...staff, name: 'staff', options: [sub('resend', string('invoice', '1210'), string('via', 'email'))] });
    expect(deferral.body.data.flags).toBe(EPHEMERAL);
    expect(read(reply)).toContain('La facture n° 1210 a été renvoyée à awa@example.cm');
    expect(read(reply)).toContain('envoyé');

    const mail = await smtp.waitForMessage((m) => m.envelope.to.includes('awa@example.cm') && m.parsed.subject === 'Votre facture n° 1210');
    expect(mail.files.map((a) => a.filename)).toEqual(['facture-1210.pdf']);
    expect(await pdfText(mail.files[0]!.content)).toContain('89 438 FCFA');

    const [delivery] = await app.store.deliveries({ customerId: await customerId('awa@example.cm'), since: asked });
    expect(delivery).toMatchObject({
      invoices: ['1210'],
      channel: 'email',
      recipient: 'awa@example.cm',
      reason: 'resend',
      status: 'sent',
      requestedBy: `discord:${staffUser.id}`,
    });
    expect(await app.store.staffActions(asked)).toEqual([expect.objectContaining({ staff: `discord:${staffUser.id}`, action: 'resend', target: '1210' })]);

    const log = await run({ ...staff, name: 'staff', options: [sub('log', string('customer', 'awa@example.cm'))] });
    expect(read(log.reply)).toContain('Journal des envois de awa@example.cm');
    expect(read(log.reply)).toContain('awa@example.cm');
  });

  it('resend by DM to a user who blocks DMs (50007): a failed delivery with the reason, listed in failed deliveries', async () => {
    discord.refuseDms(paulUser.id);
    const paulsInvoice = (await app.store.invoices(await customerId('paul@example.cm')))[0]!.number;
    const staff = { user: staffUser, guild: { id: GUILD, roles: [STAFF_ROLE] } };
    const { reply } = await run({ ...staff, name: 'staff', options: [sub('resend', string('invoice', paulsInvoice), string('via', 'dm'))] });
    expect(read(reply)).toContain(`La facture n° ${paulsInvoice} n'a pas pu être renvoyée à paul@example.cm`);
    const refusal = discord.requests.findLast((r) => r.path === `/channels/${discord.dmChannelOf(paulUser.id)}/messages`)!;
    expect(refusal.status).toBe(403);

    const [delivery] = await app.store.deliveries({ customerId: await customerId('paul@example.cm'), status: 'failed' });
    expect(delivery).toMatchObject({ channel: 'discord', recipient: paulUser.id, status: 'failed', attempts: 1 });
    expect(delivery!.lastError).toContain('Cannot send messages to this user');
    expect(delivery!.lastError).toContain('50007');

    const failed = await run({ ...staff, name: 'staff', options: [sub('failed')] });
    expect(read(failed.reply)).toContain('1 envoi en échec');
    expect(read(failed.reply)).toContain(paulsInvoice);
    expect(read(failed.reply)).toContain('Cannot send messages');
  });

  it('resend by DM to a user who accepts them: the PDF arrives in their DMs', async () => {
    const staff = { user: staffUser, guild: { id: GUILD, roles: [STAFF_ROLE] } };
    const { reply } = await run({ ...staff, name: 'staff', options: [sub('resend', string('invoice', '1217'), string('via', 'dm'))] });
    expect(read(reply)).toContain('La facture n° 1217 a été renvoyée à awa@example.cm');
    const dm = await discord.waitFor(
      (r) => r.path === `/channels/${discord.dmChannelOf(awaUser.id)}/messages` && r.files.some((f) => f.filename === 'facture-1217.pdf'),
    );
    expect(read(dm)).toContain('Votre facture n° 1217');
    expect(await pdfText(dm.files[0]!.bytes)).toContain('1217');
    expect(
      (await app.store.deliveries({ customerId: await customerId('awa@example.cm'), status: 'sent' })).some(
        (d) => d.channel === 'discord' && d.invoices[0] === '1217',
      ),
    ).toBe(true);
  });
});

// ---------------------------------------------------------------- resilience

describe('when Discord misbehaves', () => {
  it('waits out a 429 and answers all the same', async () => {
    discord.failNext({
      method: 'PATCH',
      path: /\/messages\/@original$/,
      status: 429,
      body: { message: 'You are being rate limited.', retry_after: 0.5, global: false },
      headers: { 'retry-after': '0.5', 'x-ratelimit-scope': 'user' },
    });
    const { sent, reply } = await run({ ...inGuild(awaUser), name: 'invoice', options: [string('number', '1210')] });
    const edits = discord.requests.filter((r) => r.method === 'PATCH' && r.path.includes(sent.token));
    expect(edits.map((r) => r.status)).toEqual([429, 200]);
    expect(edits[1]!.at - edits[0]!.at).toBeGreaterThanOrEqual(450);
    expect(reply.files.map((f) => f.filename)).toEqual(['facture-1210.pdf']);
  });

  it('apologises, in a DM as after a slash command, when Discord refuses an answer: what went wrong and what to do', async () => {
    // What Discord answers a body over its limits.
    const refusal = {
      code: 50035,
      message: 'Invalid Form Body',
      errors: { content: { _errors: [{ code: 'BASE_TYPE_MAX_LENGTH', message: 'Must be 2000 or fewer in length.' }] } },
    };
    const dmChannel = discord.dmChannelOf(awaUser.id);
    const asked = Date.now();
    discord.failNext({ method: 'POST', path: new RegExp(`^/channels/${dmChannel}/messages$`), status: 400, body: refusal });
    discord.dm(awaUser, 'mes factures de 2019');
    const apology = await discord.waitFor(
      (r) => r.method === 'POST' && r.path === `/channels/${dmChannel}/messages` && r.at > asked && r.status === 200,
      10_000,
      'the apology',
    );
    const refused = discord.requests.find((r) => r.path === `/channels/${dmChannel}/messages` && r.at > asked && r.status === 400)!;
    expect(read(refused)).toContain('1210');
    expect(read(apology)).toContain('Discord a refusé la réponse que je vous avais préparée');
    expect(read(apology)).toContain('demander moins à la fois');
    expect(apology.files).toEqual([]);
    expect(logged.lines.some((line) => line.event === 'discord.refused' && line.user === awaUser.id)).toBe(true);

    discord.failNext({ method: 'PATCH', path: /\/messages\/@original$/, status: 400, body: refusal });
    const sent = discord.command({ ...inGuild(awaUser), locale: 'en-US', name: 'invoices', options: [integer('year', 2019)] });
    const edits = () => discord.edits(sent);
    await discord.waitFor(() => edits().length >= 2, 10_000, 'the apology after the refused edit');
    expect(edits().map((r) => r.status)).toEqual([400, 200]);
    expect(read(edits()[1]!)).toContain('Discord refused the answer I had prepared for you');
    expect(edits()[1]!.body).toMatchObject({ embeds: [], components: [] });
  });

  it('reconnects after the gateway drops and answers the next command', async () => {
    const { identifies, resumes } = discord.gateway;
    discord.dropGateway(4000);
    await discord.waitFor(() => discord.gateway.resumes + discord.gateway.identifies > resumes + identifies, 20_000, 'a new session');
    await discord.ready();
    const { reply } = await run({ ...inGuild(awaUser), name: 'help' });
    expect(read(reply)).toContain('Voici ce que je sais faire');
  });
});

// ---------------------------------------------------------------- registration

describe('facteur discord register', () => {
  it('registers the commands for the server, in English with French localizations', async () => {
    const bin = path.resolve(import.meta.dirname, '..', 'bin', 'facteur.js');
    const env = {
      ...process.env,
      FACTEUR_DATA_DIR: app.dataDir,
      LOG_LEVEL: 'warn',
      DISCORD_TOKEN: 'test.bot.token',
      DISCORD_APP_ID: discord.appId,
      DISCORD_GUILD_ID: GUILD,
      DISCORD_API_URL: discord.apiUrl,
    };
    const { stdout } = await promisify(execFile)(process.execPath, [bin, 'discord', 'register'], { env });
    expect(stdout).toContain(`Registered 10 commands for the server ${GUILD}`);
    const put = discord.requests.find((r) => r.method === 'PUT' && r.path === `/applications/${discord.appId}/guilds/${GUILD}/commands`)!;
    const invoices = put.body.find((c: { name: string }) => c.name === 'invoices');
    expect(invoices.name_localizations).toEqual({ fr: 'factures' });
    expect(invoices.description_localizations.fr).toBe("Lister vos factures, les plus récentes d'abord");
    expect(invoices.options.map((o: { name: string; name_localizations: { fr: string } }) => [o.name, o.name_localizations.fr])).toEqual([
      ['year', 'année'],
      ['month', 'mois'],
      ['unpaid', 'impayées'],
      ['from', 'du'],
      ['to', 'au'],
    ]);
    const pdf = put.body.find((c: { name: string }) => c.name === 'invoice');
    expect(pdf.options[0]).toMatchObject({ name: 'number', autocomplete: true, required: true });
    for (const command of put.body) {
      expect(command.name).toMatch(/^[-_\p{L}\p{N}]{1,32}$/u);
      expect(command.name).toBe(command.name.toLowerCase());
      expect(command.description.length).toBeLessThanOrEqual(100);
    }
  });
});

describe('facteur start', () => {
  it('runs the Discord channel when DISCORD_TOKEN is set, and stops cleanly on SIGTERM', async () => {
    const own = await startDiscordPeer();
    const dataDir = await mkdtemp(path.join(tmpdir(), 'facteur-discord-start-'));
    try {
      const bin = path.resolve(import.meta.dirname, '..', 'bin', 'facteur.js');
      const env = {
        ...process.env,
        FACTEUR_DATA_DIR: dataDir,
        LOG_LEVEL: 'warn',
        NODE_ENV: 'production',
        DISCORD_TOKEN: 'test.bot.token',
        DISCORD_APP_ID: own.appId,
        DISCORD_API_URL: own.apiUrl,
      };
      const child = spawn(process.execPath, [bin, 'start'], { env, stdio: ['pipe', 'pipe', 'pipe'] });
      let stderr = '';
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk));
      const exited = new Promise<number>((resolve) => child.on('close', (code) => resolve(code ?? -1)));
      await Promise.all([own.ready(20_000), registerEverywhere({ ...app.config.discord!, apiUrl: own.apiUrl, guildId: null }, app.catalog)]);
      const sent = own.command({ user: stranger, guild: { id: GUILD }, name: 'invoices' });
      const reply = await own.waitFor((r) => r.method === 'PATCH' && r.path.endsWith(`/${sent.token}/messages/@original`), 20_000);
      expect(read(reply)).toContain("n'est pas encore relié");
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
      expect(stderr).not.toContain('test.bot.token');
    } finally {
      await own.close();
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});

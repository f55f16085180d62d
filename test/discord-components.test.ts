/**
 * A list on Discord works like the client area's table: a menu of the page's invoices and
 * buttons PDF, ZIP of the selection, details, previous and next; an invoice's details are a
 * card with a PDF button. The real discord.js client of Facteur on the local Discord; the
 * tests select and press as users (and as attackers) on the messages the bot really posted,
 * and read what came back: the menu's options, the refusals, the embed's fields, the PDF and
 * ZIP bytes.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { daysBetween } from '../src/billing/dates.js';
import { formatDate } from '../src/billing/money.js';
import type { DiscordChannel } from '../src/channels/discord/channel.js';
import { startDiscordPeer, type DiscordPeer, type DiscordUser, type InteractionInput, type RecordedRequest, type SentInteraction } from './peers/discord.js';
import { startSmtpPeer, type SmtpPeer } from './peers/smtp.js';
import { capturedLog, demoApp } from './support/app.js';
import { discordCustomers, EPHEMERAL, isProgress, read, readMessage, registerEverywhere, string } from './support/discord.js';
import { pdfText, readZip } from './support/read.js';

const GUILD = '1200000000000000001';
const SELECT_MENU = 3;
/** Discord's interaction callbacks: a message, a deferred message, an update of the message pressed on. */
const CALLBACK = { message: 4, deferred: 5, update: 7 } as const;
const FIFTEEN_MINUTES = 15 * 60_000;

const stranger: DiscordUser = { id: '1500000000000000001', username: 'passant' };
const awaUser: DiscordUser = { id: '1500000000000000002', username: 'awa.nkolo' };
const paulUser: DiscordUser = { id: '1500000000000000003', username: 'paul.mbarga' };

let discord: DiscordPeer;
let smtp: SmtpPeer;
let app: Awaited<ReturnType<typeof demoApp>>;
let channel: DiscordChannel;
let customers: ReturnType<typeof discordCustomers>;
let files: string;
const logged = capturedLog();

beforeAll(async () => {
  [discord, smtp] = await Promise.all([startDiscordPeer(), startSmtpPeer()]);
  files = await mkdtemp(path.join(tmpdir(), 'facteur-discord-components-'));
  app = await demoApp(
    {
      DISCORD_TOKEN: 'test.bot.token',
      DISCORD_APP_ID: discord.appId,
      DISCORD_GUILD_ID: GUILD,
      DISCORD_API_URL: discord.apiUrl,
      SMTP_HOST: smtp.host,
      SMTP_PORT: String(smtp.port),
      SMTP_TLS: 'false',
    },
    logged.log,
  );
  // Progress from the first PDF on, so that a ZIP shows it however fast this machine renders.
  channel = (await app.discordChannel({ progressTiming: { afterMs: 0, everyMs: 100 } }))!;
  await Promise.all([channel.start(), registerEverywhere(app.config.discord!, app.catalog)]);
  customers = discordCustomers(discord, smtp, GUILD);
  expect(await customers.link(awaUser, 'awa@example.cm')).toContain('est relié au compte client');
  expect(await customers.link(paulUser, 'paul@example.cm')).toContain('est relié au compte client');
});

afterAll(async () => {
  await channel?.stop();
  await app?.dispose();
  await Promise.all([discord?.close(), smtp?.close()]);
  await rm(files, { recursive: true, force: true });
});

// ---------------------------------------------------------------- helpers

interface Component {
  type: number;
  custom_id: string;
  label?: string;
  placeholder?: string;
  min_values?: number;
  max_values?: number;
  options?: { label: string; value: string; default?: boolean }[];
}

const inGuild = (user: DiscordUser): InteractionInput => ({ user, guild: { id: GUILD } });

function componentsOf(message: { components?: { components: Component[] }[] }): Component[] {
  return (message.components ?? []).flatMap((row) => row.components);
}

function menuOf(message: any): Component {
  return componentsOf(message).find((c) => c.type === SELECT_MENU)!;
}

function buttonOf(message: any, label: string): Component {
  const button = componentsOf(message).find((c) => c.label === label);
  if (!button) throw new Error(`no button « ${label} » on the message: ${JSON.stringify(componentsOf(message).map((c) => c.label))}`);
  return button;
}

/** The options a message's menu shows chosen. */
function chosen(message: any): string[] {
  return (menuOf(message).options ?? []).filter((o) => o.default).map((o) => o.value);
}

/** A list asked by `user` with /factures, and the message it is, as Discord shows it to them. */
async function list(
  user: DiscordUser,
  name = 'invoices',
  options: Parameters<typeof customers.run>[0]['options'] = [],
): Promise<{ sent: SentInteraction; reply: RecordedRequest; message: any }> {
  const { sent, reply } = await customers.run({ ...inGuild(user), name, options });
  return { sent, reply, message: discord.original(sent) };
}

/** `user` chooses `values` in the message's menu; resolves with the bot's callback. */
async function choose(user: DiscordUser, message: any, values: string[], input: InteractionInput = inGuild(user)): Promise<RecordedRequest> {
  const sent = discord.select({ ...input, customId: menuOf(message).custom_id, values, message });
  return discord.callback(sent);
}

/** What the bot said to a press: the message it answered with, or the edit of its deferred reply (not a progress notice). */
async function answerTo(sent: SentInteraction): Promise<{ sent: SentInteraction; callback: RecordedRequest; body: any; files: RecordedRequest['files'] }> {
  const callback = await discord.callback(sent);
  if (callback.body.type !== CALLBACK.deferred) return { sent, callback, body: callback.body.data, files: callback.files };
  const edit = await discord.waitFor(
    (r) => r.method === 'PATCH' && r.path.endsWith(`/${sent.token}/messages/@original`) && r.status === 200 && !isProgress(r),
    20_000,
    'the answer to the press',
  );
  return { sent, callback, body: edit.body, files: edit.files };
}

async function press(user: DiscordUser, message: any, label: string, input: InteractionInput = inGuild(user)) {
  return answerTo(discord.click({ ...input, customId: buttonOf(message, label).custom_id, message }));
}

/** Awa's list, paged on to the page that holds 1210 (her oldest), with `selected` chosen in its menu. */
async function awasLastPage(selected: string[] = []): Promise<any> {
  const { sent } = await list(awaUser);
  for (let page = 1; page < 3; page++)
    await answerTo(discord.click({ ...inGuild(awaUser), customId: buttonOf(discord.original(sent), 'Suivant').custom_id, message: discord.original(sent) }));
  if (selected.length > 0) expect((await choose(awaUser, discord.original(sent), selected)).body.type).toBe(CALLBACK.update);
  return discord.original(sent);
}

/** A message as someone could forge it: every occurrence of `from` in it made `to`. */
function forged(message: any, from: string, to: string): any {
  return JSON.parse(JSON.stringify(message).replaceAll(from, to));
}

async function saved(file: { filename: string; bytes: Buffer }, index = 0): Promise<string> {
  const target = path.join(files, `${index}-${file.filename}`);
  await writeFile(target, file.bytes);
  return target;
}

async function numbersOf(address: string): Promise<string[]> {
  const customer = (await app.store.customerByAddress(address))!;
  return (await app.store.invoices(customer.id)).map((invoice) => invoice.number);
}

// ---------------------------------------------------------------- attackers

describe('the components of a list, pressed by someone else', () => {
  it('are refused to another user, privately, with nothing of the asker’s invoices, and the message is left alone', async () => {
    const message = await awasLastPage(['1210']);
    const awas = await numbersOf('awa@example.cm');

    const picked = await choose(paulUser, message, ['1214']);
    const pdf = await press(paulUser, message, 'PDF');
    const zip = await press(paulUser, message, 'ZIP de la sélection');
    const details = await press(paulUser, message, 'Détails');
    const previous = await press(paulUser, message, 'Précédent');
    for (const answer of [{ body: picked.body.data, files: picked.files }, pdf, zip, details, previous]) {
      expect(answer.body.flags).toBe(EPHEMERAL);
      expect(readMessage(answer.body)).toContain('Ce menu appartient à la personne qui a demandé la liste');
      for (const number of awas) expect(readMessage(answer.body)).not.toContain(number);
      expect(readMessage(answer.body)).not.toContain('FCFA');
      expect(answer.files).toEqual([]);
    }
    expect(picked.body.type).toBe(CALLBACK.message);
    expect(chosen(discord.message(message.id))).toEqual(['1210']);
    expect(logged.lines.filter((line) => line.event === 'discord.component.refused' && line.user === paulUser.id && line.reason === 'not-owner')).toHaveLength(
      5,
    );
  });

  it('are as unknown as a missing invoice when a forged selection names another customer’s invoice', async () => {
    const message = await awasLastPage(['1210']);
    const paulsInvoice = (await numbersOf('paul@example.cm'))[0]!;
    const theirs = await press(awaUser, forged(message, '"1210"', `"${paulsInvoice}"`), 'PDF');
    const missing = await press(awaUser, forged(message, '"1210"', '"99999"'), 'PDF');
    expect(readMessage(theirs.body)).toContain(`Je ne trouve pas de facture n° ${paulsInvoice} sur votre compte`);
    expect(readMessage(theirs.body).replace(paulsInvoice, 'N')).toBe(readMessage(missing.body).replace('99999', 'N'));
    expect(theirs.files).toEqual([]);

    const details = await press(awaUser, forged(message, '"1210"', `"${paulsInvoice}"`), 'Détails');
    expect(readMessage(details.body)).toContain(`Je ne trouve pas de facture n° ${paulsInvoice} sur votre compte`);
    expect(readMessage(details.body)).not.toMatch(/Paul|Mbarga|Hébergement Essentiel/);
    expect(details.body.embeds ?? []).toEqual([]);

    // One of hers and one of his: the ZIP holds hers alone, and his is named as not found.
    const both = structuredClone(message);
    Object.assign(
      menuOf(both).options!.find((o) => o.value === '1214')!,
      { value: paulsInvoice, default: true },
    );
    expect(chosen(both).toSorted()).toEqual(['1210', paulsInvoice].toSorted());
    const zip = await press(awaUser, both, 'ZIP de la sélection');
    expect((await readZip(await saved(zip.files[0]!))).map((e) => e.name)).toEqual(['facture-1210.pdf']);
    expect(readMessage(zip.body)).toContain(paulsInvoice);
  });

  it('are as unknown as a missing invoice when a details card’s PDF button is forged to name another customer’s', async () => {
    const card = (await customers.run({ ...inGuild(awaUser), name: 'details', options: [string('number', '1210')] })).sent;
    const paulsInvoice = (await numbersOf('paul@example.cm'))[0]!;
    const message = discord.original(card);
    const theirs = await press(awaUser, forged(message, ':1210', `:${paulsInvoice}`), 'PDF');
    const missing = await press(awaUser, forged(message, ':1210', ':99999'), 'PDF');
    expect(readMessage(theirs.body)).toContain(`Je ne trouve pas de facture n° ${paulsInvoice} sur votre compte`);
    expect(readMessage(theirs.body).replace(paulsInvoice, 'N')).toBe(readMessage(missing.body).replace('99999', 'N'));
    expect(theirs.files).toEqual([]);
  });

  it('refuse a choice of values the menu did not offer, or more values than it had, and log it', async () => {
    const message = await awasLastPage();
    const paulsInvoice = (await numbersOf('paul@example.cm'))[0]!;
    const offered = menuOf(message).options!.map((o) => o.value);
    const notOffered = await choose(awaUser, message, [paulsInvoice]);
    const tooMany = await choose(awaUser, message, [...offered, offered[0]!]);
    for (const answer of [notOffered, tooMany]) {
      expect(answer.body.type).toBe(CALLBACK.message);
      expect(answer.body.data.flags).toBe(EPHEMERAL);
      expect(readMessage(answer.body.data)).toContain('Ce choix ne correspond pas au menu');
    }
    expect(chosen(discord.message(message.id))).toEqual([]);
    expect(logged.lines.filter((line) => line.event === 'discord.component.refused' && line.user === awaUser.id && line.reason === 'not-in-menu')).toHaveLength(
      2,
    );
  });

  it('expire after the interaction token’s 15 minutes, with a sentence saying how to get a fresh list', async () => {
    const message = discord.aged(await awasLastPage(['1210']), FIFTEEN_MINUTES + 60_000);
    const picked = await choose(awaUser, message, ['1214']);
    const pdf = await press(awaUser, message, 'PDF');
    const next = await press(awaUser, message, 'Précédent');
    for (const answer of [{ body: picked.body.data, files: picked.files }, pdf, next]) {
      expect(answer.body.flags).toBe(EPHEMERAL);
      expect(readMessage(answer.body)).toContain('Ce menu et ces boutons ont expiré');
      expect(readMessage(answer.body)).toContain('/factures');
      expect(answer.files).toEqual([]);
    }
    // A list made a moment within the lifetime still works.
    const fresh = discord.aged(await awasLastPage(['1210']), FIFTEEN_MINUTES - 60_000);
    expect((await press(awaUser, fresh, 'PDF')).files.map((f) => f.filename)).toEqual(['facture-1210.pdf']);
  });

  it('tell a user who is not linked how to link, in a DM, even on a message forged in their name', async () => {
    const message = await awasLastPage(['1210']);
    const theirs = { ...forged(message, awaUser.id, stranger.id), channel_id: discord.dmChannelOf(stranger.id), flags: 0 };
    const pdf = await press(stranger, theirs, 'PDF', { user: stranger });
    expect(read({ body: pdf.body } as RecordedRequest)).toContain("Votre compte Discord n'est pas encore relié à un compte client");
    expect(readMessage(pdf.body)).not.toContain('1210');
    expect(pdf.files).toEqual([]);
    const zip = await press(stranger, theirs, 'ZIP de la sélection', { user: stranger });
    expect(readMessage(zip.body)).toContain("n'est pas encore relié");
    expect(zip.files).toEqual([]);
  });
});

// ---------------------------------------------------------------- customers

describe('a list on Discord', () => {
  it('has, under the table, a menu of the page’s invoices and the PDF, ZIP, details, previous and next buttons', async () => {
    const { reply, message } = await list(awaUser);
    const mine = await numbersOf('awa@example.cm');
    expect(reply.body.embeds[0].description).toContain('Page 1 sur 3');
    const menu = menuOf(message);
    expect(menu).toMatchObject({ placeholder: 'Choisissez une ou plusieurs factures', min_values: 0, max_values: 10 });
    expect(menu.options!.map((o) => o.value)).toEqual(mine.slice(0, 10));
    for (const option of menu.options!) {
      expect(option.label.replace(/[\u202F\u00A0]/g, ' ')).toMatch(
        new RegExp(`^\\d{1,2} \\S+ \\d{4} · n° ${option.value} · [\\d ]+ FCFA · (payée|à payer|annulée)$`),
      );
      expect(option.default ?? false).toBe(false);
    }
    expect(message.components.map((row: { components: Component[] }) => row.components.map((c) => c.label ?? c.placeholder))).toEqual([
      ['Choisissez une ou plusieurs factures'],
      ['PDF', 'ZIP de la sélection', 'Détails'],
      ['Précédent', 'Suivant'],
    ]);

    const last = await awasLastPage();
    const option = menuOf(last).options!.find((o) => o.value === '1210')!;
    expect(option.label.replace(/[\u202F\u00A0]/g, ' ')).toBe('17 janv. 2019 · n° 1210 · 89 438 FCFA · payée');
  });

  it('turns the page of the list pressed on, not of the list asked for last in the channel', async () => {
    const mine = await numbersOf('awa@example.cm');
    const { sent } = await list(awaUser);
    // Another list asked for afterwards in the same channel: the conversation's last one is now 2019's three.
    await list(awaUser, 'invoices', [{ name: 'year', type: 4, value: 2019 }]);
    const next = await answerTo(
      discord.click({ ...inGuild(awaUser), customId: buttonOf(discord.original(sent), 'Suivant').custom_id, message: discord.original(sent) }),
    );
    expect(next.callback.body.type).toBe(CALLBACK.update);
    expect(next.body.embeds[0].description).toContain('Page 2 sur 3');
    expect(menuOf(discord.original(sent)).options!.map((o) => o.value)).toEqual(mine.slice(10, 20));
    // A paging button forged to list someone else's invoices by number can only narrow Awa's own.
    const [pauls] = await numbersOf('paul@example.cm');
    const forgedId = buttonOf(discord.original(sent), 'Précédent').custom_id.replace(
      /:[^:]+$/,
      `:${Buffer.from(JSON.stringify([1, { numbers: [pauls] }])).toString('base64url')}`,
    );
    const narrowed = await answerTo(discord.click({ ...inGuild(awaUser), customId: forgedId, message: discord.original(sent) }));
    expect(JSON.stringify(narrowed.body)).not.toContain(pauls);
    expect(menuOf(discord.original(sent)).options!.map((o) => o.value)).toEqual(mine.slice(10, 20));
  });

  it('keeps what is chosen on the message itself, and PDF sends the one invoice chosen, privately', async () => {
    const message = await awasLastPage();
    const picked = await choose(awaUser, message, ['1214']);
    expect(picked.body.type).toBe(CALLBACK.update);
    expect(chosen(discord.message(message.id))).toEqual(['1214']);
    const again = await choose(awaUser, discord.message(message.id), ['1210']);
    expect(again.body.type).toBe(CALLBACK.update);
    expect(chosen(discord.message(message.id))).toEqual(['1210']);

    const pdf = await press(awaUser, discord.message(message.id), 'PDF');
    expect(pdf.callback.body).toEqual({ type: CALLBACK.deferred, data: { flags: EPHEMERAL } });
    expect(readMessage(pdf.body)).toContain('Voici la facture n° 1210 du 17 janv. 2019 (89 438 FCFA, payée)');
    expect(pdf.files.map((f) => f.filename)).toEqual(['facture-1210.pdf']);
    const text = await pdfText(pdf.files[0]!.bytes);
    expect(text).toContain('Facture n° 1210');
    expect(text).toContain('89 438 FCFA');
    // The list stays as it was, its choice kept, for the next press.
    expect(chosen(discord.message(message.id))).toEqual(['1210']);
  });

  it('says what to do when PDF or details are pressed with none or several chosen, or ZIP with none', async () => {
    const none = await awasLastPage();
    for (const label of ['PDF', 'Détails']) {
      const answer = await press(awaUser, none, label);
      expect(answer.body.flags).toBe(EPHEMERAL);
      expect(readMessage(answer.body)).toContain("Choisissez d'abord une facture dans le menu");
    }
    expect(readMessage((await press(awaUser, none, 'ZIP de la sélection')).body)).toContain("Choisissez d'abord une ou plusieurs factures dans le menu");
    const several = await awasLastPage(['1210', '1214']);
    expect(readMessage((await press(awaUser, several, 'PDF')).body)).toContain('Le bouton PDF envoie une seule facture');
    expect(readMessage((await press(awaUser, several, 'Détails')).body)).toContain('Les détails se lisent une facture à la fois');
  });

  it('sends the invoices chosen in one ZIP', async () => {
    const message = await awasLastPage(['1210', '1214', '1217']);
    const zip = await press(awaUser, message, 'ZIP de la sélection');
    expect(zip.callback.body.data.flags).toBe(EPHEMERAL);
    expect(readMessage(zip.body)).toContain('Voici 3 factures');
    const entries = await readZip(await saved(zip.files[0]!, 1));
    expect(entries.map((e) => e.name).toSorted()).toEqual(['facture-1210.pdf', 'facture-1214.pdf', 'facture-1217.pdf']);
    expect(await pdfText(entries.find((e) => e.name === 'facture-1210.pdf')!.bytes)).toContain('89 438 FCFA');
  });

  it('shows the details of the one chosen as a card with fields and a PDF button, which sends that invoice', async () => {
    const message = await awasLastPage(['1210']);
    const details = await press(awaUser, message, 'Détails');
    const [card] = details.body.embeds;
    const fields = card.fields.map((f: { name: string; value: string }) => [f.name, f.value.replace(/[\u202F\u00A0]/g, ' ')]);
    expect(card.title).toBe('Facture n° 1210');
    expect(fields.map(([name]: string[]) => name)).toEqual(['État', 'Émise le', 'Échéance', 'Lignes', 'Sous-total', 'TVA (19,25 %)', 'Total']);
    expect(fields[0][1]).toMatch(/^payée le \d{1,2} \S+ \d{4}$/);
    expect(fields[1][1]).toBe('17 janv. 2019');
    expect(fields[3][1]).toContain('Hébergement Pro (4 mois)');
    expect(fields[5][1]).toBe('14 438 FCFA');
    expect(fields[6][1]).toBe('89 438 FCFA');
    expect(card.color).toBe(message.embeds[0].color);

    const pdf = await press(awaUser, discord.original(details.sent), 'PDF');
    expect(pdf.files.map((f) => f.filename)).toEqual(['facture-1210.pdf']);
    expect(await pdfText(pdf.files[0]!.bytes)).toContain('Facture n° 1210');
  });

  it('shows what is left to pay on an unpaid invoice’s card, in bold and in the card’s colour, from /détails', async () => {
    const paid = await customers.run({ ...inGuild(awaUser), name: 'details', options: [string('number', '1210')] });
    const unpaid = await customers.run({ ...inGuild(awaUser), name: 'details', options: [string('number', '1266')] });
    const [card] = unpaid.reply.body.embeds;
    const toPay = card.fields.find((f: { name: string }) => f.name === 'Reste à payer');
    const total = card.fields.find((f: { name: string }) => f.name === 'Total');
    expect(toPay.value).toBe(`**${total.value}**`);
    // 1266 is the demo's oldest unpaid invoice of the year, long past its due day: the card says since when.
    const [owed] = await app.store.invoices((await app.store.customerByAddress('awa@example.cm'))!.id, { numbers: ['1266'] });
    const late = daysBetween(owed!.dueAt, app.assistant.today());
    expect(late).toBeGreaterThan(1);
    expect(card.fields[0].value.replace(/[\u202F\u00A0]/g, ' ')).toBe(
      `en retard de ${late} jours (échue le ${formatDate(owed!.dueAt, 'fr').replace(/[\u202F\u00A0]/g, ' ')})`,
    );
    expect(card.color).not.toBe(paid.reply.body.embeds[0].color);
    expect(paid.reply.body.embeds[0].fields.map((f: { name: string }) => f.name)).not.toContain('Reste à payer');
    expect(componentsOf(unpaid.reply.body).map((c) => c.label)).toEqual(['PDF']);
  });

  it('keeps an invoice line that holds backticks inside the card’s code block: the billing system’s words are never markup', async () => {
    const grace: DiscordUser = { id: '1500000000000000009', username: 'grace.eyenga' };
    expect(await customers.link(grace, 'grace.eyenga@example.cm')).toContain('est relié au compte client');
    const hers = (await app.store.customerByAddress('grace.eyenga@example.cm'))!.id;
    const [model] = await app.store.invoices(hers);
    const label = 'Hébergement ```\n**[Payez ici](https://pay.example.net)**\n```';
    await app.store.save({ invoices: [{ ...model!, number: '7002', lines: [{ label, quantity: 1, unitPrice: 1000 }] }], announced: ['7002'] });
    const { reply } = await customers.run({ ...inGuild(grace), name: 'details', options: [string('number', '7002')] });
    const lines = reply.body.embeds[0].fields.find((f: { name: string }) => f.name === 'Lignes').value as string;
    // One fence opens the table and one closes it, so that the link stays text in the block.
    expect(lines.match(/```/g)).toHaveLength(2);
    expect(lines.startsWith('```\n') && lines.endsWith('\n```')).toBe(true);
    expect(lines).toContain('[Payez ici](https://pay.example.net)');
  });

  it('answers what is owed with the unpaid invoices in the menu as well', async () => {
    const { reply, message } = await list(awaUser, 'statement');
    expect(reply.files.map((f) => f.filename)).toEqual([`releve-${app.assistant.today()}.pdf`]);
    const awa = (await app.store.customerByAddress('awa@example.cm'))!;
    const unpaid = (await app.store.invoices(awa.id, { status: 'unpaid' })).map((i) => i.number);
    expect(
      menuOf(message)
        .options!.map((o) => o.value)
        .toSorted(),
    ).toEqual(unpaid.toSorted());
    expect(
      componentsOf(message)
        .map((c) => c.label)
        .filter(Boolean),
    ).toEqual(['PDF', 'ZIP de la sélection', 'Détails']);
  });

  it('works the same on a list asked in plain words in a DM', async () => {
    const dmChannel = discord.dmChannelOf(awaUser.id);
    const asked = Date.now();
    discord.dm(awaUser, 'mes factures de 2019');
    const posted = await discord.waitFor((r) => r.method === 'POST' && r.path === `/channels/${dmChannel}/messages` && r.at >= asked && r.status === 200);
    const message = discord.message(posted.response.id);
    expect(
      menuOf(message)
        .options!.map((o) => o.value)
        .toSorted(),
    ).toEqual(['1210', '1214', '1217']);
    const dm: InteractionInput = { user: awaUser };
    expect((await choose(awaUser, message, ['1214'], dm)).body.type).toBe(CALLBACK.update);
    const pdf = await press(awaUser, discord.message(message.id), 'PDF', dm);
    expect(pdf.callback.body).toEqual({ type: CALLBACK.deferred, data: { flags: 0 } }); // a DM is private already
    expect(pdf.files.map((f) => f.filename)).toEqual(['facture-1214.pdf']);
    expect(await pdfText(pdf.files[0]!.bytes)).toContain('Facture n° 1214');
  });

  it('shows how far a large ZIP is by editing the deferred reply, then sends it', async () => {
    const paul = (await app.store.customerByAddress('paul@example.cm'))!;
    const [model] = await app.store.invoices(paul.id);
    const many = Array.from({ length: 60 }, (_, i) => ({ ...model!, number: `P${7001 + i}`, issuedAt: '2025-03-01', dueAt: '2025-04-01' }));
    await app.store.save({ invoices: many, announced: many.map((i) => i.number) });
    const all = await numbersOf('paul@example.cm');

    const { sent, reply } = await customers.run({ ...inGuild(paulUser), name: 'zip' });
    const edits = discord.edits(sent);
    const progress = edits.filter(isProgress).map((r) => String(r.body.content));
    expect(progress.length).toBeGreaterThan(0);
    const counts = progress.map((text) => {
      const [, done, total] = /^Préparation : (\d+) \/ (\d+) factures…$/.exec(text)!;
      expect(Number(total)).toBe(all.length);
      return Number(done);
    });
    expect(counts).toEqual(counts.toSorted((a, b) => a - b));
    expect(edits.at(-1)).toBe(reply);
    expect(edits.every((r) => r.status === 200)).toBe(true);
    expect((await readZip(await saved(reply.files[0]!, 2))).length).toBe(all.length);
  });
});

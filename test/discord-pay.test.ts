/**
 * Pay links on Discord, as a customer meets them: the real discord.js client of Facteur on the
 * local Discord (which refuses what Discord refuses: a link button's address over 512
 * characters, one that is no http(s) address, a link button with a custom_id). Link buttons
 * (style 5) open the billing system's page in the browser; Discord never reports a press back.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Invoice } from '../src/billing/types.js';
import type { DiscordChannel } from '../src/channels/discord/channel.js';
import { startDiscordPeer, type DiscordPeer, type DiscordUser } from './peers/discord.js';
import { startSmtpPeer, type SmtpPeer } from './peers/smtp.js';
import { capturedLog, demoApp } from './support/app.js';
import { discordCustomers, registerEverywhere, string } from './support/discord.js';

const GUILD = '1200000000000000024';
const LINK = 5;
const paulUser: DiscordUser = { id: '1500000000000000241', username: 'paul.mbarga' };
const page = (number: string) => `https://paiement.hebergeur.example/facture/${number}?jeton=a1b2c3`;

let discord: DiscordPeer;
let smtp: SmtpPeer;
let app: Awaited<ReturnType<typeof demoApp>>;
let channel: DiscordChannel;
let customers: ReturnType<typeof discordCustomers>;
let paul: Invoice[];
const logged = capturedLog();

interface Button {
  type: number;
  style: number;
  label?: string;
  url?: string;
  custom_id?: string;
}

const rowsOf = (body: { components?: { components: Button[] }[] }) => (body.components ?? []).map((row) => row.components);
const payButtons = (body: { components?: { components: Button[] }[] }) =>
  rowsOf(body)
    .flat()
    .filter((button) => button.style === LINK);
const ask = async (name: string, options: Parameters<typeof customers.run>[0]['options'] = []) =>
  (await customers.run({ user: paulUser, guild: { id: GUILD }, name, options })).reply.body;

/** Gives Paul's invoices pay links (or takes them away), as the billing system's API would. */
async function links(byNumber: Record<string, string | null>): Promise<void> {
  const changed = paul
    .filter((invoice) => invoice.number in byNumber)
    .map(({ payUrl: _, ...invoice }) => (byNumber[invoice.number] ? { ...invoice, payUrl: byNumber[invoice.number]! } : invoice));
  await app.store.save({ invoices: changed });
}

beforeAll(async () => {
  [discord, smtp] = await Promise.all([startDiscordPeer(), startSmtpPeer()]);
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
  channel = (await app.discordChannel())!;
  await Promise.all([channel.start(), registerEverywhere(app.config.discord!, app.catalog)]);
  customers = discordCustomers(discord, smtp, GUILD);
  expect(await customers.link(paulUser, 'paul@example.cm')).toContain('est relié au compte client');
  paul = await app.store.invoices((await app.store.customerByAddress('paul@example.cm'))!.id);
});

afterAll(async () => {
  await channel?.stop();
  await app?.dispose();
  await Promise.all([discord?.close(), smtp?.close()]);
});

describe('a details card', () => {
  it('has « Payer » beside its PDF button, opening the invoice’s page, when the invoice is unpaid and has a link', async () => {
    const unpaid = paul.find((invoice) => invoice.status === 'unpaid')!;
    await links({ [unpaid.number]: page(unpaid.number) });
    const card = await ask('details', [string('number', unpaid.number)]);
    expect(rowsOf(card)).toEqual([[expect.objectContaining({ label: 'PDF', style: 1 }), { type: 2, style: LINK, label: 'Payer', url: page(unpaid.number) }]]);
    expect(payButtons(card)[0]).not.toHaveProperty('custom_id');
  });

  it('has none on a paid or cancelled invoice, whatever link the billing system left on it', async () => {
    const paid = paul.find((invoice) => invoice.status === 'paid')!;
    await links({ [paid.number]: page(paid.number) });
    const card = await ask('details', [string('number', paid.number)]);
    expect(payButtons(card)).toEqual([]);
    expect(rowsOf(card)).toEqual([[expect.objectContaining({ label: 'PDF' })]]);
  });

  it('shows a link too long for a button (Discord takes 512 characters there) as a linked title Discord takes', async () => {
    const unpaid = paul.find((invoice) => invoice.status === 'unpaid')!;
    const long = `${page(unpaid.number)}&session=${'Zx9'.repeat(400)}`.slice(0, 1500);
    await links({ [unpaid.number]: long });
    const card = await ask('details', [string('number', unpaid.number)]);
    expect(payButtons(card)).toEqual([]);
    expect(card.embeds).toHaveLength(2);
    expect(card.embeds[1]).toMatchObject({ title: `Payer la facture ${unpaid.number}`, url: long });
    await links({ [unpaid.number]: page(unpaid.number) });
  });
});

describe('a list with several unpaid invoices', () => {
  it('has a row of « Payer 1234 » buttons for those with a link, the one due first first, between the list’s buttons and its pages', async () => {
    // Seven more of Paul's invoices unpaid, as the billing system would say: one without a link.
    paul = paul.map((invoice, i) => (i < 8 ? { ...invoice, status: 'unpaid', paidAt: null } : invoice));
    const unpaid = paul.filter((invoice) => invoice.status === 'unpaid');
    expect(unpaid.length).toBe(8);
    const [withoutLink, ...withLinks] = unpaid;
    await links({ ...Object.fromEntries(withLinks.map((invoice) => [invoice.number, page(invoice.number)])), [withoutLink!.number]: null });
    const body = await ask('invoices', [{ name: 'unpaid', type: 5, value: true }]);
    const rows = rowsOf(body);
    const dueFirst = withLinks.toSorted((a, b) => a.dueAt.localeCompare(b.dueAt)).slice(0, 5);
    expect(rows[1]!.map((button) => button.label)).toEqual(['PDF', 'ZIP de la sélection', 'Détails']);
    expect(rows[2]).toEqual(dueFirst.map((invoice) => ({ type: 2, style: LINK, label: `Payer ${invoice.number}`, url: page(invoice.number) })));
    expect(payButtons(body).map((button) => button.label)).not.toContain(`Payer ${withoutLink!.number}`);
    expect(rows.length).toBeLessThanOrEqual(5);
  });

  it('offers five at most, the ones due first, and none for the paid invoices of an unfiltered list', async () => {
    const body = await ask('statement');
    const buttons = payButtons(body);
    expect(buttons.length).toBeLessThanOrEqual(5);
    const byNumber = new Map(paul.map((invoice) => [invoice.number, invoice]));
    for (const button of buttons) expect(byNumber.get(button.label!.replace('Payer ', ''))?.status).toBe('unpaid');
    const all = await ask('invoices');
    for (const button of payButtons(all)) expect(byNumber.get(button.label!.replace('Payer ', ''))?.status).toBe('unpaid');
  });
});

describe('the PDF of an unpaid invoice', () => {
  it('comes with « Payer » under it', async () => {
    const unpaid = paul.filter((invoice) => invoice.status === 'unpaid').at(-1)!;
    await links({ [unpaid.number]: page(unpaid.number) });
    const { reply } = await customers.run({ user: paulUser, guild: { id: GUILD }, name: 'invoice', options: [string('number', unpaid.number)] });
    expect(reply.files.map((file) => file.filename)).toEqual([`facture-${unpaid.number}.pdf`]);
    expect(payButtons(reply.body)).toEqual([{ type: 2, style: LINK, label: 'Payer', url: page(unpaid.number) }]);
  });
});

describe('an announcement by DM', () => {
  it('has « Payer la facture … » under the new invoices that may be paid online, and none for one without a link', async () => {
    const on = await ask('notifications', [{ name: 'dm', type: 1, options: [{ name: 'on', type: 5, value: true }] }]);
    expect(JSON.stringify(on)).toContain('message privé');
    // What the store held is announced first: only the two new invoices are news.
    await app.push.run();
    const customerId = paul[0]!.customerId;
    const invoice = (number: string, payUrl?: string): Invoice => ({
      number,
      customerId,
      issuedAt: '2026-11-24',
      dueAt: '2026-12-24',
      currency: 'XAF',
      lines: [{ label: 'Hébergement Essentiel', quantity: 1, unitPrice: 30_000 }],
      taxes: [],
      status: 'unpaid',
      paidAt: null,
      ...(payUrl ? { payUrl } : {}),
    });
    await app.store.save({ invoices: [invoice('8901', page('8901')), invoice('8902')] });
    expect(await app.push.run()).toMatchObject({ invoices: 2, failed: 0 });
    const dm = await discord.waitFor(
      (r) => r.method === 'POST' && r.path === `/channels/${discord.dmChannelOf(paulUser.id)}/messages` && r.files.some((f) => f.filename.includes('8901')),
    );
    expect(payButtons(dm.body)).toEqual([{ type: 2, style: LINK, label: 'Payer la facture 8901', url: page('8901') }]);
    expect(payButtons(dm.body)[0]).not.toHaveProperty('custom_id');
  });
});

/**
 * The billing system's PDF reaches the customer byte for byte, whatever way it goes: a mail
 * answer and its ZIP (Dovecot in, the SMTP peer out), a Discord answer (the local Discord
 * driving the real discord.js client), a download link's ZIP (the HTTP server), a staff
 * resend and a reminder (the SMTP peer). Each compared by SHA-256 with the file the billing
 * system sent, and found by that hash in the delivery log. With PDF_SOURCE=billing, an invoice
 * without its PDF gets no rendering: the customer is told, staff are told the numbers.
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DiscordChannel } from '../src/channels/discord/channel.js';
import { startHttp, type RunningHttp } from '../src/http/server.js';
import { DownloadLinks } from '../src/download-links/links.js';
import { freePort } from './peers/dovecot.js';
import { startDiscordPeer, type DiscordPeer, type DiscordUser } from './peers/discord.js';
import { capturedLog, demoApp } from './support/app.js';
import { discordCustomers, registerEverywhere, string } from './support/discord.js';
import { deliver, mailEnv, replyTo, startFacteur, startMailPeers, zipEntries, type MailPeers, type RunningFacteur } from './support/mail.js';
import { readZipBytes } from './support/read.js';

const KEY = 'k3y-for-the-billing-system-bytes-0123456789';
const GUILD = '1200000000000000007';
const PDFS = path.join(import.meta.dirname, 'fixtures', 'billing-pdfs');
const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');
const awaUser: DiscordUser = { id: '1500000000000000077', username: 'awa.nkolo' };

let peers: MailPeers;
let discord: DiscordPeer;
let facteur: RunningFacteur;
let channel: DiscordChannel;
let http: RunningHttp;
let url: string;
let genuine: Buffer;
let paid: Buffer;

beforeAll(async () => {
  [peers, discord] = await Promise.all([startMailPeers(), startDiscordPeer()]);
  const port = await freePort();
  url = `http://127.0.0.1:${port}`;
  facteur = await startFacteur({
    ...mailEnv(peers),
    DISCORD_TOKEN: 'test.bot.token',
    DISCORD_APP_ID: discord.appId,
    DISCORD_GUILD_ID: GUILD,
    DISCORD_API_URL: discord.apiUrl,
    REMINDERS_ENABLED: 'true',
  });
  const { app } = facteur;
  const links = new DownloadLinks('a-link-secret-for-the-pdf-bytes-test-00', { publicUrl: url, days: 7 }, 'Africa/Douala', app.log);
  channel = (await app.discordChannel({ downloadLinks: links }))!;
  http = await startHttp(
    { host: '127.0.0.1', port, bodyLimitBytes: 1024 * 1024, apiKeys: [KEY], webhookSecret: null, metricsKey: null, trustProxy: [] },
    {
      store: app.store,
      log: app.log,
      dataDir: facteur.dataDir,
      importMaxBytes: 1024 * 1024,
      pdfs: { maxBytes: app.config.pdfs.maxBytes, reader: app.pdfReader },
      today: () => app.assistant.today(),
      probes: {},
      downloads: { links, documents: app.documents, catalog: app.catalog, tellStaff: app.tellStaff, limits: { perLink: 3, atOnce: 30, idleMs: 30_000 } },
    },
  );
  await Promise.all([channel.start(), registerEverywhere(app.config.discord!, app.catalog)]);
  [genuine, paid] = await Promise.all([readFile(path.join(PDFS, '1266.pdf')), readFile(path.join(PDFS, '1266-paid.pdf'))]);
  const stored = await fetch(`${url}/api/v1/invoices/1266/pdf`, {
    method: 'PUT',
    headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/pdf' },
    body: new Uint8Array(genuine),
  });
  expect(stored.status).toBe(200);
});

afterAll(async () => {
  await channel?.stop();
  await http?.close();
  await facteur?.stop();
  await Promise.all([peers?.close(), discord?.close()]);
});

/** The hashes of the files the delivery log says went out for this invoice, by reason. */
async function loggedHashes(number: string): Promise<{ reason: string; channel: string; files: string[] }[]> {
  return (await facteur.app.store.deliveries({ invoice: number })).map((d) => ({
    reason: d.reason,
    channel: d.channel,
    files: (d.files ?? []).filter((f) => f.invoice === number).map((f) => f.sha256),
  }));
}

describe('the billing system’s PDF, byte for byte on every channel', () => {
  it('a mail answer carries it, and a ZIP holds it beside a rendering of an invoice that has none', async () => {
    const asked = await deliver(peers, { from: 'awa@example.cm', subject: 'Facture', body: 'Bonjour, pouvez-vous m’envoyer la facture 1266 ?' });
    const answer = await replyTo(peers.smtp, asked);
    expect(answer.files.map((f) => sha256(f.content))).toEqual([sha256(genuine)]);
    // Sent from the data folder's own file: not copied into the PDF cache beside it.
    expect(existsSync(path.join(facteur.dataDir, 'pdf', 'issued'))).toBe(false);
    const zipped = await deliver(peers, { from: 'awa@example.cm', subject: 'Zip', body: 'zip 1266 1273' });
    const archive = await replyTo(peers.smtp, zipped);
    const entries = await zipEntries(archive.files[0]!);
    const byName = new Map(entries.map((entry) => [entry.name, entry.bytes]));
    expect(sha256(byName.get('facture-1266.pdf')!)).toBe(sha256(genuine));
    // 1273 has no PDF of the billing system: Facteur's rendering, recorded by its own hash.
    const rendered = byName.get('facture-1273.pdf')!;
    expect(rendered.subarray(0, 5).toString()).toBe('%PDF-');
    const log = await facteur.app.store.deliveries({ file: sha256(rendered) });
    expect(log.map((d) => d.files!.find((f) => f.invoice === '1273'))).toEqual([
      expect.objectContaining({ source: 'rendered', zip: archive.files[0]!.filename, sha256: sha256(rendered) }),
    ]);
  });

  it('a Discord answer carries it, and is recorded with its hash', async () => {
    const { link, run } = discordCustomers(discord, peers.smtp, GUILD);
    await link(awaUser, 'awa@example.cm');
    const { reply } = await run({ user: awaUser, guild: { id: GUILD }, name: 'invoice', options: [string('number', '1266')] });
    expect(reply.files.map((f) => sha256(f.bytes))).toEqual([sha256(genuine)]);
    expect(await loggedHashes('1266')).toContainEqual({ reason: 'request', channel: 'discord', files: [sha256(genuine)] });
  });

  it('a download link’s ZIP holds it', async () => {
    const { run } = discordCustomers(discord, peers.smtp, GUILD);
    const { reply } = await run({ user: awaUser, guild: { id: GUILD }, name: 'zip', attachmentSizeLimit: 8_000 });
    const address = /<(http:\/\/127\.0\.0\.1:\d+\/d\/[^>]+)>/.exec(JSON.stringify(reply.body))?.[1];
    expect(address).toBeDefined();
    const zip = await fetch(`${address}/zip`);
    expect(zip.status).toBe(200);
    const entries = await readZipBytes(Buffer.from(await zip.arrayBuffer()));
    expect(sha256(entries.find((entry) => entry.name === 'facture-1266.pdf')!.bytes)).toBe(sha256(genuine));
  });

  it('a staff resend and a reminder carry it; a newer PDF (stamped paid) is sent from then on', async () => {
    const staff = facteur.app.staff;
    await staff.resend('discord:staff', '1266', ['email'], 'fr');
    const resent = await peers.smtp.waitForMessage((m) => /1266/.test(m.parsed.subject ?? '') && m.files.length === 1 && m.parsed.inReplyTo === undefined);
    expect(sha256(resent.files[0]!.content)).toBe(sha256(genuine));
    await facteur.app.push.run(undefined, { remindNow: true, chosen: ['1266'] });
    const reminder = await peers.smtp.waitForMessage((m) => /rappel/i.test(m.parsed.subject ?? '') && m.files.length > 0);
    expect(reminder.files.map((f) => sha256(f.content))).toEqual([sha256(genuine)]);
    expect(await loggedHashes('1266')).toEqual(
      expect.arrayContaining([
        { reason: 'resend', channel: 'email', files: [sha256(genuine)] },
        { reason: 'reminder', channel: 'email', files: [sha256(genuine)] },
      ]),
    );

    await fetch(`${url}/api/v1/invoices/1266/pdf`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/pdf' },
      body: new Uint8Array(paid),
    });
    const asked = await deliver(peers, { from: 'awa@example.cm', subject: 'Facture', body: 'la facture 1266 svp' });
    expect((await replyTo(peers.smtp, asked)).files.map((f) => sha256(f.content))).toEqual([sha256(paid)]);
  });
});

describe('with PDF_SOURCE=billing, no rendering is ever sent', () => {
  it('an answer says which invoices’ PDFs have not come, staff are told the numbers, and a ZIP holds only the billing system’s', async () => {
    const logged = capturedLog();
    const app = await demoApp({ PDF_SOURCE: 'billing' }, logged.log);
    try {
      const awa = (await app.store.customerByAddress('awa@example.cm'))!;
      const ask = (text: string) => app.assistant.handle({ customerId: awa.id, text, conversation: 'test', trust: 'owner' });
      const none = await ask('facture 1273');
      expect(none.outcome).toBe('refused');
      expect(none.attachments).toEqual([]);
      expect(none.text.join(' ')).toMatch(/Le PDF de la facture n° 1273 ne nous est pas encore parvenu/);
      expect(logged.lines).toContainEqual(expect.objectContaining({ event: 'pdf.missing', invoices: ['1273'] }));
      expect(logged.lines).toContainEqual(
        expect.objectContaining({ event: 'staff.notice.nobody', subject: expect.stringMatching(/PDF manquant : facture n° 1273 \(awa@example\.cm\)/) }),
      );
      const { issuedPdf } = await import('../src/import/pdfs.js');
      await app.store.save({ pdfs: [{ pdf: issuedPdf('1266', genuine, new Date().toISOString()), bytes: genuine }] });
      const zip = await ask('zip 1266 1273');
      expect(zip.outcome).toBe('answered');
      expect(zip.text.join(' ')).toMatch(/1273/);
      expect(zip.attachments[0]!.files.map((f) => [f.invoice, f.source])).toEqual([['1266', 'billing']]);
    } finally {
      await app.dispose();
    }
  });
});

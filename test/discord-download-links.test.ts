/**
 * Download links on Discord: the real discord.js client on the local Discord, handed a link
 * maker as `facteur start` hands it one, and the HTTP server that serves the links. A ZIP
 * over the interaction's attachment limit is answered with a link, not split; the answer
 * is in the delivery log; the link gives the ZIP.
 */
import { createHash } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DiscordChannel } from '../src/channels/discord/channel.js';
import { startHttp, type RunningHttp } from '../src/http/server.js';
import { DownloadLinks } from '../src/download-links/links.js';
import { freePort } from './peers/dovecot.js';
import { startDiscordPeer, type CommandOption, type DiscordPeer, type DiscordUser, type RecordedRequest } from './peers/discord.js';
import { startSmtpPeer, type SmtpPeer } from './peers/smtp.js';
import { capturedLog, demoApp } from './support/app.js';
import { isProgress, registerEverywhere } from './support/discord.js';
import { eventually } from './support/mail.js';
import { readZip } from './support/read.js';

const GUILD = '1200000000000000001';
const OPTION = { subcommand: 1, string: 3 } as const;
const awaUser: DiscordUser = { id: '1500000000000000002', username: 'awa.nkolo' };
const LIMIT = 300_000;

let discord: DiscordPeer;
let smtp: SmtpPeer;
let app: Awaited<ReturnType<typeof demoApp>>;
let channel: DiscordChannel;
let http: RunningHttp;
let publicUrl: string;
const logged = capturedLog();

beforeAll(async () => {
  [discord, smtp] = await Promise.all([startDiscordPeer(), startSmtpPeer()]);
  const port = await freePort();
  publicUrl = `http://127.0.0.1:${port}`;
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
  const links = new DownloadLinks('a-link-secret-for-the-discord-test-000', { publicUrl, days: 7 }, 'Africa/Douala', app.log);
  channel = (await app.discordChannel({ downloadLinks: links }))!;
  http = await startHttp(
    { host: '127.0.0.1', port, bodyLimitBytes: 1024 * 1024, apiKeys: [], webhookSecret: null, metricsKey: null, trustProxy: [] },
    {
      store: app.store,
      log: app.log,
      dataDir: app.dataDir,
      importMaxBytes: 1024 * 1024,
      pdfs: { maxBytes: app.config.pdfs.maxBytes, reader: app.pdfReader },
      today: () => app.assistant.today(),
      probes: {},
      downloads: { links, documents: app.documents, catalog: app.catalog, tellStaff: app.tellStaff, limits: { perLink: 3, atOnce: 30, idleMs: 30_000 } },
    },
  );
  await Promise.all([channel.start(), registerEverywhere(app.config.discord!, app.catalog)]);
  await link(awaUser, 'awa@example.cm');
});

afterAll(async () => {
  await http?.close();
  await channel?.stop();
  await app?.dispose();
  await Promise.all([discord?.close(), smtp?.close()]);
});

const string = (name: string, value: string): CommandOption => ({ name, type: OPTION.string, value });
const sub = (name: string, ...options: CommandOption[]): CommandOption => ({ name, type: OPTION.subcommand, options });

async function run(name: string, options: CommandOption[] = [], attachmentSizeLimit?: number): Promise<{ token: string; reply: RecordedRequest }> {
  const sent = discord.command({ user: awaUser, guild: { id: GUILD }, name, options, ...(attachmentSizeLimit ? { attachmentSizeLimit } : {}) });
  const reply = await discord.waitFor(
    (r) => r.method === 'PATCH' && r.path.endsWith(`/${sent.token}/messages/@original`) && r.status === 200 && !isProgress(r),
    20_000,
    `the answer to /${name}`,
  );
  return { token: sent.token, reply };
}

async function link(user: DiscordUser, address: string): Promise<void> {
  const asked = Date.now();
  await run('link', [sub('email', string('address', address))]);
  const mail = await smtp.waitForMessage((m) => m.envelope.to.includes(address) && m.receivedAt >= asked && /liaison|link/i.test(m.parsed.subject ?? ''));
  const code = /(\d{8})/.exec(mail.parsed.text ?? '')![1]!;
  const { reply } = await run('link', [sub('code', string('code', code))]);
  expect(String(reply.body.content)).toContain('est relié au compte client');
}

describe('a ZIP over the interaction’s attachment limit, with a link maker', () => {
  it('is answered with a download link in one message instead of split files, recorded in the delivery log', async () => {
    const { token, reply } = await run('zip', [], LIMIT);
    const content = String(reply.body.content);
    expect(reply.files).toEqual([]);
    expect(content).toMatch(
      /^Voici 24 factures dans le fichier factures-\d+-\d+\.zip\.\n\nfactures-\d+-\d+\.zip \([\d,]+ Mo\) est trop lourd pour être envoyé ici/,
    );
    const url = new RegExp(`<(${publicUrl}/d/[A-Za-z0-9_.-]+)>`).exec(content)![1]!;
    expect(discord.requests.filter((r) => r.method === 'POST' && r.path.endsWith(`/${token}`))).toEqual([]);

    const awa = (await app.store.customerByAddress('awa@example.cm'))!;
    // Marked sent once Discord's answer to the edit is back, a moment after the peer recorded the edit.
    const delivery = await eventually(
      'the delivery sent',
      async () => (await app.store.deliveries({ customerId: awa.id, reason: 'request', status: 'sent' }))[0],
    );
    expect(delivery).toMatchObject({ channel: 'discord', recipient: awaUser.id, status: 'sent', attachPdf: false, messageId: expect.any(String) });
    expect(delivery.links).toEqual([{ id: expect.stringMatching(/^[0-9a-f]{12}$/), expiresAt: expect.any(String), invoices: delivery.invoices }]);
    expect(JSON.stringify(delivery)).not.toContain(url.slice(`${publicUrl}/d/`.length));

    const response = await fetch(`${url}/zip`);
    expect(response.status).toBe(200);
    const dir = await mkdtemp(path.join(tmpdir(), 'facteur-discord-link-'));
    const file = path.join(dir, 'factures.zip');
    await writeFile(file, Buffer.from(await response.arrayBuffer()));
    const mine = await app.store.invoices(awa.id);
    const entries = await readZip(file);
    expect(entries.map((entry) => entry.name).toSorted()).toEqual(mine.map((invoice) => `facture-${invoice.number}.pdf`).toSorted());
    await rm(dir, { recursive: true, force: true });

    // Each PDF the link gave is on record with the message that carried the link, by its bytes, as a file a message carries is.
    for (const entry of entries) {
      const sha256 = createHash('sha256').update(entry.bytes).digest('hex');
      expect((await app.store.deliveries({ file: sha256 })).map((found) => found.id)).toEqual([delivery.id]);
    }
    const recorded = (await app.store.deliveries({ customerId: awa.id, reason: 'request', status: 'sent' }))[0]!;
    expect(recorded.files).toHaveLength(entries.length);
    expect(recorded.files).toContainEqual({
      name: 'facture-1210.pdf',
      sha256: expect.any(String),
      invoice: '1210',
      source: 'rendered',
      zip: expect.stringMatching(/^factures-\d+-\d+\.zip$/),
      link: delivery.links![0]!.id,
    });
  });

  it('leaves a ZIP within the limit attached as before', async () => {
    const { reply } = await run('zip', [string('numbers', '1210 1214')], LIMIT);
    expect(reply.files.map((file) => file.filename)).toEqual(['factures-1210-1214.zip']);
    expect(String(reply.body.content)).not.toContain('/d/');
  });
});

/**
 * Several Facteurs on one PostgreSQL database behave as one: each message of the billing
 * inbox is answered once, whichever instance takes it. Real peers throughout: a private
 * PostgreSQL, Dovecot over IMAP, the SMTP peer.
 */
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import pino from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { newCustomer } from '../src/billing/customer.js';
import type { Invoice } from '../src/billing/types.js';
import { GATEWAY_RETRY_MS } from '../src/channels/discord/gateway.js';
import { sign } from '../src/http/auth.js';
import { PostgresStore } from '../src/store/postgres/store.js';
import { startDiscordPeer } from './peers/discord.js';
import { appendMessage, listMailbox } from './peers/dovecot.js';
import { startPostgres, type Postgres } from './peers/postgres.js';
import { capturedLog, demoApp } from './support/app.js';
import { pdfText } from './support/read.js';
import { runFacteur, spawnFacteur, type Spawned } from './support/cli.js';
import { eventually, letter, mailEnv, replyTo, repliesTo, startFacteur, startMailPeers, type MailPeers, type RunningFacteur } from './support/mail.js';

let postgres: Postgres;
let peers: MailPeers;
const running: RunningFacteur[] = [];
const spawned: Spawned[] = [];

beforeAll(async () => {
  [postgres, peers] = await Promise.all([startPostgres(), startMailPeers()]);
});

// Every test's Facteurs stop with it: they all watch the one mailbox, and one left running
// (on another test's database) would take the next test's mail and answer it from its own records.
afterEach(async () => {
  for (const facteur of running.splice(0)) await facteur.stop().catch(() => {});
  const instances = spawned.splice(0);
  for (const instance of instances) instance.child.kill('SIGKILL');
  await Promise.all(instances.map((instance) => instance.exited));
});

afterAll(async () => {
  await Promise.all([peers?.close(), postgres?.destroy()]);
});

const CUSTOMERS = ['awa@example.cm', 'paul@example.cm', 'contact@ndjock-sarl.cm', 'grace.eyenga@example.cm', 'jp.fotso@example.cm'];

describe('two Facteurs on one database', () => {
  it('answer each of 200 messages appended at once exactly once, and file every one', { timeout: 120_000 }, async () => {
    const url = await postgres.createDatabase();
    // Demo data once, by whichever starts first; a reply budget that 200 messages from five customers stay within.
    const env = { ...mailEnv(peers), DATABASE_URL: url, FACTEUR_DEMO: 'true', MAIL_REPLIES_PER_HOUR: '1000' };
    running.push(...(await Promise.all([startFacteur(env), startFacteur(env)])));
    const sent = Array.from({ length: 200 }, (_, i) =>
      letter({ from: CUSTOMERS[i % CUSTOMERS.length]!, subject: `Demande ${i}`, body: i % 2 ? 'mes factures svp' : 'combien je dois ?' }),
    );
    // Four connections appending side by side: Dovecot allows ten per user and address, and both Facteurs hold some.
    const queue = [...sent];
    await Promise.all(
      Array.from({ length: 4 }, async () => {
        for (let message = queue.shift(); message; message = queue.shift()) await appendMessage(peers.dovecot, message.raw);
      }),
    );

    await eventually('an answer to every message', () => (sent.every((m) => repliesTo(peers.smtp, m.messageId).length > 0) ? true : undefined), 90_000);
    await eventually('every message filed', async () => ((await listMailbox(peers.dovecot, 'Processed')).length === sent.length ? true : undefined), 30_000);
    expect(sent.filter((m) => repliesTo(peers.smtp, m.messageId).length !== 1).map((m) => m.messageId)).toEqual([]);
    expect(await listMailbox(peers.dovecot, 'INBOX')).toEqual([]);
    // Both took their share: the claim, not a lucky ordering, kept them apart.
    const answeredBy = running.map((facteur) => facteur.logs.filter((line) => line.msg === 'mail: answered').length);
    expect(answeredBy.reduce((a, b) => a + b, 0)).toBe(sent.length);
    expect(Math.min(...answeredBy)).toBeGreaterThan(0);
  });

  it('announce 1,000 new invoices once each, though the one pushing is killed midway', { timeout: 120_000 }, async () => {
    const url = await postgres.createDatabase();
    const env = async () => ({
      ...mailEnv(peers),
      DATABASE_URL: url,
      PUSH_CRON: '* * * * * *',
      FACTEUR_DATA_DIR: await mkdtemp(path.join(tmpdir(), 'facteur-instance-')),
    });
    const instances = [spawnFacteur(['start'], await env()), spawnFacteur(['start'], await env())];
    spawned.push(...instances);
    await Promise.all(instances.map((instance) => instance.logged((line) => line.msg === 'IMAP: watching')));

    // The billing system's export arrives while both run, through `facteur import` as an operator runs it.
    const customers = Array.from({ length: 1000 }, (_, i) => `client${i}@push.example.cm`);
    const rows = customers.map((customer, i) => ({
      number: `P${10_000 + i}`,
      customer,
      issuedAt: '2026-11-20',
      dueAt: '2026-12-20',
      currency: 'XAF',
      lines: [{ label: 'Hébergement Essentiel', quantity: 1, unitPrice: 30_000 + i }],
      status: 'unpaid',
    }));
    const file = path.join(await mkdtemp(path.join(tmpdir(), 'facteur-export-')), 'export.json');
    await writeFile(file, JSON.stringify(rows));
    const announcements = () => mailsTo(customers);
    const imported = await runFacteur(['import', file], await env());
    expect(imported.stdout).toMatch(/1000 created/);

    const leader = await Promise.race(instances.map((instance) => instance.logged((line) => line.event === 'push.started').then(() => instance)));
    const survivor = instances.find((instance) => instance !== leader)!;
    await eventually('a first share of the announcements', () => (announcements().length >= 200 ? true : undefined), 60_000);
    leader.child.kill('SIGKILL');
    await leader.exited;
    expect(new Set(announcements().map((m) => m.envelope.to[0])).size).toBeLessThan(customers.length);

    // The survivor's next scheduled push takes the lock the dead one held and sends what was left pending.
    await eventually('every customer told', () => (new Set(announcements().map((m) => m.envelope.to[0])).size === customers.length ? true : undefined), 90_000);
    const messageIds = new Map(customers.map((customer) => [customer, new Set<string | undefined>()]));
    for (const mail of announcements()) messageIds.get(mail.envelope.to[0]!)!.add(mail.parsed.messageId);
    // A message the server took just before the kill goes again with its Message-ID: one distinct message each.
    expect(customers.filter((customer) => messageIds.get(customer)!.size !== 1)).toEqual([]);
    // Its run's summary is logged once its last send is done, which may be just after the last mail arrived.
    await survivor.logged((line) => line.event === 'push' && Number(line.attempted) > 0, 30_000);
    const store = await PostgresStore.open(url, pino({ level: 'silent' }));
    try {
      expect((await store.deliveries({ reason: 'push' })).filter((delivery) => delivery.status !== 'sent')).toEqual([]);
      expect(await store.unannouncedInvoices()).toEqual([]);
    } finally {
      await store.close();
    }
  });
});

describe('a push whose database connection is lost midway', () => {
  it('stops sending, and the next run, on another Facteur, sends the rest: each customer told once', { timeout: 60_000 }, async () => {
    const url = await postgres.createDatabase();
    const env = { SMTP_HOST: peers.smtp.host, SMTP_PORT: String(peers.smtp.port), SMTP_TLS: 'false', DATABASE_URL: url, FACTEUR_DEMO: 'false' };
    const logged = capturedLog();
    const [first, second] = [await demoApp(env, logged.log), await demoApp(env)];
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    try {
      const customers = Array.from({ length: 300 }, (_, i) => ({
        ...newCustomer(`client${i}@lost.example.cm`, `Client ${i}`),
        notifications: { address: `client${i}@lost.example.cm`, attachPdf: false, chat: false },
      }));
      const invoices = customers.map((customer, i): Invoice => ({
        number: `L${i}`,
        customerId: customer.id,
        issuedAt: '2026-11-20',
        dueAt: '2026-12-20',
        currency: 'XAF',
        lines: [{ label: 'Hébergement', quantity: 1, unitPrice: 10_000 }],
        taxes: [],
        status: 'unpaid',
        paidAt: null,
      }));
      await first.store.save({ customers, invoices });
      let cut: Promise<unknown> | undefined;
      // What a server restart does to the session holding the push's lock, done to that session alone.
      const summary = await first.push.run(
        (done) =>
          void (
            done >= 40 &&
            (cut ??= admin.query(
              "select pg_terminate_backend(pid) from pg_locks where locktype = 'advisory' and granted and database = (select oid from pg_database where datname = current_database())",
            ))
          ),
      );
      await cut;
      expect(summary!.attempted).toBeLessThan(customers.length);
      expect(logged.lines.some((line) => line.event === 'push.lost')).toBe(true);
      const rest = await second.push.run();
      expect(summary!.attempted + rest!.attempted).toBe(customers.length);
      const told = new Map(customers.map((customer) => [customer.email, 0]));
      for (const mail of peers.smtp.messages) for (const to of mail.envelope.to) if (told.has(to)) told.set(to, told.get(to)! + 1);
      expect([...told].filter(([, count]) => count !== 1)).toEqual([]);
    } finally {
      await admin.end();
      await Promise.all([first.dispose(), second.dispose()]);
    }
  });
});

/**
 * Two `facteur start` on one database with Discord configured, once one holds the gateway and
 * the other knows it is held elsewhere; `env` makes the settings of a third (a CLI command).
 */
async function twoWithDiscord() {
  const discord = await startDiscordPeer();
  const url = await postgres.createDatabase();
  const env = async () => ({
    DATABASE_URL: url,
    FACTEUR_DEMO: 'true',
    DISCORD_TOKEN: 'test.bot.token',
    DISCORD_APP_ID: discord.appId,
    DISCORD_API_URL: discord.apiUrl,
    FACTEUR_DATA_DIR: await mkdtemp(path.join(tmpdir(), 'facteur-instance-')),
  });
  const instances = [spawnFacteur(['start'], await env()), spawnFacteur(['start'], await env())];
  spawned.push(...instances);
  const holder = await Promise.race(instances.map((instance) => instance.logged((line) => line.event === 'discord.gateway.held').then(() => instance)));
  const other = instances.find((instance) => instance !== holder)!;
  await other.logged((line) => line.event === 'discord.gateway.elsewhere');
  return { discord, url, env, instances, holder, other };
}

describe('two Facteurs with Discord configured', () => {
  it('hold one gateway session between them; the other takes over within seconds of a kill -9; DMs go out without it', { timeout: 90_000 }, async () => {
    const { discord, url, env, instances, holder, other } = await twoWithDiscord();
    try {
      // Discord would send every message to each session: one session, so one answer.
      expect(discord.gateway).toMatchObject({ identifies: 1, open: 1 });
      const passant = { id: '1500000000000000009', username: 'passant' };
      const answered = async (text: string) => {
        const { channelId } = discord.dm(passant, text);
        const before = discord.requests.length;
        return discord.waitFor(
          (r) => discord.requests.indexOf(r) >= before && r.method === 'POST' && r.path === `/channels/${channelId}/messages`,
          15_000,
          `an answer to “${text}”`,
        );
      };
      expect((await answered('mes factures')).body.content).toMatch(/facteur|lier|link/i);

      holder.child.kill('SIGKILL');
      await holder.exited;
      const killed = Date.now();
      await other.logged((line) => line.event === 'discord.gateway.held', 15_000);
      await discord.ready();
      expect(Date.now() - killed).toBeLessThan(GATEWAY_RETRY_MS + 5_000);
      expect(discord.gateway).toMatchObject({ identifies: 2, open: 1 });
      expect((await answered('combien je dois ?')).body.content).toMatch(/facteur|lier|link/i);

      // A process that never holds the gateway (the staff's resend) still sends direct messages.
      const store = await PostgresStore.open(url, pino({ level: 'silent' }));
      try {
        const awa = (await store.customerByAddress('awa@example.cm'))!;
        await store.updateCustomer(awa.id, (c) => ({ ...c, links: { ...c.links, discord: ['1500000000000000002'] } }));
      } finally {
        await store.close();
      }
      const resent = await runFacteur(['resend', '1210', '--channel', 'discord'], await env());
      expect(resent.code).toBe(0);
      const dm = await discord.waitFor(
        (r) => r.method === 'POST' && r.path === `/channels/${discord.dmChannelOf('1500000000000000002')}/messages`,
        15_000,
        'the resend by DM',
      );
      expect(dm.files.map((f) => f.filename)).toEqual([expect.stringMatching(/1210.*\.pdf$/)]);
      expect(discord.gateway).toMatchObject({ identifies: 2, open: 1 });

      // The database restarted: the lock went with its connection, so the holder leaves the gateway, then takes it again.
      await postgres.stop('immediate');
      await postgres.start();
      await other.logged((line) => line.event === 'discord.gateway.lost', 15_000);
      await eventually(
        'the gateway held again',
        () => (other.logs.filter((line) => line.event === 'discord.gateway.held').length === 2 ? true : undefined),
        20_000,
      );
      await discord.ready();
      expect(discord.gateway).toMatchObject({ identifies: 3, open: 1 });
      expect((await answered('facture 1210')).body.content).toMatch(/facteur|lier|link/i);
    } finally {
      for (const instance of instances) instance.child.kill('SIGKILL');
      await Promise.all(instances.map((instance) => instance.exited));
      await discord.close();
    }
  });
});

describe('two Facteurs with Discord configured, a list’s choice', () => {
  it('made on the holder of the gateway is read by the one that takes over: it lives on the message, not in a process', { timeout: 90_000 }, async () => {
    const { discord, url, instances, holder, other } = await twoWithDiscord();
    try {
      const awaUser = { id: '1500000000000000002', username: 'awa.nkolo' };
      const store = await PostgresStore.open(url, pino({ level: 'silent' }));
      try {
        const awa = (await store.customerByAddress('awa@example.cm'))!;
        await store.updateCustomer(awa.id, (c) => ({ ...c, links: { ...c.links, discord: [awaUser.id] } }));
      } finally {
        await store.close();
      }

      const before = discord.requests.length;
      const { channelId } = discord.dm(awaUser, 'mes factures de 2019');
      const posted = await discord.waitFor(
        (r) => discord.requests.indexOf(r) >= before && r.method === 'POST' && r.path === `/channels/${channelId}/messages`,
        15_000,
        'the list',
      );
      const list = discord.message(posted.response.id);
      const picked = discord.select({ user: awaUser, customId: list.components[0].components[0].custom_id, values: ['1214'], message: list });
      expect((await discord.callback(picked, 15_000)).body.type).toBe(7); // the holder marked it chosen on the message

      holder.child.kill('SIGKILL');
      await holder.exited;
      await other.logged((line) => line.event === 'discord.gateway.held', 15_000);
      await discord.ready();

      const message = discord.message(list.id);
      const press = discord.click({ user: awaUser, customId: message.components[1].components[0].custom_id, message });
      const answer = await discord.waitFor(
        (r) => r.method === 'PATCH' && r.path.endsWith(`/${press.token}/messages/@original`) && r.status === 200,
        20_000,
        'the PDF of the invoice chosen',
      );
      expect(answer.files.map((f) => f.filename)).toEqual(['facture-1214.pdf']);
      expect(await pdfText(answer.files[0]!.bytes)).toContain('Facture n° 1214');
    } finally {
      for (const instance of instances) instance.child.kill('SIGKILL');
      await Promise.all(instances.map((instance) => instance.exited));
      await discord.close();
    }
  });
});

describe('PostgreSQL restarted under a running Facteur', () => {
  it('answers mail appended after the server came back', { timeout: 60_000 }, async () => {
    const url = await postgres.createDatabase();
    const facteur = await startFacteur({ ...mailEnv(peers), DATABASE_URL: url, FACTEUR_DEMO: 'true' });
    running.push(facteur);
    const before = letter({ from: 'awa@example.cm', subject: 'Avant', body: 'mes factures svp' });
    await appendMessage(peers.dovecot, before.raw);
    await replyTo(peers.smtp, before.messageId);
    await postgres.stop('immediate');
    await postgres.start();
    const after = letter({ from: 'awa@example.cm', subject: 'Après', body: 'combien je dois ?' });
    await appendMessage(peers.dovecot, after.raw);
    const reply = await replyTo(peers.smtp, after.messageId, 40_000);
    expect(reply.envelope.to).toEqual(['awa@example.cm']);
  });
});

describe('PostgreSQL down under a running Facteur', () => {
  it('leaves a message that came meanwhile waiting, counts no attempt against it, and answers it once the server is back', { timeout: 60_000 }, async () => {
    const url = await postgres.createDatabase();
    const facteur = await startFacteur({ ...mailEnv(peers), DATABASE_URL: url, FACTEUR_DEMO: 'true' });
    running.push(facteur);
    await eventually('the mailbox watched', () => facteur.logs.find((line) => line.msg === 'IMAP: watching'));
    await postgres.stop('fast');
    const asked = letter({ from: 'paul@example.cm', subject: 'Pendant la panne', body: 'combien je dois ?' });
    try {
      await appendMessage(peers.dovecot, asked.raw);
      const waits = () => facteur.logs.filter((line) => String(line.msg).startsWith('mail: the machine cannot answer now'));
      await eventually('two rounds without the database', () => (waits().length >= 2 ? true : undefined));
    } finally {
      await postgres.start();
    }
    const reply = await replyTo(peers.smtp, asked.messageId, 20_000);
    expect(reply.envelope.to).toEqual(['paul@example.cm']);
    const store = await PostgresStore.open(url, pino({ level: 'silent' }));
    try {
      expect(await store.inboundMessage('', { messageId: asked.messageId, sender: 'paul@example.cm' })).toMatchObject({
        status: 'replied',
        attempts: 1,
        sent: 1,
      });
    } finally {
      await store.close();
    }
  });
});

describe('two Facteurs on one database, signed webhooks', () => {
  it(
    'take a signature once whichever receives it, order events by their signed time, and take a request the database was down for when it is sent again',
    { timeout: 90_000 },
    async () => {
      const secret = 'whsec-shared-by-both-instances-0123456789';
      const key = 'k3y-for-support-on-both-instances-0123456789';
      const url = await postgres.createDatabase();
      const env = async () => ({
        DATABASE_URL: url,
        FACTEUR_DEMO: 'true',
        FACTEUR_WEBHOOK_SECRET: secret,
        FACTEUR_API_KEYS: key,
        FACTEUR_DATA_DIR: await mkdtemp(path.join(tmpdir(), 'facteur-instance-')),
      });
      const instances = [spawnFacteur(['start'], await env()), spawnFacteur(['start'], await env())];
      spawned.push(...instances);
      const [a, b] = (await Promise.all(
        instances.map(async (instance) => String((await instance.logged((line) => line.event === 'http.listening', 30_000)).url)),
      )) as [string, string];
      const post = (base: string, body: string, header: string) =>
        fetch(`${base}/api/v1/invoices`, { method: 'POST', headers: { 'content-type': 'application/json', 'facteur-signature': header }, body });
      const invoice = (number: string, changes: Record<string, unknown> = {}) =>
        JSON.stringify({
          number,
          customer: 'webhook.client@example.cm',
          issuedAt: '2026-11-20',
          dueAt: '2026-12-20',
          currency: 'XAF',
          lines: [{ label: 'Hébergement', quantity: 1, unitPrice: 15_000 }],
          status: 'unpaid',
          ...changes,
        });
      const statusOf = async (base: string, number: string) =>
        (await (await fetch(`${base}/api/v1/invoices/${number}`, { headers: { authorization: `Bearer ${key}` } })).json()).invoice?.status;
      const now = Math.floor(Date.now() / 1000);

      const unpaid = invoice('RP-1');
      const first = sign(secret, unpaid, now - 60);
      expect((await post(a, unpaid, first)).status).toBe(200);
      expect((await post(b, unpaid, first)).status).toBe(401);
      const paid = invoice('RP-1', { status: 'paid', paidAt: '2026-11-25' });
      expect((await (await post(b, paid, sign(secret, paid, now - 20))).json()).updated).toBe(1);
      expect((await (await post(a, unpaid, sign(secret, unpaid, now - 40))).json()).outdated).toBe(1);
      expect(await statusOf(a, 'RP-1')).toBe('paid');
      expect(await statusOf(b, 'RP-1')).toBe('paid');

      // The store down: the request is answered 503, and its signature is still good for the billing system's retry, once.
      const fresh = invoice('RP-2');
      const retried = sign(secret, fresh, now);
      await postgres.stop('fast');
      try {
        const down = await post(a, fresh, retried);
        expect(down.status).toBe(503);
        expect(down.headers.get('retry-after')).toBe('30');
      } finally {
        await postgres.start();
      }
      const again = await eventually('the retry taken once the database is back', async () => {
        const response = await post(a, fresh, retried);
        return response.status === 503 ? undefined : response;
      });
      expect((await again.json()).invoices).toEqual([{ index: 0, number: 'RP-2', outcome: 'created' }]);
      expect((await post(b, fresh, retried)).status).toBe(401);
    },
  );
});

/** The mails the SMTP peer took for these customers. */
function mailsTo(customers: string[]) {
  const wanted = new Set(customers);
  return peers.smtp.messages.filter((mail) => mail.envelope.to.some((to) => wanted.has(to)));
}

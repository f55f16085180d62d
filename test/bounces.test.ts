import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHttp, type RunningHttp } from '../src/http/server.js';
import { importInvoices } from '../src/import/import.js';
import { Verp, VERP_DAYS } from '../src/outbound/verp.js';
import type { Delivery } from '../src/billing/delivery.js';
import { startDiscordPeer, type DiscordPeer } from './peers/discord.js';
import { appendMessage, startDovecot, type Dovecot } from './peers/dovecot.js';
import { startPostfix, type Postfix } from './peers/postfix.js';
import { startSmtpPeer, type ReceivedMail, type SmtpPeer } from './peers/smtp.js';
import { runFacteur } from './support/cli.js';
import { readMessage } from './support/discord.js';
import { eventually, letter, replyTo, startFacteur, type RunningFacteur } from './support/mail.js';
import { DAY_MS } from '../src/time.js';

/**
 * Bounces read back, with programs nobody here wrote: Facteur sends through a private Postfix,
 * which relays other domains to the test's SMTP server and bounces what it cannot deliver with a
 * real DSN to the delivery's VERP address, into the Maildir Dovecot serves and Facteur watches.
 * Forged reports — every way an attacker could write one — change nothing.
 */
const STAFF_CHANNEL = '1600000000000000001';
const awaUser = { id: '1500000000000000001', username: 'awa.nkolo' };
const DEAD = 'awa.nkolo@billing.test'; // unknown to Postfix: accepted, then bounced 5.1.1
const FULL = 'jp@full.test'; // routed to retry:4.2.2: each mail refused for now, and bounced as it may not wait (queue lifetime 0)
const GONE_CONTACT = 'compta@gone.test'; // routed to error:5.1.1

let sink: SmtpPeer;
let postfix: Postfix;
let dovecot: Dovecot;
let discord: DiscordPeer;
let facteur: RunningFacteur;
let http: RunningHttp;
const API_KEY = 'bounces-test-key-0123456789abcdef';

const app = () => facteur.app;
const idOf = async (email: string) => (await app().store.customerByAddress(email))!.id;

beforeAll(async () => {
  [sink, discord] = await Promise.all([startSmtpPeer(), startDiscordPeer()]);
  postfix = await startPostfix({ sinkPort: sink.port, transports: { 'full.test': 'retry:4.2.2 Mailbox full', 'gone.test': 'error:5.1.1 No such user here' } });
  dovecot = await startDovecot({ users: [{ user: postfix.mailbox, password: 'secret' }], mailDir: postfix.mailDir });
  facteur = await startFacteur({
    FACTEUR_API_KEYS: API_KEY,
    IMAP_HOST: dovecot.host,
    IMAP_PORT: String(dovecot.port),
    IMAP_USER: dovecot.user,
    IMAP_PASSWORD: dovecot.password,
    IMAP_TLS: 'false',
    SMTP_HOST: postfix.host,
    SMTP_PORT: String(postfix.port),
    SMTP_TLS: 'false',
    MAIL_FROM: 'Facturation <facturation@billing.test>',
    MAIL_RETURN_PATH: 'bounces@billing.test',
    MAIL_SOFT_BOUNCES: '2',
    FACTEUR_STAFF_EMAILS: 'support@hebergeur.example',
    DISCORD_TOKEN: 'test.bot.token',
    DISCORD_APP_ID: discord.appId,
    DISCORD_API_URL: discord.apiUrl,
    DISCORD_STAFF_CHANNEL_ID: STAFF_CHANNEL,
    DELIVERY_MAX_ATTEMPTS: '1',
  });
  const { store, log, config } = app();
  http = await startHttp(config.http!, {
    store,
    log,
    dataDir: facteur.dataDir,
    importMaxBytes: config.importMaxBytes,
    pdfs: { maxBytes: config.pdfs.maxBytes, reader: app().pdfReader },
    today: () => app().assistant.today(),
    probes: { store: async () => ({ up: true, detail: 'open' }) },
    downloads: null,
  });
  // Awa's notification address is one Postfix bounces; her Discord account is linked.
  await app().store.updateCustomer(await idOf('awa@example.cm'), (c) => ({
    ...c,
    notifications: { ...c.notifications, address: DEAD },
    links: { discord: [awaUser.id] },
  }));
  await app().store.updateCustomer(await idOf('jp.fotso@example.cm'), (c) => ({ ...c, notifications: { ...c.notifications, address: FULL } }));
});

afterAll(async () => {
  await http?.close();
  await facteur?.stop();
  await dovecot?.destroy();
  await postfix?.destroy();
  await Promise.all([sink?.close(), discord?.close()]);
});

let invoiceNumber = 9100;
/** A new invoice for the customer, imported as the billing system would, then the push's run: resolves with the mail it made. */
async function pushTo(email: string): Promise<Delivery> {
  const number = String(invoiceNumber++);
  const file = path.join(facteur.dataDir, `export-${number}.json`);
  await writeFile(
    file,
    JSON.stringify([
      {
        number,
        customer: email,
        issuedAt: '2026-11-20',
        dueAt: '2026-12-20',
        currency: 'XAF',
        lines: [{ label: 'Hébergement Pro', quantity: 1, unitPrice: 15_000 }],
        status: 'unpaid',
      },
    ]),
  );
  expect((await importInvoices(app().store, file)).rejected).toEqual([]);
  await app().push.run();
  const mails = (await app().store.deliveries({ invoice: number })).filter((d) => d.channel === 'email');
  expect(mails).toHaveLength(1);
  return mails[0]!;
}

const deliveryNow = async (id: string) => (await app().store.delivery(id))!;
const staffMails = () => sink.messages.filter((m) => m.envelope.to.includes('support@hebergeur.example'));
const staffPosts = () => discord.requests.filter((r) => r.method === 'POST' && r.path === `/channels/${STAFF_CHANNEL}/messages`);
const dmsTo = (userId: string) => discord.requests.filter((r) => r.method === 'POST' && r.path === `/channels/${discord.dmChannelOf(userId)}/messages`);
/** What /metrics says of bounces of this kind, as Prometheus would scrape it. */
async function counted(kind: string): Promise<number> {
  const text = await (await fetch(`${http.url}/metrics`)).text();
  return Number(new RegExp(`^facteur_bounces_total\\{kind="${kind}"\\} (\\d+)`, 'm').exec(text)?.[1] ?? 0);
}

/** A report as a mail system writes one, appended to the billing mailbox (where a report to the return path lands). */
function report(options: { to: string; type?: 'delivery-status' | 'feedback-report'; fields: string; returned?: string; from?: string }): string {
  const boundary = `b-${randomUUID()}`;
  const type = options.type ?? 'delivery-status';
  const part = type === 'delivery-status' ? 'message/delivery-status' : 'message/feedback-report';
  return [
    `From: ${options.from ?? 'Mail Delivery System <MAILER-DAEMON@mx.example.cm>'}`,
    `To: ${options.to}`,
    'Subject: Undelivered Mail Returned to Sender',
    `Date: ${new Date().toUTCString()}`,
    `Message-ID: <${randomUUID()}@mx.example.cm>`,
    'Auto-Submitted: auto-replied',
    'MIME-Version: 1.0',
    `Content-Type: multipart/report; report-type=${type}; boundary="${boundary}"`,
    '',
    `--${boundary}`,
    'Content-Type: text/plain; charset=utf-8',
    '',
    'Your message could not be delivered.',
    '',
    `--${boundary}`,
    `Content-Type: ${part}`,
    '',
    options.fields,
    '',
    ...(options.returned ? [`--${boundary}`, 'Content-Type: message/rfc822', '', options.returned, ''] : []),
    `--${boundary}--`,
    '',
  ].join('\r\n');
}

const dsnFields = (recipient: string, action = 'failed', status = '5.1.1') =>
  `Reporting-MTA: dns; mx.example.cm\r\n\r\nFinal-Recipient: rfc822; ${recipient}\r\nAction: ${action}\r\nStatus: ${status}\r\nDiagnostic-Code: smtp; 550 ${status} User unknown`;
const returnedMail = (messageId: string, to: string) =>
  `From: Facturation <facturation@billing.test>\r\nTo: ${to}\r\nSubject: Nouvelle facture\r\nMessage-ID: ${messageId}\r\n\r\nBonjour`;

/** What the sink received of a delivery: its copy to `address`, with the envelope sender Facteur gave it. */
const copyOf = (delivery: Delivery, address: string): Promise<ReceivedMail> =>
  sink.waitForMessage((m) => m.parsed.messageId === delivery.messageId && m.envelope.to.includes(address), 15_000);

/** Appends the report and waits until Facteur has filed it (its inbound record closed). */
async function delivered(raw: string): Promise<string> {
  const messageId = /^Message-ID: (.+)$/m.exec(raw)![1]!.trim();
  await appendMessage(dovecot, raw);
  const record = await eventually(`the report ${messageId} handled`, async () => {
    const found = await app().store.inboundMessage('', { messageId, sender: /^From: .*<([^>]+)>/m.exec(raw)![1]!.toLowerCase() });
    return found && found.status !== 'claimed' ? found : undefined;
  });
  return record.reason ?? '';
}

describe('a push to an address Postfix bounces', { timeout: 120_000 }, () => {
  let push: Delivery;

  it('ends bounced with the diagnostic, the address suppressed, staff and the customer told, within a minute', async () => {
    push = await pushTo('awa@example.cm');
    expect(push).toMatchObject({ recipient: DEAD, status: 'sent', verp: true });
    const bounced = await eventually(
      'the push bounced',
      async () => ((await deliveryNow(push.id)).status === 'bounced' ? deliveryNow(push.id) : undefined),
      60_000,
    );
    expect(bounced.lastError).toMatch(/^5\.1\.1 .*unknown user/);
    expect(bounced.bounces).toEqual([expect.objectContaining({ address: DEAD, kind: 'hard', status: '5.1.1' })]);
    expect(await app().store.suppression(DEAD)).toMatchObject({
      customerId: await idOf('awa@example.cm'),
      kind: 'bounce',
      status: '5.1.1',
      deliveryId: push.id,
    });
    const staff = await sink.waitForMessage(
      (m) => m.envelope.to.includes('support@hebergeur.example') && /Adresse en échec/.test(m.parsed.subject ?? ''),
      30_000,
    );
    expect(staff.parsed.subject).toBe(`Adresse en échec : ${DEAD} (awa@example.cm)`);
    expect(staff.parsed.text).toMatch(/Awa Nkolo \(awa@example\.cm\).*sont refusés.*5\.1\.1/s);
    const posted = await discord.waitFor((r) => r.method === 'POST' && r.path === `/channels/${STAFF_CHANNEL}/messages`, 30_000);
    expect(readMessage(posted.body)).toContain(DEAD);
    const dm = await discord.waitFor((r) => r.method === 'POST' && r.path === `/channels/${discord.dmChannelOf(awaUser.id)}/messages`, 30_000);
    expect(readMessage(dm.body)).toMatch(new RegExp(`Vos factures n'arrivent plus à ${DEAD.replace('.', '\\.')}.*/notifications address`, 's'));
    // Her login address still works: she is told there too.
    const told = await sink.waitForMessage((m) => m.envelope.to.includes('awa@example.cm') && /n'arrivent plus/.test(m.parsed.subject ?? ''), 30_000);
    expect(told.parsed.text).toContain('notifications adresse');
    expect(await counted('hard')).toBe(1);
  });

  it('is seen where deliveries are: facteur deliveries --bounced and --failed, the API, the notifications tab', async () => {
    for (const flag of ['--bounced', '--failed']) {
      const listed = await runFacteur(['deliveries', flag], { FACTEUR_DATA_DIR: facteur.dataDir, FACTEUR_DEMO: 'true' });
      expect(listed.code).toBe(0);
      expect(listed.stdout).toMatch(new RegExp(`${push.id.slice(0, 8)}.*${DEAD.replace('.', '\\.')}.*bounced.*5\\.1\\.1`));
    }
    const api = await fetch(`${http.url}/api/v1/deliveries?status=bounced`, { headers: { authorization: `Bearer ${API_KEY}` } });
    expect((await api.json()).deliveries).toEqual([
      expect.objectContaining({
        id: push.id,
        status: 'bounced',
        recipient: DEAD,
        lastError: expect.stringMatching(/^5\.1\.1 /),
        bounces: [expect.objectContaining({ kind: 'hard', status: '5.1.1' })],
      }),
    ]);
    expect((await fetch(`${http.url}/readyz`)).status).toBe(200);
    // What /staff log and /staff failed show on Discord.
    for (const shown of [await app().staff.customerLog('discord:42', 'awa@example.cm', 'fr'), await app().staff.failed('discord:42', 'fr')]) {
      expect(shown.table!.rows).toContainEqual(expect.arrayContaining([DEAD, 'revenu en erreur', expect.stringMatching(/^5\.1\.1 /)]));
    }
    const tab = await app().assistant.handle({ customerId: await idOf('awa@example.cm'), text: 'notifications', conversation: 'test:awa', trust: 'owner' });
    expect(tab.text.join('\n')).toMatch(new RegExp(`Les mails vers ${DEAD.replace('.', '\\.')} nous reviennent en erreur .*notifications adresse`));
  });

  it('holds back the next push to that address, and says why in the log', async () => {
    const before = sink.messages.length;
    const next = await pushTo('awa@example.cm');
    expect(next).toMatchObject({ status: 'failed', recipient: DEAD });
    expect(next.lastError).toMatch(/^not sent: mail to awa\.nkolo@billing\.test \(bounced 5\.1\.1 .*\) is held back; .*facteur suppressions --lift/);
    // The DM opt-in is off: nothing else went; and Postfix was never asked.
    expect((await postfix.log()).match(/to=<awa\.nkolo@billing\.test>/g)).toHaveLength(1);
    expect(sink.messages.length).toBe(before);
  });

  it('tells staff and the customer once, however often the report comes back (a DSN bomb)', async () => {
    const real = await fetchFiled((source) => source.includes(push.messageId!) && source.includes('message/delivery-status'));
    const [mails, posts, dms] = [staffMails().length, staffPosts().length, dmsTo(awaUser.id).length];
    for (let copy = 0; copy < 30; copy++) {
      const again = real.replace(/^Message-Id: .*$/im, `Message-ID: <bomb-${copy}-${randomUUID()}@billing.test>`);
      if (copy < 29) await appendMessage(dovecot, again);
      else expect(await delivered(again)).toMatch(/^delivery report: hard bounce of awa\.nkolo@billing\.test/);
    }
    await eventually('every copy handled', async () => ((await counted('hard')) >= 31 ? true : undefined));
    expect([staffMails().length, staffPosts().length, dmsTo(awaUser.id).length]).toEqual([mails, posts, dms]);
    expect((await deliveryNow(push.id)).bounces).toHaveLength(1);
  });
});

/** The source of a message Facteur filed in Processed, the first whose text matches. */
async function fetchFiled(match: (source: string) => boolean): Promise<string> {
  const { ImapFlow } = await import('imapflow');
  const client = new ImapFlow({ host: dovecot.host, port: dovecot.port, secure: false, auth: { user: dovecot.user, pass: dovecot.password }, logger: false });
  await client.connect();
  try {
    await client.mailboxOpen('Processed');
    for (const message of await client.fetchAll('1:*', { source: true })) {
      const source = message.source!.toString('utf8');
      if (match(source)) return source;
    }
    throw new Error('no such message in Processed');
  } finally {
    await client.logout();
  }
}

describe('forged reports change nothing', { timeout: 120_000 }, () => {
  let paul: Delivery;
  let grace: Delivery;
  let paulToken: string;

  beforeAll(async () => {
    paul = await pushTo('paul@example.cm');
    grace = await pushTo('grace.eyenga@example.cm');
    paulToken = /^bounces\+([a-z2-7]+)@billing\.test$/.exec((await copyOf(paul, 'paul@example.cm')).envelope.from)![1]!;
    await copyOf(grace, 'grace.eyenga@example.cm');
  });

  const untouched = async () => {
    expect(await deliveryNow(paul.id)).toMatchObject({ status: 'sent' });
    expect((await deliveryNow(paul.id)).bounces).toBeUndefined();
    expect(await app().store.suppression('paul@example.cm')).toBeUndefined();
    expect((await deliveryNow(grace.id)).status).toBe('sent');
    expect(await app().store.suppression('grace.eyenga@example.cm')).toBeUndefined();
  };

  it.each([
    [
      'a DSN naming a real Message-ID, without a token',
      () => report({ to: 'bounces@billing.test', fields: dsnFields('paul@example.cm'), returned: returnedMail(paul.messageId!, 'paul@example.cm') }),
      /no token, for a mail that left with one/,
    ],
    [
      'a DSN with a made-up token',
      () =>
        report({
          to: `bounces+${'a'.repeat(45)}@billing.test`,
          fields: dsnFields('paul@example.cm'),
          returned: returnedMail(paul.messageId!, 'paul@example.cm'),
        }),
      /a token naming no mail Facteur sent/,
    ],
    [
      'a DSN with a token for Paul\u2019s delivery but another address',
      () => report({ to: `bounces+${tokenFor(paul.id, 'grace.eyenga@example.cm')}@billing.test`, fields: dsnFields('grace.eyenga@example.cm') }),
      /a forged token/,
    ],
    [
      'a feedback report naming a real Message-ID, without a token',
      () =>
        report({
          to: 'abuse-reports@billing.test',
          type: 'feedback-report',
          fields: 'Feedback-Type: abuse\r\nUser-Agent: FBL/1.0\r\nVersion: 1\r\nOriginal-Rcpt-To: paul@example.cm',
          returned: returnedMail(paul.messageId!, 'paul@example.cm'),
        }),
      /no token, for a mail that left with one/,
    ],
    [
      'a DSN for a delivery Facteur never made',
      () =>
        report({
          to: 'bounces@billing.test',
          fields: dsnFields('paul@example.cm'),
          returned: returnedMail(`<${randomUUID()}@billing.test>`, 'paul@example.cm'),
        }),
      /names no mail Facteur sent/,
    ],
    [
      'a DSN with an expired token',
      () =>
        report({
          to: `bounces+${tokenFor(paul.id, 'paul@example.cm', VERP_DAYS + 1)}@billing.test`,
          fields: dsnFields('paul@example.cm'),
          returned: returnedMail(paul.messageId!, 'paul@example.cm'),
        }),
      /an expired token/,
    ],
    [
      'a bounce for another customer\u2019s delivery, with Paul\u2019s own token',
      () =>
        report({
          to: `bounces+${paulToken}@billing.test`,
          fields: dsnFields('grace.eyenga@example.cm'),
          returned: returnedMail(grace.messageId!, 'grace.eyenga@example.cm'),
        }),
      /its token and the Message-ID it returns name different mails/,
    ],
    [
      'a DSN bomb: 5,000 recipients and a forged token',
      () =>
        report({
          to: `bounces+${'b'.repeat(45)}@billing.test`,
          fields: `Reporting-MTA: dns; mx.example.cm\r\n\r\n${Array.from({ length: 5000 }, (_, i) => `Final-Recipient: rfc822; user${i}@example.cm\r\nAction: failed\r\nStatus: 5.1.1`).join('\r\n\r\n')}`,
        }),
      /a token naming no mail Facteur sent/,
    ],
  ])('%s', async (_what, raw, why) => {
    const unmatched = await counted('unmatched');
    const [mails, posts] = [staffMails().length, staffPosts().length];
    expect(await delivered(raw())).toMatch(why);
    await untouched();
    expect(await counted('unmatched')).toBe(unmatched + 1);
    expect([staffMails().length, staffPosts().length]).toEqual([mails, posts]);
  });
});

/** A token as Facteur would have made it, `daysAgo` days ago: the secret is the data folder's, as an attacker who stole it would have it. */
function tokenFor(deliveryId: string, recipient: string, daysAgo = 0): string {
  return /\+([a-z2-7]+)@/.exec(
    new Verp(secretOf(), 'bounces@billing.test', () => new Date(Date.now() - daysAgo * DAY_MS)).envelopeSender(deliveryId, recipient),
  )![1]!;
}
let secret: string | undefined;
function secretOf(): string {
  return (secret ??= readFileSync(path.join(facteur.dataDir, 'link-secret'), 'utf8').trim());
}

describe('soft bounces, complaints and contacts', { timeout: 120_000 }, () => {
  it('notes a temporary refusal, and suppresses the address after MAIL_SOFT_BOUNCES in a row', async () => {
    const first = await pushTo('jp.fotso@example.cm');
    const one = await eventually('the first soft bounce', async () => ((await deliveryNow(first.id)).bounces ? deliveryNow(first.id) : undefined), 60_000);
    expect(one).toMatchObject({ status: 'bounced', bounces: [expect.objectContaining({ kind: 'soft', status: '4.2.2' })] });
    expect(await app().store.suppression(FULL)).toBeUndefined();
    const second = await pushTo('jp.fotso@example.cm');
    await eventually('the second soft bounce', async () => ((await deliveryNow(second.id)).bounces ? true : undefined), 60_000);
    expect(await eventually('the address suppressed', () => app().store.suppression(FULL))).toMatchObject({ kind: 'softBounces', status: '4.2.2' });
  });

  it('notes a delay warning on a mail still on its way, which stays sent and suppresses nothing', async () => {
    const mail = await pushTo('paul@example.cm');
    const token = /^bounces\+([a-z2-7]+)@/.exec((await copyOf(mail, 'paul@example.cm')).envelope.from)![1]!;
    const warning = report({
      to: `bounces+${token}@billing.test`,
      fields: dsnFields('paul@example.cm', 'delayed', '4.4.1'),
      returned: returnedMail(mail.messageId!, 'paul@example.cm'),
    });
    expect(await delivered(warning)).toMatch(/^delivery report: soft bounce of paul@example\.cm/);
    expect(await deliveryNow(mail.id)).toMatchObject({ status: 'sent', bounces: [expect.objectContaining({ kind: 'soft', status: '4.4.1' })] });
    expect(await app().store.suppression('paul@example.cm')).toBeUndefined();
  });

  it('suppresses a contact in copy that bounces, and leaves it out of the next mail, the customer still served', async () => {
    await app().store.updateCustomer(await idOf('grace.eyenga@example.cm'), (c) => ({
      ...c,
      contacts: [{ address: GONE_CONTACT, mayAsk: false, addedAt: new Date().toISOString() }],
    }));
    const first = await pushTo('grace.eyenga@example.cm');
    await copyOf(first, 'grace.eyenga@example.cm');
    expect(await eventually('the contact suppressed', () => app().store.suppression(GONE_CONTACT), 60_000)).toMatchObject({ kind: 'bounce', status: '5.1.1' });
    expect(await deliveryNow(first.id)).toMatchObject({ status: 'sent', bounces: [expect.objectContaining({ address: GONE_CONTACT, kind: 'hard' })] });
    const next = await pushTo('grace.eyenga@example.cm');
    expect(await deliveryNow(next.id)).toMatchObject({ status: 'sent', withheld: [GONE_CONTACT] });
    expect((await copyOf(next, 'grace.eyenga@example.cm')).envelope.to).toEqual(['grace.eyenga@example.cm']);
    const tab = await app().assistant.handle({
      customerId: await idOf('grace.eyenga@example.cm'),
      text: 'notifications',
      conversation: 'test:grace',
      trust: 'owner',
    });
    expect(tab.text.join('\n')).toContain(`Mail to the contact ${GONE_CONTACT} has been coming back`);
  });

  it('suppresses on a complaint from the receiver, and lifts it when the address answers a mail sent to it since', async () => {
    const mail = await pushTo('contact@ndjock-sarl.cm');
    const token = /^bounces\+([a-z2-7]+)@/.exec((await copyOf(mail, 'contact@ndjock-sarl.cm')).envelope.from)![1]!;
    const fields = `Feedback-Type: abuse\r\nUser-Agent: ExampleFBL/1.0\r\nVersion: 1\r\nOriginal-Mail-From: <bounces+${token}@billing.test>\r\nOriginal-Rcpt-To: <contact@ndjock-sarl.cm>`;
    const reason = await delivered(
      report({
        to: 'fbl@billing.test',
        from: 'Feedback Loop <fbl@mx.example.cm>',
        type: 'feedback-report',
        fields,
        returned: returnedMail(mail.messageId!, 'contact@ndjock-sarl.cm'),
      }),
    );
    expect(reason).toMatch(/complaint of contact@ndjock-sarl\.cm .*address suppressed/);
    expect(await app().store.suppression('contact@ndjock-sarl.cm')).toMatchObject({ kind: 'complaint', status: 'abuse' });
    expect(await counted('complaint')).toBe(1);
    // The customer writes from it: the answer goes (they are there, waiting for it), and the address stays suppressed ...
    const asked = letter({ from: 'contact@ndjock-sarl.cm', subject: 'Facture', body: `Bonjour, la facture ${mail.invoices[0]} svp` });
    await appendMessage(dovecot, asked.raw);
    const answer = await replyTo(sink, asked.messageId, 30_000);
    expect(answer.files.map((f) => f.filename)).toEqual([`facture-${mail.invoices[0]}.pdf`]);
    expect(await app().store.suppression('contact@ndjock-sarl.cm')).toBeDefined();
    // ... until they reply to what reached them there: then it works, and mail goes to it again.
    const thanks = letter({
      from: 'contact@ndjock-sarl.cm',
      subject: `Re: ${answer.parsed.subject}`,
      body: 'Merci, bien reçu.',
      headers: { 'In-Reply-To': answer.parsed.messageId!, References: answer.parsed.messageId! },
    });
    await appendMessage(dovecot, thanks.raw);
    await eventually('the suppression lifted', async () => ((await app().store.suppression('contact@ndjock-sarl.cm')) ? undefined : true), 30_000);
    const next = await pushTo('contact@ndjock-sarl.cm');
    expect(await deliveryNow(next.id)).toMatchObject({ status: 'sent' });
  });

  it('sends a code to a new address whatever the old one does, and mail follows the change', async () => {
    const awa = await idOf('awa@example.cm');
    await app().assistant.handle({ customerId: awa, text: 'notifications adresse awa@nkolo.example', conversation: 'test:awa', trust: 'owner' });
    const code = /\b(\d{6})\b/.exec((await sink.waitForMessage((m) => m.envelope.to.includes('awa@nkolo.example'), 15_000)).parsed.subject ?? '')![1]!;
    await app().assistant.handle({ customerId: awa, text: `confirmer ${code}`, conversation: 'test:awa', trust: 'owner', sender: 'awa@nkolo.example' });
    const next = await pushTo('awa@example.cm');
    expect(next).toMatchObject({ recipient: 'awa@nkolo.example', status: 'sent' });
    await copyOf(next, 'awa@nkolo.example');
    // The old address stays suppressed: it is the address that is dead.
    expect(await app().store.suppression(DEAD)).toBeDefined();
  });
});

describe('an address that bounced, receiving again', { timeout: 120_000 }, () => {
  it('is no longer suppressed once the code mailed to it comes back', async () => {
    const paul = await idOf('paul@example.cm');
    // It bounced once (a full mailbox since emptied, say): staff see it suppressed.
    await app().store.updateSuppression('paul.compta@example.cm', () => ({
      suppression: {
        address: 'paul.compta@example.cm',
        customerId: paul,
        kind: 'bounce',
        status: '5.2.2',
        diagnostic: 'mailbox full',
        deliveryId: randomUUID(),
        since: new Date().toISOString(),
      },
      result: null,
    }));
    await app().assistant.handle({ customerId: paul, text: 'notifications adresse paul.compta@example.cm', conversation: 'test:paul', trust: 'owner' });
    const code = /\b(\d{6})\b/.exec((await sink.waitForMessage((m) => m.envelope.to.includes('paul.compta@example.cm'), 15_000)).parsed.subject ?? '')![1]!;
    await app().assistant.handle({ customerId: paul, text: `confirmer ${code}`, conversation: 'test:paul', trust: 'owner', sender: 'paul.compta@example.cm' });
    expect(await app().store.suppression('paul.compta@example.cm')).toBeUndefined();
    expect((await pushTo('paul@example.cm')).status).toBe('sent');
  });
});

describe('staff', () => {
  it('list the suppressed addresses and lift one with facteur suppressions, while Facteur runs', async () => {
    const env = { FACTEUR_DATA_DIR: facteur.dataDir, FACTEUR_DEMO: 'true' };
    const listed = await runFacteur(['suppressions'], env);
    expect(listed).toMatchObject({ code: 0, stderr: '' });
    expect(listed.stdout).toMatch(new RegExp(`${DEAD.replace('.', '\\.')} +awa@example\\.cm .* bounce +5\\.1\\.1 +unknown user`));
    expect(listed.stdout).toMatch(/jp@full\.test +jp\.fotso@example\.cm .* softBounces +4\.2\.2/);
    const api = await fetch(`${http.url}/api/v1/suppressions`, { headers: { authorization: `Bearer ${API_KEY}` } });
    expect((await api.json()).suppressions).toContainEqual(expect.objectContaining({ address: FULL, kind: 'softBounces' }));
    // The running Facteur holds the data folder: the lift goes through it.
    const lifted = await runFacteur(['suppressions', '--lift', 'JP@full.test'], env);
    expect(lifted).toMatchObject({ code: 0 });
    expect(lifted.stdout).toContain('Lifted: mail goes to jp@full.test again');
    expect(await app().store.suppression(FULL)).toBeUndefined();
    expect(facteur.logs).toContainEqual(expect.objectContaining({ event: 'suppression.lifted', address: FULL, by: 'api' }));
    expect((await runFacteur(['suppressions', '--lift', 'jp@full.test'], env)).code).toBe(1);
    expect((await runFacteur(['suppressions'], env)).stdout).not.toContain('jp@full.test');
  });
});

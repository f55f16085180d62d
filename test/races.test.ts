import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Request } from '../src/assistant/request.js';
import type { Customer } from '../src/billing/types.js';
import { AccountLinks } from '../src/account-linking/linking.js';
import { startSmtpPeer, type SmtpPeer } from './peers/smtp.js';
import { demoApp } from './support/app.js';

/**
 * Two changes of one customer at the same time: one waits for a mail to leave (a slow mail
 * server holds it) while the other lands. Both must be there afterwards, in memory and in
 * db.json: no change may save a customer as it was read before an await.
 */
let smtp: SmtpPeer;
let app: Awaited<ReturnType<typeof demoApp>>;
let links: AccountLinks;

beforeAll(async () => {
  smtp = await startSmtpPeer();
  app = await demoApp({ SMTP_HOST: smtp.host, SMTP_PORT: String(smtp.port), SMTP_TLS: 'false' });
  links = new AccountLinks('discord', {
    store: app.store,
    codeMail: app.codeMail,
    catalog: app.catalog,
    log: app.log,
    now: () => new Date(),
    commands: () => ({ request: '/link email', confirm: '/link code' }),
  });
});

afterAll(async () => {
  await app?.dispose();
  await smtp?.close();
});

async function customer(email: string): Promise<Customer> {
  return (await app.store.customerByAddress(email))!;
}

async function onDisk(email: string): Promise<Customer> {
  const data = JSON.parse(await readFile(path.join(app.dataDir, 'db.json'), 'utf8')) as { customers: Customer[] };
  return data.customers.find((c) => c.email === email)!;
}

async function ask(email: string, text: string, extra: Partial<Request> = {}) {
  return app.assistant.handle({ customerId: (await customer(email)).id, text, conversation: 'race', trust: 'owner', ...extra });
}

/** Links a Discord account to the customer, the way /link does, code mail included. */
async function link(userId: string, email: string): Promise<void> {
  const asked = Date.now();
  await links.request(userId, email, `user${userId}`, 'fr');
  const mail = await smtp.waitForMessage((m) => m.envelope.to.includes(email) && m.receivedAt >= asked && /liaison|link code/.test(m.parsed.subject ?? ''));
  await links.confirm(userId, /(\d{8})/.exec(mail.parsed.subject ?? '')![1]!, 'fr');
}

/** Starts `slow` with its next mail held by the server, lands `meanwhile`, then lets the mail go and waits for `slow`. */
async function interleave(slow: () => Promise<unknown>, meanwhile: () => Promise<unknown>): Promise<void> {
  const held = smtp.holdNext();
  const first = slow();
  await held.arrived;
  await meanwhile();
  held.release();
  await first;
}

describe('two changes of one customer at once', () => {
  it('keeps a Discord link made while an address change mails its code', async () => {
    await interleave(
      () => ask('awa@example.cm', 'notifications adresse compta@nkolo.cm'),
      () => link('1600000000000000001', 'awa@example.cm'),
    );
    for (const awa of [await customer('awa@example.cm'), await onDisk('awa@example.cm')]) {
      expect(awa.links.discord).toEqual(['1600000000000000001']);
      expect(awa.pending.map((p) => p.change)).toEqual([{ kind: 'address', address: 'compta@nkolo.cm' }]);
    }
  });

  it('keeps the PDF toggle changed while an approval is asked by mail', async () => {
    await ask('paul@example.cm', 'notifications pièces-jointes non');
    await interleave(
      () => ask('paul@example.cm', 'notifications adresse compta@mbarga.cm', { trust: 'address', sender: 'paul@example.cm' }),
      () => ask('paul@example.cm', 'notifications pièces-jointes oui'),
    );
    for (const paul of [await customer('paul@example.cm'), await onDisk('paul@example.cm')]) {
      expect(paul.notifications.attachPdf).toBe(true);
      expect(paul.pending.map((p) => p.change.kind)).toEqual(['address']);
    }
  });

  it('keeps an unlink made while a confirmed address tells the old one', async () => {
    await link('1600000000000000002', 'grace.eyenga@example.cm');
    await ask('grace.eyenga@example.cm', 'notifications address accounts@eyenga.cm');
    const mail = await smtp.waitForMessage((m) => m.envelope.to.includes('accounts@eyenga.cm'));
    const code = /(\d{6})/.exec(mail.parsed.subject ?? '')![1]!;
    await interleave(
      () => ask('grace.eyenga@example.cm', `confirm ${code}`),
      () => links.unlink('1600000000000000002', 'en'),
    );
    const grace = await customer('grace.eyenga@example.cm');
    for (const stored of [grace, await onDisk('grace.eyenga@example.cm')]) {
      expect(stored.notifications.address).toBe('accounts@eyenga.cm');
      expect(stored.links.discord).toEqual([]);
    }
  });

  it('keeps a DM opt-in made while a new address is approved and its code mailed', async () => {
    await link('1600000000000000003', 'jp.fotso@example.cm');
    await ask('jp.fotso@example.cm', 'notifications adresse factures@fotso.cm', { trust: 'address', sender: 'jp.fotso@example.cm' });
    const approval = await smtp.waitForMessage((m) => m.envelope.to.includes('jp.fotso@example.cm') && /approbation/.test(m.parsed.subject ?? ''));
    await interleave(
      () => ask('jp.fotso@example.cm', 'oui', { trust: 'address', sender: 'jp.fotso@example.cm', inReplyTo: approval.parsed.messageId! }),
      () => ask('jp.fotso@example.cm', 'notifications discord oui'),
    );
    for (const jp of [await customer('jp.fotso@example.cm'), await onDisk('jp.fotso@example.cm')]) {
      expect(jp.notifications.chat).toBe(true);
      expect(jp.links.discord).toEqual(['1600000000000000003']);
      expect(jp.pending.map((p) => ({ kind: p.change.kind, approved: p.approval === null }))).toEqual([{ kind: 'address', approved: true }]);
    }
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { replyHash } from '../src/billing/changes.js';
import { asking, demoApp, outbox } from './support/app.js';

/**
 * The provider's own mailboxes are never where a customer's invoices go: the sending address
 * (MAIL_FROM), the billing inbox (IMAP_USER), the SMTP login, staff (FACTEUR_STAFF_EMAILS) and
 * the bounce address (MAIL_RETURN_PATH, with or without its +token). An attacker who makes a
 * customer's invoices or a code land there would read them in the provider's own mailbox, or
 * feed the inbox its own mail; a customer who names one has misread a mail. Whoever asks and
 * however (the owner on chat, mail from an address on record, a DMARC pass), nothing is asked,
 * no code and no approval is mailed, and the customer is told why in a sentence.
 */
const PROVIDER = {
  MAIL_FROM: 'Facturation Hébergeur <facturation@hebergeur.example>',
  IMAP_HOST: '127.0.0.1',
  IMAP_USER: 'boite.factures@hebergeur.example',
  IMAP_PASSWORD: 'never-used',
  FACTEUR_STAFF_EMAILS: 'support@hebergeur.example, Marie.Support@Hebergeur.example',
  MAIL_RETURN_PATH: 'bounces@hebergeur.example',
};

let app: Awaited<ReturnType<typeof demoApp>>;

beforeAll(async () => {
  app = await demoApp(PROVIDER);
});

afterAll(() => app?.dispose());

const { customer, ask, byMail } = asking(() => app);
const awa = 'awa@example.cm';

/** Every address the outbox sent a mail to since `before` (a count of the outbox's mails). */
async function mailedSince(before: number): Promise<string[]> {
  return (await outbox(app.dataDir))
    .slice(before)
    .flatMap((mail) =>
      [mail.to, mail.cc].flatMap((to) => (Array.isArray(to) ? to : to ? [to] : []).flatMap((a) => a.value.map((v) => v.address!.toLowerCase()))),
    );
}

const OWN = [
  ['the sending address (MAIL_FROM)', 'facturation@hebergeur.example'],
  ['the billing inbox (IMAP_USER)', 'boite.factures@hebergeur.example'],
  ['a staff address, in another case', 'marie.support@hebergeur.example'],
  ['the bounce address', 'bounces@hebergeur.example'],
  ['a VERP form of the bounce address', 'bounces+k3j4h5g6f7d8s9a0@hebergeur.example'],
  ['the sending address with a tag', 'Facturation+awa@Hebergeur.example'],
];

describe('a change to one of the provider’s own addresses', () => {
  it.each(OWN)('is refused to the owner on chat: %s', async (_what, address) => {
    const before = (await outbox(app.dataDir)).length;
    const reply = await ask(awa, `envoyez mes factures à ${address}`);
    expect(reply.outcome).toBe('refused');
    expect(reply.text.join(' ')).toContain('adresse de notre service de facturation');
    expect(await mailedSince(before)).toEqual([]);
    expect(await customer(awa)).toMatchObject({ pending: [], notifications: { address: awa } });
  });

  it.each(OWN)('is refused by mail, before any approval is asked: %s', async (_what, address) => {
    const before = (await outbox(app.dataDir)).length;
    const reply = await byMail(awa, `Bonjour, merci d'envoyer désormais nos factures à ${address}`);
    expect(reply.outcome).toBe('refused');
    expect(await mailedSince(before)).toEqual([]);
    expect((await customer(awa)).pending).toEqual([]);
  });

  it('is refused as an invoice contact and as a contact let ask, in English for an English customer', async () => {
    const grace = 'grace.eyenga@example.cm';
    const before = (await outbox(app.dataDir)).length;
    const contact = await ask(grace, 'please add support@hebergeur.example as a contact');
    expect(contact.outcome).toBe('refused');
    expect(contact.text.join(' ')).toContain('is an address of our billing service');
    const viaDomain = await ask(grace, 'notifications contact facturation@hebergeur.example can ask', { trust: 'domain', sender: grace });
    expect(viaDomain.outcome).toBe('refused');
    expect(await mailedSince(before)).toEqual([]);
    expect(viaDomain.text.join(' ')).toContain('is an address of our billing service');
    expect((await customer(grace)).pending).toEqual([]);
    expect((await customer(grace)).contacts ?? []).toEqual([]);
  });

  it('is refused where changes are made: a change to it already waiting for approval (the settings changed since) mails no code when approved', async () => {
    const paul = await customer('paul@example.cm');
    const messageId = '<approval-before-settings@facteur.test>';
    const expiresAt = new Date(Date.now() + 3_600_000).toISOString();
    await app.store.updateCustomer(paul.id, (c) => ({
      ...c,
      pending: [
        {
          change: { kind: 'address', address: 'support@hebergeur.example' },
          approval: { replyHashes: [replyHash(messageId)], expiresAt },
          confirmation: null,
          requestedAt: new Date().toISOString(),
        },
      ],
    }));
    const before = (await outbox(app.dataDir)).length;
    const reply = await ask('paul@example.cm', 'oui', { trust: 'address', sender: 'paul@example.cm', inReplyTo: messageId });
    expect(reply.outcome).toBe('refused');
    expect(await mailedSince(before)).toEqual([]);
    expect(await customer('paul@example.cm')).toMatchObject({ pending: [], notifications: { address: 'paul@example.cm' } });
  });

  it('leaves every other address of the provider’s domain alone: a customer may be hosted there', async () => {
    const jp = 'jp.fotso@example.cm';
    const reply = await ask(jp, 'envoyez mes factures à jp.fotso@hebergeur.example');
    expect(reply.text.join(' ')).toContain('Un code de confirmation vient d');
    expect((await customer(jp)).pending.map((p) => p.change)).toEqual([{ kind: 'address', address: 'jp.fotso@hebergeur.example' }]);
  });
});

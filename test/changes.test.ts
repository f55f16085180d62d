import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Reply } from '../src/assistant/reply.js';
import { asking, demoApp, mailedTo as mailedToIn, outbox } from './support/app.js';

/**
 * Account changes as the assistant makes them, whoever the channel says is asking. Mail
 * from an address on record is `trust: 'address'`: it proves nothing by itself. Mails go
 * to the local outbox, read back as a mail client would.
 */
let app: Awaited<ReturnType<typeof demoApp>>;

beforeAll(async () => {
  app = await demoApp();
});

afterAll(() => app.dispose());

const { customer, ask, byMail } = asking(() => app);

/** The mails `action` sends to `address`. */
const mailedTo = (address: string, action: () => Promise<unknown>) => mailedToIn(app.dataDir, address, action);

describe('a change asked by mail that passed DMARC (trust: domain)', () => {
  const jp = 'jp.fotso@example.cm';
  const contact = 'ancien@fotso.example';

  // The contact on record before each request may ask or not, so that each request changes something.
  it.each([
    ['a new notification address', 'notifications adresse factures@fotso.example', false, 'waits'],
    ['a new invoice contact', 'notifications ajouter compta@fotso.example', false, 'waits'],
    ['a contact let ask', `notifications contact ${contact} peut demander`, false, 'waits'],
    ['a contact no longer let ask', `notifications contact ${contact} ne peut plus demander`, true, 'made'],
    ['a contact removed', `notifications retirer ${contact}`, false, 'made'],
    ['the PDF toggle', 'notifications pièces-jointes non', false, 'made'],
  ])('%s (%s)', async (_what, text, mayAsk, expected) => {
    const { id } = await customer(jp);
    await app.store.updateCustomer(id, (c) => ({
      ...c,
      pending: [],
      contacts: [{ address: contact, mayAsk, addedAt: new Date().toISOString() }],
      notifications: { ...c.notifications, attachPdf: true },
    }));
    const before = await customer(jp);
    const reply = await ask(jp, text, { trust: 'domain', sender: jp });
    const after = await customer(jp);
    if (expected === 'waits') {
      expect(reply.text[0]).toContain('doit être approuvée depuis votre adresse');
      expect({ ...after, pending: [] }).toEqual({ ...before, pending: [] });
    } else {
      expect(reply.text[0]).not.toContain('approuvée');
      expect(after).not.toEqual(before);
    }
  });
});

describe('a change asked by mail', () => {
  it('asks every address on record to approve it, whatever address it came from, and a reply to either approves', async () => {
    const grace = 'grace.eyenga@example.cm';
    const [code] = await mailedTo('accounts@eyenga.example', () => ask(grace, 'notifications address accounts@eyenga.example'));
    await ask(grace, `confirm ${/\d{6}/.exec(code!.subject ?? '')![0]}`, { sender: 'accounts@eyenga.example' });
    expect((await customer(grace)).notifications.address).toBe('accounts@eyenga.example');

    let asked: Reply | undefined;
    const toLogin = await mailedTo(grace, async () => (asked = await byMail(grace, 'notifications attachments off', { sender: 'accounts@eyenga.example' })));
    expect(asked!.text[0]).toContain('grace.eyenga@example.cm, accounts@eyenga.example');
    expect(toLogin).toHaveLength(1);
    expect(toLogin[0]!.text).toContain('that your new invoices arrive without a PDF attached');
    expect((await customer(grace)).notifications.attachPdf).toBe(true);

    const done = await byMail(grace, 'yes', { replying: toLogin[0]! });
    expect(done.text[0]).toContain('without a PDF attached');
    expect(await customer(grace)).toMatchObject({ notifications: { attachPdf: false }, pending: [] });
  });

  it('takes no approval from an address not on record, nor from a reply to another mail', async () => {
    const paul = 'paul@example.cm';
    const [approval] = await mailedTo(paul, () => byMail(paul, 'notifications pièces-jointes non'));
    const fromElsewhere = await ask(paul, 'oui', { trust: 'address', sender: 'intrus@x.test', inReplyTo: approval!.messageId! });
    expect(fromElsewhere.outcome).toBe('not-understood');
    const otherMail = await byMail(paul, 'confirmer');
    expect(otherMail.text[0]).toContain('répondez « oui » au message que nous avons envoyé');
    expect((await customer(paul)).notifications.attachPdf).toBe(true);
    const no = await byMail(paul, 'non merci', { replying: approval! });
    expect(no.text[0]).toContain('abandonnée');
    expect((await customer(paul)).pending).toEqual([]);
    const late = await byMail(paul, 'oui', { replying: approval! });
    expect(late.outcome).toBe('not-understood');
    expect((await customer(paul)).notifications.attachPdf).toBe(true);
  });

  it('makes nothing when it would change nothing, and asks nothing for it', async () => {
    const paul = 'paul@example.cm';
    const mails = await mailedTo(paul, () => byMail(paul, 'notifications pièces-jointes oui'));
    expect(mails).toEqual([]);
    expect((await customer(paul)).pending).toEqual([]);
  });

  it('keeps each kind of change apart: one approval makes its own change only', async () => {
    const paul = 'paul@example.cm';
    const [attachments] = await mailedTo(paul, () => byMail(paul, 'notifications pièces-jointes non'));
    const [address] = await mailedTo(paul, () => byMail(paul, 'notifications adresse compta@mbarga.example'));
    expect((await customer(paul)).pending.map((p) => p.change.kind).sort()).toEqual(['address', 'attachments']);
    await byMail(paul, 'oui', { replying: attachments! });
    expect(await customer(paul)).toMatchObject({ notifications: { attachPdf: false, address: 'paul@example.cm' } });
    expect((await customer(paul)).pending.map((p) => p.change.kind)).toEqual(['address']);
    const toNew = await mailedTo('compta@mbarga.example', () => byMail(paul, 'confirmer', { replying: address! }));
    expect(toNew).toHaveLength(1);
  });

  it('drops a new address after five wrong codes, and its right code then confirms nothing', async () => {
    const jp = 'jp.fotso@example.cm';
    const [mail] = await mailedTo('factures@fotso.example', () => ask(jp, 'notifications adresse factures@fotso.example'));
    const code = /\d{6}/.exec(mail!.subject ?? '')![0];
    const wrong = code === '000000' ? '000001' : '000000';
    const replies: Reply[] = [];
    for (let i = 0; i < 5; i++) replies.push(await ask(jp, `confirmer ${wrong}`));
    expect(replies.map((reply) => reply.text[0])).toEqual([
      ...['4 essais', '3 essais', '2 essais', '1 essai'].map((left) => `Ce code ne correspond pas. Il vous reste ${left}.`),
      expect.stringContaining('a expiré ou a été essayé trop de fois'),
    ]);
    const late = await ask(jp, `confirmer ${code}`);
    expect(late.text[0]).toContain("Aucune modification n'attend de code");
    expect((await customer(jp)).notifications.address).toBe(jp);
  });

  it('takes no code for an account after ten wrong ones in a day, whoever gives them', async () => {
    const jp = 'jp.fotso@example.cm';
    const [mail] = await mailedTo('compta@fotso.example', () => ask(jp, 'notifications adresse compta@fotso.example'));
    const code = /\d{6}/.exec(mail!.subject ?? '')![0];
    for (let i = 0; i < 4; i++) await ask(jp, `confirmer ${code === '000000' ? '000001' : '000000'}`);
    await ask(jp, `confirmer ${code === '000000' ? '000001' : '000000'}`, { trust: 'owner', sender: 'compta@fotso.example' });
    expect((await customer(jp)).codeFailures).toHaveLength(10);
    const [next] = await mailedTo('compta2@fotso.example', () => ask(jp, 'notifications adresse compta2@fotso.example'));
    const locked = await ask(jp, `confirmer ${/\d{6}/.exec(next!.subject ?? '')![0]}`);
    expect(locked.text[0]).toContain("aucun code n'est accepté pendant 24 heures");
    expect((await customer(jp)).notifications.address).toBe(jp);
  });

  it('refuses a second request of a kind by mail while one waits, so that no forger can swap theirs in', async () => {
    const ndjock = 'contact@ndjock-sarl.cm';
    const [first] = await mailedTo(ndjock, () => byMail(ndjock, 'notifications adresse comptable@ndjock.example'));
    const second = await byMail(ndjock, 'notifications adresse pirate@x.test');
    expect(second.text[0]).toContain('Une demande attend déjà sur ce compte');
    expect(second.text[0]).toContain('comptable@ndjock.example');
    const toNew = await mailedTo('comptable@ndjock.example', () => byMail(ndjock, 'oui', { replying: first! }));
    expect(toNew).toHaveLength(1);
    expect((await outbox(app.dataDir)).filter((mail) => JSON.stringify(mail.to).includes('pirate@x.test'))).toEqual([]);
  });

  it('sends codes to new addresses a few times a day at most for one account', async () => {
    const grace = 'grace.eyenga@example.cm';
    const replies: Reply[] = [];
    for (let i = 0; i < 6; i++) replies.push(await ask(grace, `notifications address spam${i}@third.example`));
    // One code already went to a new address for Grâce today, in the first test.
    expect(replies.map((reply) => reply.outcome)).toEqual(['answered', 'answered', 'answered', 'answered', 'refused', 'refused']);
    expect(replies[4]!.text[0]).toContain('Try again tomorrow');
  });
});

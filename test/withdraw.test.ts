import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asking, demoApp, mailedTo as mailedToIn, outbox } from './support/app.js';

/**
 * A change the customer asked and takes back before it is made (« oubliez ma demande de
 * changement d'adresse », "forget the address change I asked for, keep the current one"): the
 * waiting change is dropped, its code no longer confirms anything, and nothing more goes to
 * the address it named. Withdrawing sends nothing anywhere new, so mail from an address on
 * record may do it at once; words the customer did not write (a reply's Subject) may not.
 */
let app: Awaited<ReturnType<typeof demoApp>>;

beforeAll(async () => {
  app = await demoApp();
});

afterAll(() => app?.dispose());

const { customer, ask, byMail } = asking(() => app);
const mailedTo = (address: string, action: () => Promise<unknown>) => mailedToIn(app.dataDir, address, action);
const code = (subject: string | undefined) => /\d{6}/.exec(subject ?? '')![0];

describe('withdrawing a change, as the owner on chat', () => {
  it.each(
    (
      [
        ["Oubliez le changement d'adresse que j'ai demandé, gardez l'actuelle.", 'fr'],
        ["oubliez ma demande de changement d'adresse", 'fr'],
        ['annulez le changement', 'fr'],
        ["finalement gardez l'adresse actuelle", 'fr'],
        ['Forget the address change I asked for, keep the current one.', 'en'],
        ['never mind the new address, cancel that request', 'en'],
      ] as const
    ).map(([text, locale], i) => [text, locale, `nouvelle${i}@fotso.example`] as const),
  )('« %s » drops the new address waiting for its code, which then confirms nothing', async (text, locale, address) => {
    const jp = 'jp.fotso@example.cm';
    await app.store.updateCustomer((await customer(jp)).id, (c) => ({ ...c, codesMailed: [] }));
    const [mail] = await mailedTo(address, () => ask(jp, `notifications adresse ${address}`));
    const withdrawn = await mailedTo(address, async () => {
      const reply = await ask(jp, text);
      expect(reply.locale).toBe(locale);
      expect(reply.text.join(' ')).toContain(locale === 'fr' ? "C'est annulé" : 'Cancelled');
      expect(reply.text.join(' ')).toContain(locale === 'fr' ? `Rien ne sera envoyé à ${address}` : `Nothing will be sent to ${address}`);
    });
    expect(withdrawn).toEqual([]);
    expect((await customer(jp)).pending).toEqual([]);
    const late = await ask(jp, `confirmer ${code(mail!.subject)}`, { sender: address });
    expect(late.text[0]).toContain("Aucune modification n'attend de code");
    expect((await customer(jp)).notifications.address).toBe(jp);
  });

  it('names what it withdraws: a contact waiting, and says so when nothing waits', async () => {
    const jp = 'jp.fotso@example.cm';
    await app.store.updateCustomer((await customer(jp)).id, (c) => ({ ...c, codesMailed: [] }));
    await ask(jp, 'notifications ajouter dg@fotso.example');
    const reply = await ask(jp, 'oubliez le contact que je vous ai demandé d’ajouter');
    expect(reply.text.join(' ')).toContain('dg@fotso.example');
    expect((await customer(jp)).pending).toEqual([]);
    const nothing = await ask(jp, 'annulez ma demande de changement');
    expect(nothing.text.join(' ')).toContain("Aucune demande de modification n'attendait");
  });

  it('is no withdrawal when the words do not take a change back', async () => {
    const jp = 'jp.fotso@example.cm';
    await ask(jp, 'notifications adresse autre@fotso.example');
    for (const text of ['mes factures annulées', "n'annulez pas le changement d'adresse", 'keep sending me the PDF', 'annulez la facture 1210'])
      await ask(jp, text);
    expect((await customer(jp)).pending.map((p) => p.change)).toEqual([{ kind: 'address', address: 'autre@fotso.example' }]);
    await ask(jp, 'annulez le changement');
  });
});

describe('withdrawing a change, by mail', () => {
  it('from an address on record, drops a change waiting for the owner’s approval at once, and its approval then approves nothing', async () => {
    const paul = 'paul@example.cm';
    const [approval] = await mailedTo(paul, () => byMail(paul, 'notifications adresse compta@mbarga.example'));
    expect((await customer(paul)).pending).toHaveLength(1);
    const before = (await outbox(app.dataDir)).length;
    const reply = await byMail(paul, "Bonjour, finalement oubliez ma demande de changement d'adresse, nous gardons l'actuelle. Merci");
    expect(reply.text.join(' ')).toContain("C'est annulé");
    expect((await customer(paul)).pending).toEqual([]);
    const late = await byMail(paul, 'oui', { replying: approval! });
    expect(late.text.join(' ')).not.toContain('compta@mbarga.example');
    expect((await outbox(app.dataDir)).slice(before).map((mail) => JSON.stringify(mail.to))).not.toContain('compta@mbarga.example');
    expect((await customer(paul)).notifications.address).toBe(paul);
  });

  it('not in a reply’s Subject, which the customer did not write', async () => {
    const paul = 'paul@example.cm';
    await byMail(paul, 'notifications pièces-jointes non');
    const reply = await ask(paul, 'annulez le changement', { trust: 'address', sender: paul, words: 'quoted' });
    expect(reply.outcome).toBe('refused');
    expect((await customer(paul)).pending.map((p) => p.change.kind)).toEqual(['attachments']);
  });

  it('not from an invoice contact, which is never the owner', async () => {
    const ndjock = 'contact@ndjock-sarl.cm';
    const id = (await customer(ndjock)).id;
    await app.store.updateCustomer(id, (c) => ({ ...c, contacts: [{ address: 'compta@ndjock.example', mayAsk: true, addedAt: new Date().toISOString() }] }));
    await byMail(ndjock, 'notifications pièces-jointes non');
    const reply = await ask(ndjock, 'annulez le changement', { trust: 'address', sender: 'compta@ndjock.example' });
    expect(reply.outcome).toBe('refused');
    expect((await customer(ndjock)).pending.map((p) => p.change.kind)).toEqual(['attachments']);
  });
});

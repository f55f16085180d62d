import type { ParsedMail } from 'mailparser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Reply } from '../src/assistant/reply.js';
import { asking, demoApp, mailedTo as mailedToIn } from './support/app.js';

/**
 * Invoice contacts as the assistant adds, lists and removes them. A contact is a new
 * address that will receive invoices: it goes through the proofs of a new notification
 * address (the owner approves, the contact confirms), and it is never the owner.
 * Mails go to the local outbox, read back as a mail client would.
 */
let app: Awaited<ReturnType<typeof demoApp>>;

beforeAll(async () => {
  app = await demoApp();
});

afterAll(() => app.dispose());

const { customer, ask, byMail } = asking(() => app);

/** The mails `action` sends to `address`. */
const mailedTo = (address: string, action: () => Promise<unknown>) => mailedToIn(app.dataDir, address, action);

const codeIn = (mail: ParsedMail | undefined) => /\d{6}/.exec(mail!.subject ?? '')![0];

describe('an invoice contact', () => {
  it('asked by mail gets nothing until the owner approves, and is added only once its own code comes back from it', async () => {
    const paul = 'paul@example.cm';
    let asked: Reply | undefined;
    const toContact = await mailedTo('compta@mbarga.example', async () => {
      const toOwner = await mailedTo(paul, async () => (asked = await byMail(paul, 'notifications ajouter Compta@Mbarga.example')));
      expect(asked!.text[0]).toContain('paul@example.cm');
      expect(toOwner).toHaveLength(1);
      expect(toOwner[0]!.text).toContain('compta@mbarga.example');
      expect((await customer(paul)).contacts ?? []).toEqual([]);
      // The would-be contact cannot approve it, even knowing the approval mail's Message-ID.
      expect((await byMail(paul, 'oui', { sender: 'compta@mbarga.example', replying: toOwner[0]! })).outcome).not.toBe('answered');
      expect((await customer(paul)).pending[0]!.approval).not.toBeNull();
      const approved = await byMail(paul, 'oui', { replying: toOwner[0]! });
      expect(approved.text[0]).toContain('compta@mbarga.example');
    });
    expect(toContact).toHaveLength(1);
    const code = codeIn(toContact[0]);
    // The code counts only from the contact's address.
    const forged = await byMail(paul, `confirmer ${code}`, { sender: 'intrus@x.test' });
    expect(forged.outcome).toBe('refused');
    expect((await customer(paul)).contacts ?? []).toEqual([]);
    const done = await byMail(paul, `confirmer ${code}`, { sender: 'compta@mbarga.example' });
    expect(done.text[0]).toContain('compta@mbarga.example recevra une copie');
    expect((await customer(paul)).contacts).toEqual([{ address: 'compta@mbarga.example', mayAsk: false, addedAt: expect.any(String) }]);
    expect((await ask(paul, 'notifications')).text).toContain('Contact de facturation (en copie) : compta@mbarga.example.');
  });

  it('asked by the owner on chat gets its code at once, and a wrong code adds nothing', async () => {
    const grace = 'grace.eyenga@example.cm';
    const [mail] = await mailedTo('boss@eyenga.example', () => ask(grace, 'please add boss@eyenga.example as an invoice contact'));
    const code = codeIn(mail);
    expect((await ask(grace, `confirm ${code === '000000' ? '000001' : '000000'}`)).outcome).toBe('refused');
    expect((await customer(grace)).contacts ?? []).toEqual([]);
    expect((await ask(grace, `confirm ${code}`)).outcome).toBe('answered');
    expect((await customer(grace)).contacts?.map((c) => c.address)).toEqual(['boss@eyenga.example']);
  });

  it('waits while a new notification address has its code on the way: one new address confirms at a time', async () => {
    const awa = 'awa@example.cm';
    const [code] = await mailedTo('factures@nkolo.example', () => ask(awa, 'notifications adresse factures@nkolo.example'));
    let refused: Reply | undefined;
    expect(await mailedTo('compta@nkolo.example', async () => (refused = await ask(awa, 'notifications ajouter compta@nkolo.example')))).toEqual([]);
    expect(refused!.text[0]).toContain('Un code est déjà en route vers factures@nkolo.example');
    await ask(awa, `confirmer ${codeIn(code)}`);
    expect(await mailedTo('compta@nkolo.example', () => ask(awa, 'notifications ajouter compta@nkolo.example'))).toHaveLength(1);
  });

  it('is never an address on record, nor twice the same, nor a sixth', async () => {
    const jp = 'jp.fotso@example.cm';
    expect((await ask(jp, `notifications ajouter ${jp.toUpperCase()}`)).text[0]).toContain("c'est votre adresse de connexion ou de notification");
    for (let i = 1; i <= 5; i++) {
      const [mail] = await mailedTo(`c${i}@fotso.example`, () => ask(jp, `notifications ajouter c${i}@fotso.example`));
      await ask(jp, `confirmer ${codeIn(mail)}`);
    }
    expect((await customer(jp)).contacts).toHaveLength(5);
    const again = await ask(jp, 'notifications ajouter C1@Fotso.example');
    expect(again.text[0]).toContain("déjà l'un de vos contacts");
    const sixth = await mailedTo('c6@fotso.example', async () =>
      expect((await ask(jp, 'notifications ajouter c6@fotso.example')).text[0]).toContain('5 contacts de facturation'),
    );
    expect(sixth).toEqual([]);
    expect((await customer(jp)).contacts).toHaveLength(5);
  });

  it('is removed at once by the owner, and by mail only once the owner approves', async () => {
    const jp = 'jp.fotso@example.cm';
    expect((await ask(jp, 'notifications retirer c5@fotso.example')).text[0]).toContain('ne reçoit plus vos factures');
    const [approval] = await mailedTo(jp, () => byMail(jp, 'supprimez c4@fotso.example de mes contacts svp'));
    expect((await customer(jp)).contacts?.map((c) => c.address)).toContain('c4@fotso.example');
    await byMail(jp, 'oui', { replying: approval! });
    expect((await customer(jp)).contacts?.map((c) => c.address)).toEqual(['c1@fotso.example', 'c2@fotso.example', 'c3@fotso.example']);
    expect((await ask(jp, 'notifications retirer c9@fotso.example')).text[0]).toContain("n'est pas l'un de vos contacts");
  });

  it('may be allowed to ask: at once by the owner, by mail once approved; and forbidden again', async () => {
    const jp = 'jp.fotso@example.cm';
    await ask(jp, 'notifications contact c1@fotso.example peut demander');
    expect((await customer(jp)).contacts?.find((c) => c.address === 'c1@fotso.example')?.mayAsk).toBe(true);
    expect((await ask(jp, 'notifications')).text).toContain('Contact de facturation (en copie) : c1@fotso.example, qui peut demander les factures par e-mail.');
    const [approval] = await mailedTo(jp, () => byMail(jp, 'autorisez c2@fotso.example à demander mes factures'));
    expect((await customer(jp)).contacts?.find((c) => c.address === 'c2@fotso.example')?.mayAsk).toBe(false);
    await byMail(jp, 'oui', { replying: approval! });
    expect((await customer(jp)).contacts?.find((c) => c.address === 'c2@fotso.example')?.mayAsk).toBe(true);
    await ask(jp, 'c1@fotso.example ne peut plus demander de factures');
    expect((await customer(jp)).contacts?.find((c) => c.address === 'c1@fotso.example')?.mayAsk).toBe(false);
  });
});

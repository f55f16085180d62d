import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appendMessage } from './peers/dovecot.js';
import type { ReceivedMail } from './peers/smtp.js';
import {
  approvalTo,
  codeIn,
  deliver,
  replyingTo,
  filedIn,
  letter,
  mailEnv,
  replyTo,
  repliesTo,
  startFacteur,
  startMailPeers,
  type Letter,
  type MailPeers,
  type RunningFacteur,
} from './support/mail.js';

/**
 * The billing inbox as an attacker tries it, with the default settings: no DMARC, so a
 * From header is all a message has to say who wrote it, and it is forged in seconds.
 */
let peers: MailPeers;

beforeAll(async () => {
  peers = await startMailPeers();
});

afterAll(async () => {
  await peers?.close();
});

/** A Facteur of its own for each block, on the shared mailbox, so that one block's limits do not leak into the next. */
function facteurFor(env: Record<string, string> = {}): () => RunningFacteur {
  let facteur: RunningFacteur;
  beforeAll(async () => {
    facteur = await startFacteur({ ...mailEnv(peers), ...env });
  });
  afterAll(async () => {
    await facteur?.stop();
  });
  return () => facteur;
}

/** Delivers the letter and waits for Facteur's answer to it. */
async function ask(message: Letter): Promise<ReceivedMail> {
  return replyTo(peers.smtp, await deliver(peers, message));
}

/** Mails that reached `address` (in the envelope, whatever the headers say). */
function mailTo(address: string): ReceivedMail[] {
  return peers.smtp.messages.filter((mail) => mail.envelope.to.includes(address));
}

describe('a forged From asking to move the invoices elsewhere', () => {
  const facteur = facteurFor();
  const notifications = async () => (await facteur().app.store.customerByAddress('awa@example.cm'))!.notifications;

  it('leaves the attacker with a refusal and nothing else, and asks Awa', async () => {
    const forged = await ask({ from: 'Awa Nkolo <awa@example.cm>', subject: 'Changement', body: 'notifications adresse evil@x.test' });
    // The answer goes to the address on record, which is Awa's real mailbox, not the forger's.
    expect(forged.envelope.to).toEqual(['awa@example.cm']);
    expect(forged.parsed.text).toContain('doit être approuvée depuis votre adresse');
    const approval = await approvalTo(peers.smtp, 'awa@example.cm', /evil@x\.test/);
    expect(approval.parsed.text).toContain('répondez « non » ou ignorez ce message : rien ne sera changé');
    expect(mailTo('evil@x.test')).toEqual([]);

    // The forger tries: from the address they control, then in Awa's name with a code, then
    // with a "oui" that answers every message they know of in the thread.
    const guess = await ask({ from: 'evil@x.test', body: 'confirmer 123456' });
    expect(guess.parsed.text).toContain('ne correspond à aucun compte client');
    const code = await ask({ from: 'awa@example.cm', body: 'confirmer 654321' });
    expect(code.envelope.to).toEqual(['awa@example.cm']);
    expect(code.parsed.text).toContain('répondez « oui » au message que nous avons envoyé à votre adresse');
    const known = [forged.parsed.inReplyTo!, forged.parsed.messageId!, code.parsed.messageId!];
    const yes = await ask({ from: 'awa@example.cm', body: 'oui', headers: { 'In-Reply-To': known.at(-1)!, References: known.join(' ') } });
    expect(yes.parsed.text).not.toContain("C'est fait");
    const again = await ask({ from: 'awa@example.cm', body: 'notifications adresse evil@x.test' });
    expect(again.parsed.text).toContain('Une demande attend déjà sur ce compte');

    // Told once that the address is unknown, the forger's address gets no more answers this week.
    const zip = await deliver(peers, { from: 'evil@x.test', body: 'zip tout' });
    await filedIn(peers.dovecot, 'Processed', zip);
    expect(repliesTo(peers.smtp, zip)).toEqual([]);
    expect(await notifications()).toMatchObject({ address: 'awa@example.cm' });
    expect(mailTo('evil@x.test').every((mail) => mail.files.length === 0)).toBe(true);
    expect(
      mailTo('evil@x.test')
        .map((mail) => mail.parsed.text)
        .join('\n'),
    ).not.toMatch(/\d{6}|Awa|1210/);

    // Awa says no, in words that also hold "confirme": the request is dropped, never approved.
    const no = await ask({ from: 'awa@example.cm', ...replyingTo(approval), body: 'Non, je ne confirme pas ! Ce n’est pas moi.' });
    expect(no.parsed.text).toContain('la modification demandée est abandonnée');
    expect((await facteur().app.store.customerByAddress('awa@example.cm'))!.pending).toEqual([]);
  });

  it('sends no code to the new address before the owner approved, so no code from there can confirm it', async () => {
    await ask({ from: 'awa@example.cm', body: 'notifications adresse evil2@x.test' });
    expect(mailTo('evil2@x.test')).toEqual([]);
    for (const code of ['000000', '111111', '999999'])
      await filedIn(peers.dovecot, 'Processed', await deliver(peers, { from: 'evil2@x.test', body: `confirmer ${code}` }));
    expect(mailTo('evil2@x.test').map((mail) => mail.parsed.text)).toEqual([expect.stringContaining('ne correspond à aucun compte client')]);
    expect((await notifications()).address).toBe('awa@example.cm');
    const approval = await approvalTo(peers.smtp, 'awa@example.cm', /evil2@x\.test/);
    await ask({ from: 'awa@example.cm', ...replyingTo(approval), body: 'non' });
  });

  it('makes the change once the owner approves by replying from the address on record and the new address confirms', async () => {
    await ask({ from: 'awa@example.cm', body: 'notifications adresse compta@exemple.cm' });
    const approval = await approvalTo(peers.smtp, 'awa@example.cm', /compta@exemple\.cm/);
    expect(mailTo('compta@exemple.cm')).toEqual([]);

    // Outlook quotes the approval below its own header block, which is not read as Awa's words.
    const outlook = [
      'Oui',
      '',
      '________________________________',
      'De : Facteur <facturation@facteur.example>',
      'Envoyé : mercredi 2 décembre 2026 10:02',
      'Objet : Une modification de votre compte attend votre approbation',
      '',
      'Bonjour Awa Nkolo, vos factures…',
    ];
    const approved = await ask({ from: 'awa@example.cm', ...replyingTo(approval), body: outlook.join('\n') });
    expect(approved.parsed.text).toContain("Un code vient d'être envoyé à compta@exemple.cm");
    expect((await notifications()).address).toBe('awa@example.cm');
    const confirmation = await peers.smtp.waitForMessage((mail) => mail.envelope.to.includes('compta@exemple.cm') && codeIn(mail) !== null);

    // The new address's code proves control of that address only when it comes back from there.
    const fromOld = await ask({ from: 'awa@example.cm', body: `confirmer ${codeIn(confirmation)}` });
    expect(fromOld.parsed.text).toContain('le code doit revenir depuis la nouvelle adresse, compta@exemple.cm');
    expect((await notifications()).address).toBe('awa@example.cm');

    const done = await ask({ from: 'Compta <compta@exemple.cm>', ...replyingTo(confirmation), body: `confirmer ${codeIn(confirmation)}` });
    expect(done.envelope.to).toEqual(['compta@exemple.cm']);
    expect(done.parsed.text).toContain("C'est fait : les nouvelles factures seront envoyées à compta@exemple.cm");
    expect(await notifications()).toMatchObject({ address: 'compta@exemple.cm' });
    const told = await peers.smtp.waitForMessage(
      (mail) => mail.envelope.to.includes('awa@example.cm') && /désormais envoyées à compta@exemple\.cm/.test(mail.parsed.subject ?? ''),
    );
    expect(told.parsed.text).toContain('contactez le support');
  });

  it('asks the owner before any other change: the PDF toggle waits for the reply', async () => {
    const asked = await ask({ from: 'paul@example.cm', subject: 'notifications pièces-jointes non' });
    expect(asked.parsed.text).toContain('doit être approuvée depuis votre adresse');
    const paul = async () => (await facteur().app.store.customerByAddress('paul@example.cm'))!;
    expect((await paul()).notifications.attachPdf).toBe(true);
    const approval = await approvalTo(peers.smtp, 'paul@example.cm', /sans PDF/);
    const done = await ask({ from: 'paul@example.cm', ...replyingTo(approval), body: 'Oui c’est moi, je confirme' });
    expect(done.parsed.text).toContain('les prochaines factures arriveront sans PDF joint');
    expect((await paul()).notifications.attachPdf).toBe(false);
  });
});

describe('one sender, one reading', () => {
  const facteur = facteurFor();

  it.each([
    ['two From headers', 'From: awa@example.cm\r\nFrom: evil@x.test'],
    ['several mailboxes in From', 'From: awa@example.cm, evil@x.test'],
    ['a group in From', 'From: Amis: awa@example.cm;'],
    ['an encoded word in the angle brackets', 'From: Awa <=?utf-8?q?awa=40example.cm?=>'],
    ['an address in the display name beside another', 'From: awa@example.cm <evil@x.test>'],
  ])('files a message with %s in Failed, unanswered', async (_name, fromLines) => {
    const written = letter({ from: 'placeholder@example.cm', body: 'zip tout' });
    await appendMessage(peers.dovecot, written.raw.replace('From: placeholder@example.cm', fromLines));
    await filedIn(peers.dovecot, 'Failed', written.messageId);
    expect(repliesTo(peers.smtp, written.messageId)).toEqual([]);
    expect(facteur().logs.some((line) => line.msg === 'mail: unreadable message moved to the failed folder' && line.key !== undefined)).toBe(true);
  });

  it('answers a customer whose Message-ID a stranger sent first', async () => {
    const squatted = `<squat-${Date.now()}@example.cm>`;
    const first = await ask({ from: 'squatter@x.test', body: 'factures', messageId: squatted });
    expect(first.envelope.to).toEqual(['squatter@x.test']);
    const written = letter({ from: 'awa@example.cm', body: 'facture 1210', messageId: squatted });
    await appendMessage(peers.dovecot, written.raw);
    const answer = await peers.smtp.waitForMessage((mail) => mail.envelope.to.includes('awa@example.cm') && mail.parsed.inReplyTo === squatted);
    expect(answer.files.map((file) => file.filename)).toEqual(['facture-1210.pdf']);
  });

  it('pages a list for its own sender only, never for another customer in the thread', async () => {
    const list = await ask({ from: 'awa@example.cm', body: 'factures' });
    expect(list.parsed.text).toContain('Page 1 sur 3');
    const listId = list.parsed.inReplyTo!;
    const thread = { 'In-Reply-To': list.parsed.messageId!, References: `${listId} ${list.parsed.messageId}` };
    const intruder = await ask({ from: 'paul@example.cm', body: 'suivant', headers: thread });
    expect(intruder.envelope.to).toEqual(['paul@example.cm']);
    expect(intruder.parsed.text).toContain("Il n'y a pas de liste à parcourir");
    const next = await ask({ from: 'awa@example.cm', body: 'suivant', headers: thread });
    expect(next.parsed.text).toContain('Page 2 sur 3');
  });
});

describe('strangers', () => {
  const facteur = facteurFor();

  it('get at most the hourly number of answers however many write, and each address one a week', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 30; i++) ids.push(await deliver(peers, { from: `forged-${i}@victim.test`, body: 'factures' }));
    for (const id of ids) await filedIn(peers.dovecot, 'Processed', id);
    const answered = ids.filter((id) => repliesTo(peers.smtp, id).length > 0);
    expect(answered).toHaveLength(10);

    const again = await deliver(peers, { from: 'forged-0@victim.test', body: 'factures' });
    await filedIn(peers.dovecot, 'Processed', again);
    expect(repliesTo(peers.smtp, again)).toEqual([]);
    expect(facteur().logs.filter((line) => line.msg === 'mail: unknown sender, not answered').length).toBeGreaterThanOrEqual(21);
  });
});

describe('staff by mail without DMARC', () => {
  const facteur = facteurFor({ FACTEUR_STAFF_EMAILS: 'support@hebergeur.example' });

  it('is off: a forged staff mail resends nothing, and start-up said so once', async () => {
    const before = peers.smtp.messages.length;
    const reply = await ask({ from: 'Support <support@hebergeur.example>', body: 'renvoyer 1210 1211 1212 1213' });
    expect(reply.envelope.to).toEqual(['support@hebergeur.example']);
    expect(reply.parsed.text).toContain("Rien n'a été renvoyé");
    expect(peers.smtp.messages.slice(before).filter((mail) => mail !== reply)).toEqual([]);
    expect(await facteur().app.deliveries.list({})).toEqual([]);
    expect(facteur().logs.filter((line) => line.event === 'mail.staff.off')).toHaveLength(1);

    // A forger repeating it gets no more answers today: each would be a mail to whoever the From names.
    const again = await deliver(peers, { from: 'support@hebergeur.example', body: 'renvoyer 1210' });
    await filedIn(peers.dovecot, 'Processed', again);
    expect(repliesTo(peers.smtp, again)).toEqual([]);
  });
});

describe('a change taken back by mail', () => {
  const facteur = facteurFor();

  it('is dropped at once from an address on record: its approval then approves nothing and the new address gets nothing', async () => {
    await ask({ from: 'awa@example.cm', subject: 'Adresse', body: 'notifications adresse nouvelle.compta@nkolo.cm' });
    const approval = await approvalTo(peers.smtp, 'awa@example.cm', /nouvelle\.compta@nkolo\.cm/);
    const withdrawn = await ask({
      from: 'Awa Nkolo <awa@example.cm>',
      subject: 'Annulation',
      body: "Bonjour,\n\nFinalement, oubliez ma demande de changement d'adresse : nous gardons l'actuelle.\n\nAwa",
    });
    expect(withdrawn.envelope.to).toEqual(['awa@example.cm']);
    expect(withdrawn.parsed.text).toContain("C'est annulé : vous aviez demandé que vos nouvelles factures soient envoyées à nouvelle.compta@nkolo.cm");
    expect((await facteur().app.store.customerByAddress('awa@example.cm'))!.pending).toEqual([]);
    const late = await ask({ from: 'awa@example.cm', ...replyingTo(approval), body: 'oui' });
    expect(late.parsed.text).not.toContain('nouvelle.compta@nkolo.cm');
    expect(mailTo('nouvelle.compta@nkolo.cm')).toEqual([]);
    expect((await facteur().app.store.customerByAddress('awa@example.cm'))!.notifications.address).toBe('awa@example.cm');
  });
});

describe('a change to the provider’s own mailboxes, by mail', () => {
  const facteur = facteurFor();

  it('is refused in a sentence: no approval to the owner, no code to the billing inbox or the sending address', async () => {
    const before = peers.smtp.messages.length;
    const inbox = await ask({ from: 'awa@example.cm', subject: 'Adresse', body: 'Bonjour, envoyez désormais mes factures à billing@example.test. Merci' });
    expect(inbox.envelope.to).toEqual(['awa@example.cm']);
    expect(inbox.parsed.text).toContain('billing@example.test est une adresse de notre service de facturation');
    const sender = await ask({ from: 'awa@example.cm', body: 'notifications ajouter Facturation+awa@facteur.example' });
    expect(sender.parsed.text).toContain('adresse de notre service de facturation');
    // Only the two answers left: no approval mail, no code, nothing to the provider's own addresses.
    expect(peers.smtp.messages.slice(before).map((mail) => mail.envelope.to)).toEqual([['awa@example.cm'], ['awa@example.cm']]);
    expect((await facteur().app.store.customerByAddress('awa@example.cm'))!.pending).toEqual([]);
  });
});

describe('an invoice contact writing to the billing inbox', () => {
  const facteur = facteurFor();
  const awa = async () => (await facteur().app.store.customerByAddress('awa@example.cm'))!;

  it('is added by mail only through the owner’s reply to the approval mail and the code coming back from the contact', async () => {
    const asked = await ask({ from: 'awa@example.cm', subject: 'Comptable', body: 'notifications ajouter compta@nkolo.cm' });
    expect(asked.parsed.text).toContain('doit être approuvée depuis votre adresse');
    const approval = await approvalTo(peers.smtp, 'awa@example.cm', /compta@nkolo\.cm/);
    expect(mailTo('compta@nkolo.cm')).toEqual([]);
    await ask({ from: 'awa@example.cm', body: 'oui', ...replyingTo(approval) });
    const codeMail = await peers.smtp.waitForMessage((mail) => mail.envelope.to.includes('compta@nkolo.cm'));
    const done = await ask({ from: 'compta@nkolo.cm', subject: `Re: ${codeMail.parsed.subject}`, body: `confirmer ${codeIn(codeMail)}` });
    expect(done.envelope.to).toEqual(['compta@nkolo.cm']);
    expect((await awa()).contacts?.map((c) => [c.address, c.mayAsk])).toEqual([['compta@nkolo.cm', false]]);
  });

  it('without the customer’s leave, asks nothing: no invoice, no list, no change, the stranger’s answer at most', async () => {
    const before = mailTo('compta@nkolo.cm').length;
    const pdf = await ask({ from: 'compta@nkolo.cm', body: 'la facture 1210 svp' });
    expect(pdf.envelope.to).toEqual(['compta@nkolo.cm']);
    expect(pdf.parsed.text).toContain('ne correspond à aucun compte client');
    expect(pdf.files).toEqual([]);
    const change = await deliver(peers, { from: 'compta@nkolo.cm', body: 'notifications pièces-jointes non' });
    await filedIn(peers.dovecot, 'Processed', change);
    expect(repliesTo(peers.smtp, change).flatMap((mail) => mail.files)).toEqual([]);
    expect(mailTo('compta@nkolo.cm').length - before).toBeLessThanOrEqual(2);
    expect((await awa()).pending).toEqual([]);
    expect((await awa()).notifications.attachPdf).toBe(true);
  });

  it('with leave, gets invoices for itself alone, and a change it asks waits for the owner’s approval', async () => {
    await facteur().app.assistant.handle({
      customerId: (await awa()).id,
      text: 'notifications contact compta@nkolo.cm peut demander',
      conversation: 'discord:awa',
      trust: 'owner',
    });
    expect((await awa()).contacts?.[0]?.mayAsk).toBe(true);
    const pdf = await ask({ from: 'Compta <compta@nkolo.cm>', body: 'la facture 1210 svp' });
    expect(pdf.envelope.to).toEqual(['compta@nkolo.cm']);
    expect(pdf.files.map((a) => a.filename)).toEqual(['facture-1210.pdf']);

    const asked = await ask({ from: 'compta@nkolo.cm', body: 'notifications pièces-jointes non' });
    expect(asked.parsed.text).toContain('doit être approuvée depuis votre adresse');
    const approval = await approvalTo(peers.smtp, 'awa@example.cm', /sans PDF|sans pièce/);
    expect(approval.envelope.to).toEqual(['awa@example.cm']);
    // Even naming the approval mail, the contact's own "oui" approves nothing: only an address on record does.
    await ask({ from: 'compta@nkolo.cm', body: 'oui', ...replyingTo(approval) });
    expect((await awa()).notifications.attachPdf).toBe(true);
    await ask({ from: 'awa@example.cm', body: 'oui', ...replyingTo(approval) });
    expect((await awa()).notifications.attachPdf).toBe(false);
  });
});

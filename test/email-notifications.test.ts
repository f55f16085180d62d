import { describe, expect, it } from 'vitest';
import { appendMessage } from './peers/dovecot.js';
import type { ReceivedMail } from './peers/smtp.js';
import { approvalTo, deliver, dmarcPass, filedIn, letter, mailFacteurForFile, replyingTo, replyTo, repliesTo, type Letter } from './support/mail.js';

/** The receiving server's name in Authentication-Results, as the operator configures it. */
const AUTHSERV_ID = 'mx.facteur.example';

const { peers, facteur } = mailFacteurForFile({ MAIL_DMARC_AUTHSERV_ID: AUTHSERV_ID });

/** Results the billing domain's receiving server writes on a message that passed DMARC. */
const authenticated = (domain: string) => dmarcPass(AUTHSERV_ID, domain);

/** Delivers the letter and waits for Facteur's answer to it. */
async function ask(message: Letter): Promise<ReceivedMail> {
  const written = letter(message);
  await appendMessage(peers().dovecot, written.raw);
  return replyTo(peers().smtp, written.messageId);
}

async function notifications(email: string) {
  return (await facteur().app.store.customerByAddress(email))!.notifications;
}

describe('notification settings by mail, where DMARC is checked', () => {
  it('with a DMARC pass, changes the address once the owner approved and the code came back from the new address; a "confirmer" from elsewhere is refused', async () => {
    const reply = await ask({ from: 'awa@example.cm', subject: 'notifications adresse compta@exemple.cm', headers: authenticated('example.cm') });
    expect(reply.envelope.to).toEqual(['awa@example.cm']);
    // The pass proves the domain, not who wrote the command: a new address waits for the owner's yes.
    expect(reply.parsed.text).toContain('doit être approuvée depuis votre adresse');
    const approval = await approvalTo(peers().smtp, 'awa@example.cm', /compta@exemple\.cm/);
    const thread = replyingTo(approval);
    const approved = await ask({
      from: 'awa@example.cm',
      subject: thread.subject,
      body: 'oui',
      headers: { ...thread.headers, ...authenticated('example.cm') },
    });
    expect(approved.parsed.text).toContain("Un code vient d'être envoyé à compta@exemple.cm");
    const codeMail = await peers().smtp.waitForMessage((mail) => mail.envelope.to.includes('compta@exemple.cm'));
    const code = /(\d{6})/.exec(codeMail.parsed.subject ?? '')![1]!;

    const fromOld = await ask({ from: 'awa@example.cm', subject: 'Re: confirmation', body: `confirmer ${code}`, headers: authenticated('example.cm') });
    expect(fromOld.envelope.to).toEqual(['awa@example.cm']);
    expect(fromOld.parsed.text).toContain('le code doit revenir depuis la nouvelle adresse, compta@exemple.cm');
    expect((await notifications('awa@example.cm')).address).toBe('awa@example.cm');

    const fromStranger = await ask({ from: 'intrus@example.org', body: `confirmer ${code}`, headers: authenticated('example.org') });
    expect(fromStranger.parsed.text).toContain('ne correspond à aucun compte client');
    expect((await notifications('awa@example.cm')).address).toBe('awa@example.cm');

    const fromNew = await ask({
      from: 'Compta <compta@exemple.cm>',
      subject: `Re: ${codeMail.parsed.subject}`,
      body: `confirmer ${code}`,
      headers: authenticated('exemple.cm'),
    });
    expect(fromNew.envelope.to).toEqual(['compta@exemple.cm']);
    expect(fromNew.parsed.text).toContain("C'est fait : les nouvelles factures seront envoyées à compta@exemple.cm");
    expect(await notifications('awa@example.cm')).toMatchObject({ address: 'compta@exemple.cm' });
    expect((await facteur().app.store.customerByAddress('awa@example.cm'))!.pending).toEqual([]);
    const notice = await peers().smtp.waitForMessage(
      (mail) => mail.envelope.to.includes('awa@example.cm') && /désormais envoyées/.test(mail.parsed.subject ?? ''),
    );
    expect(notice.parsed.subject).toBe('Vos factures sont désormais envoyées à compta@exemple.cm');
  });

  it('a code, once used, confirms nothing more', async () => {
    const again = await ask({ from: 'compta@exemple.cm', body: 'confirmer 123456', headers: authenticated('exemple.cm') });
    expect(again.parsed.text).toContain("Aucune modification n'attend de code");
  });

  it('asks the owner to approve a change without a DMARC pass from our server, answers none it says failed, and makes one that passed at once', async () => {
    const asked = { from: 'paul@example.cm', subject: 'notifications pièces-jointes non' };
    const otherServer = await ask({ ...asked, headers: { 'Authentication-Results': 'mx.attacker.example; dmarc=pass header.from=example.cm' } });
    expect(otherServer.parsed.text).toContain('doit être approuvée depuis votre adresse');
    const noDomain = await ask({ ...asked, headers: { 'Authentication-Results': `${AUTHSERV_ID}; dmarc=pass` } });
    expect(noDomain.parsed.text).toContain('Une demande attend déjà sur ce compte');
    expect((await notifications('paul@example.cm')).attachPdf).toBe(true);

    // Our server says the From failed DMARC (the quoted "dmarc=pass" is the envelope sender's): nothing is answered.
    const smuggled = `${AUTHSERV_ID}; spf=pass smtp.mailfrom="x;dmarc=pass"@evil.test; dmarc=fail header.from=example.cm`;
    const failed = await deliver(peers(), { ...asked, headers: { 'Authentication-Results': smuggled } });
    await filedIn(peers().dovecot, 'Processed', failed);
    expect(repliesTo(peers().smtp, failed)).toEqual([]);
    expect(facteur().logs.some((line) => line.msg === 'mail: DMARC failed for an address on record, not answered')).toBe(true);
    expect((await notifications('paul@example.cm')).attachPdf).toBe(true);

    const verified = await ask({ ...asked, headers: authenticated('example.cm') });
    expect(verified.parsed.text).toContain('les prochaines factures arriveront sans PDF joint');
    expect((await notifications('paul@example.cm')).attachPdf).toBe(false);
  });

  it('still answers questions that change nothing without DMARC', async () => {
    const written = letter({ from: 'paul@example.cm', subject: 'notifications' });
    await appendMessage(peers().dovecot, written.raw);
    await filedIn(peers().dovecot, 'Processed', written.messageId);
    const [reply] = repliesTo(peers().smtp, written.messageId);
    expect(reply?.parsed.text).toContain("Le PDF n'est pas joint");
  });

  it('answers no stranger whose mail did not pass DMARC: the From may be a victim’s', async () => {
    const forged = await deliver(peers(), {
      from: 'victim@innocent.example',
      body: 'factures',
      headers: { 'Authentication-Results': `${AUTHSERV_ID}; dmarc=fail header.from=innocent.example` },
    });
    await filedIn(peers().dovecot, 'Processed', forged);
    expect(repliesTo(peers().smtp, forged)).toEqual([]);
    const genuine = await ask({ from: 'prospect@innocent.example', body: 'factures', headers: authenticated('innocent.example') });
    expect(genuine.parsed.text).toContain('ne correspond à aucun compte client');
  });
});

describe('an invoice contact allowed to ask, where DMARC is checked', () => {
  it('is never the owner: with a DMARC pass, a change it asks still waits for the owner’s approval', async () => {
    const grace = (await facteur().app.store.customerByAddress('grace.eyenga@example.cm'))!;
    // Set on the record directly: how a contact is added and allowed is tested in contacts.test.ts.
    await facteur().app.store.updateCustomer(grace.id, (c) => ({
      ...c,
      contacts: [{ address: 'boss@eyenga.example', mayAsk: true, addedAt: new Date().toISOString() }],
    }));
    const reply = await ask({ from: 'boss@eyenga.example', subject: 'notifications attachments off', headers: authenticated('eyenga.example') });
    expect(reply.envelope.to).toEqual(['boss@eyenga.example']);
    expect(reply.parsed.text).toContain('must be approved from your address');
    expect((await notifications('grace.eyenga@example.cm')).attachPdf).toBe(true);
    expect((await facteur().app.store.customerById(grace.id))!.pending.map((p) => p.change)).toEqual([{ kind: 'attachments', on: false }]);
  });
});

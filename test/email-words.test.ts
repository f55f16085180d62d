import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { appendMessage } from './peers/dovecot.js';
import type { ReceivedMail } from './peers/smtp.js';
import { approvalTo, codeIn, deliver, dmarcPass, mailFacteurForFile, replyingTo, replyTo, type Letter } from './support/mail.js';

/**
 * Words the customer did not write, as an attacker uses them: a Subject they wrote that the
 * customer's reply repeats. DMARC is checked, and the customer's mail passes: it is really
 * theirs, but not every word in it is.
 */
const AUTHSERV_ID = 'mx.facteur.example';
const passed = dmarcPass(AUTHSERV_ID, 'example.cm');

const { peers, facteur } = mailFacteurForFile({ MAIL_DMARC_AUTHSERV_ID: AUTHSERV_ID });

/** Delivers the letter and waits for Facteur's answer to it. */
async function ask(message: Letter): Promise<ReceivedMail> {
  return replyTo(peers().smtp, await deliver(peers(), message));
}

/** Mails that reached `address` (in the envelope, whatever the headers say). */
function mailTo(address: string): ReceivedMail[] {
  return peers().smtp.messages.filter((mail) => mail.envelope.to.includes(address));
}

const customer = async (email: string) => (await facteur().app.store.customerByAddress(email))!;

/** A reply as a mail client writes it below the customer's words: the attribution, then the quoted message. */
function quoting(author: string, lines: string[]): string {
  return [`Le lun. 23 nov. 2026 à 09:14, ${author} a écrit :`, ...lines.map((line) => `> ${line}`)].join('\n');
}

describe('a Subject the customer did not write', () => {
  it('cannot move the invoices: « Oui, parfait, merci. » under « Re: notifications adresse mallory@… » changes nothing', async () => {
    const body = [
      'Oui, parfait, merci.',
      '',
      quoting('Service clients <support@hebergeur-secure.example>', ['Pouvez-vous simplement répondre pour confirmer ?']),
    ].join('\n');
    const reply = await ask({
      from: 'Awa Nkolo <awa@example.cm>',
      subject: 'Re: notifications adresse mallory@evil.example',
      body,
      headers: { ...passed, 'In-Reply-To': '<bait-1@evil.example>' },
    });
    expect(reply.envelope.to).toEqual(['awa@example.cm']);
    expect(reply.parsed.text).not.toContain('mallory');
    expect(mailTo('mallory@evil.example')).toEqual([]);
    const awa = await customer('awa@example.cm');
    expect(awa.notifications.address).toBe('awa@example.cm');
    expect(awa.pending).toEqual([]);
  });

  it.each([
    ['RE: ', {}],
    ['TR : ', {}],
    ['Fwd: ', {}],
    ['AW: ', {}],
    ['SV: ', {}],
    ['Antw: ', {}],
    ['Re[2]: ', {}],
    ['[Clients] Re: ', {}],
    ['', { 'In-Reply-To': '<bait-2@evil.example>' }],
  ])('asks no change from the subject %j of a reply or forward, even one DMARC vouches for', async (prefix, thread) => {
    const reply = await ask({ from: 'paul@example.cm', subject: `${prefix}notifications pièces-jointes non`, headers: { ...passed, ...thread } });
    expect(reply.parsed.text).toContain("Rien n'a été modifié : l'objet d'une réponse ou d'un transfert");
    expect((await customer('paul@example.cm')).notifications.attachPdf).toBe(true);
  });

  it('still takes a fresh subject the customer wrote, and a reply’s subject naming the invoice the thread is about', async () => {
    const fresh = await ask({ from: 'paul@example.cm', subject: 'notifications pièces-jointes non', headers: passed });
    expect(fresh.parsed.text).toContain('les prochaines factures arriveront sans PDF joint');
    expect((await customer('paul@example.cm')).notifications.attachPdf).toBe(false);

    const pointed = await ask({ from: 'awa@example.cm', subject: 'Re: Votre facture n° 1210', body: 'Bonjour, merci.', headers: passed });
    expect(pointed.files.map((file) => file.filename)).toEqual(['facture-1210.pdf']);
  });

  it('cannot confirm a new address for its reader: replying to the code mail without writing the code confirms nothing', async () => {
    await ask({ from: 'awa@example.cm', body: 'notifications adresse compta@exemple.cm' });
    const approval = await approvalTo(peers().smtp, 'awa@example.cm', /compta@exemple\.cm/);
    await ask({ from: 'awa@example.cm', ...replyingTo(approval), body: 'oui' });
    const codeMail = await peers().smtp.waitForMessage((mail) => mail.envelope.to.includes('compta@exemple.cm') && codeIn(mail) !== null);

    // The reader only acknowledges it: the code in the subject is the code mail's words, not theirs.
    const theirs = dmarcPass(AUTHSERV_ID, 'exemple.cm');
    const thread = replyingTo(codeMail);
    const puzzled = await ask({ from: 'compta@exemple.cm', subject: thread.subject, body: 'Bien reçu, merci.', headers: { ...thread.headers, ...theirs } });
    expect(puzzled.parsed.text).not.toContain("C'est fait");
    expect((await customer('awa@example.cm')).notifications.address).toBe('awa@example.cm');

    const written = await ask({
      from: 'compta@exemple.cm',
      subject: thread.subject,
      body: `confirmer ${codeIn(codeMail)}`,
      headers: { ...thread.headers, ...theirs },
    });
    expect(written.parsed.text).toContain("C'est fait : les nouvelles factures seront envoyées à compta@exemple.cm");
  });

  it('cannot answer an approval: an empty reply to it approves nothing, though its subject says "approval"', async () => {
    await ask({ from: 'grace.eyenga@example.cm', body: 'Please send my invoices to accounts@eyenga.example' });
    const approval = await approvalTo(peers().smtp, 'grace.eyenga@example.cm', /accounts@eyenga\.example/);
    expect(approval.parsed.subject).toContain('approval');

    const empty = await ask({
      from: 'grace.eyenga@example.cm',
      ...replyingTo(approval),
      body: `\n${['On Mon, 23 Nov 2026 at 09:14, Facteur wrote:', '> Hello'].join('\n')}`,
    });
    expect(empty.parsed.text).toContain('I did not understand your answer');
    expect(mailTo('accounts@eyenga.example')).toEqual([]);

    const yes = await ask({ from: 'grace.eyenga@example.cm', ...replyingTo(approval), body: 'Yes' });
    expect(yes.parsed.text).toContain('A code was just sent to accounts@eyenga.example');
  });
});

describe('a DMARC pass proves the domain, not the command', () => {
  it('sends a new notification address through the owner’s approval, and no code there before it', async () => {
    const asked = await ask({ from: 'awa@example.cm', subject: 'notifications adresse factures@nkolo.example', headers: passed });
    expect(asked.parsed.text).toContain('doit être approuvée depuis votre adresse');
    expect(mailTo('factures@nkolo.example')).toEqual([]);
    const approval = await approvalTo(peers().smtp, 'awa@example.cm', /factures@nkolo\.example/);
    const thread = replyingTo(approval);
    const approved = await ask({ from: 'awa@example.cm', subject: thread.subject, body: 'Oui', headers: { ...thread.headers, ...passed } });
    expect(approved.parsed.text).toContain("Un code vient d'être envoyé à factures@nkolo.example");
    expect((await customer('awa@example.cm')).notifications.address).not.toBe('factures@nkolo.example');
  });

  it('sends an invoice contact, and a contact’s leave to ask, through the owner’s approval', async () => {
    const ndjock = 'contact@ndjock-sarl.cm';
    const theirs = dmarcPass(AUTHSERV_ID, 'ndjock-sarl.cm');
    const contact = await ask({ from: ndjock, body: 'notifications ajouter compta@ndjock.example', headers: theirs });
    expect(contact.parsed.text).toContain('doit être approuvée depuis votre adresse');
    expect(mailTo('compta@ndjock.example')).toEqual([]);

    // Set on the record directly: how a contact is added is tested in contacts.test.ts.
    await facteur().app.store.updateCustomer((await customer(ndjock)).id, (c) => ({
      ...c,
      contacts: [{ address: 'patron@ndjock.example', mayAsk: false, addedAt: new Date().toISOString() }],
    }));
    const mayAsk = await ask({ from: ndjock, body: 'notifications contact patron@ndjock.example peut demander', headers: theirs });
    expect(mayAsk.parsed.text).toContain('doit être approuvée depuis votre adresse');
    expect((await customer(ndjock)).contacts).toEqual([expect.objectContaining({ address: 'patron@ndjock.example', mayAsk: false })]);
  });

  it('still makes at once what sends nothing elsewhere: the PDF toggle, a contact’s removal', async () => {
    const jp = await customer('jp.fotso@example.cm');
    await facteur().app.store.updateCustomer(jp.id, (c) => ({
      ...c,
      contacts: [{ address: 'ancien@fotso.example', mayAsk: true, addedAt: new Date().toISOString() }],
    }));
    const toggled = await ask({ from: 'jp.fotso@example.cm', body: 'notifications pièces-jointes non', headers: passed });
    expect(toggled.parsed.text).toContain('les prochaines factures arriveront sans PDF joint');
    const removed = await ask({ from: 'jp.fotso@example.cm', body: 'notifications retirer ancien@fotso.example', headers: passed });
    expect(removed.parsed.text).not.toContain('doit être approuvée');
    expect(await customer('jp.fotso@example.cm')).toMatchObject({ notifications: { attachPdf: false }, contacts: [], pending: [] });
  });
});

describe('text a reader cannot see', () => {
  /** A mail of the corpus as Jean-Pierre Fotso sends it, delivered; resolves with Facteur's answer. */
  async function send(file: string): Promise<ReceivedMail> {
    const messageId = `<${randomUUID()}@fotso.example>`;
    const written = (await readFile(path.join(import.meta.dirname, 'fixtures', 'html-mails', file), 'utf8'))
      .replace(/^Message-ID: .*$/m, `Message-ID: ${messageId}`)
      .replace(/^From: .*$/m, 'From: Jean-Pierre Fotso <jp.fotso@example.cm>');
    await appendMessage(peers().dovecot, written);
    return replyTo(peers().smtp, messageId);
  }

  it('sends no ZIP for « zip 2019 » at font-size 0 under a visible thank-you', async () => {
    const reply = await send('font-size-zero.eml');
    expect(reply.files).toEqual([]);
    expect(reply.parsed.text).not.toMatch(/2019/);
  });

  it('asks no approval for an address change written in display:none, in a class a stylesheet hides, or only in the text part', async () => {
    for (const file of ['display-none-address.eml', 'stylesheet-class.eml', 'alternative-differs.eml']) {
      const reply = await send(file);
      expect(reply.parsed.text, file).not.toContain('mallory');
    }
    expect(mailTo('mallory@evil.example')).toEqual([]);
    expect(peers().smtp.messages.filter((mail) => /mallory/.test(mail.parsed.text ?? ''))).toEqual([]);
    expect((await customer('jp.fotso@example.cm')).pending).toEqual([]);
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appendMessage } from './peers/dovecot.js';
import type { ReceivedMail } from './peers/smtp.js';
import { deliver, filedIn, letter, mailEnv, replyTo, startFacteur, startMailPeers, type Letter, type MailPeers, type RunningFacteur } from './support/mail.js';
import { pdfText } from './support/read.js';

const AUTHSERV_ID = 'mx.facteur.example';

let peers: MailPeers;
let facteur: RunningFacteur;

beforeAll(async () => {
  peers = await startMailPeers();
  facteur = await startFacteur({
    ...mailEnv(peers),
    FACTEUR_STAFF_EMAILS: 'Support@Hebergeur.example, marie@hebergeur.example',
    MAIL_DMARC_AUTHSERV_ID: AUTHSERV_ID,
    MAIL_STAFF_MAX_RESENDS: '3',
  });
});

afterAll(async () => {
  await facteur?.stop();
  await peers?.close();
});

/** What the provider's receiving server writes on a staff member's mail, which passed DMARC. */
const passed = { 'Authentication-Results': `${AUTHSERV_ID}; spf=pass smtp.mailfrom=hebergeur.example; dmarc=pass header.from=hebergeur.example` };

async function ask(message: Letter): Promise<ReceivedMail> {
  return replyTo(peers.smtp, await deliver(peers, message));
}

async function resends() {
  return (await facteur.app.deliveries.list({})).filter((delivery) => delivery.reason === 'resend');
}

describe('a staff resend by mail', () => {
  it('sends the invoice to its customer’s address on record and tells the staff member', async () => {
    const asked = letter({ from: 'Support <support@hebergeur.example>', subject: 'renvoyer 1210', body: 'renvoyer 1210\n\n-- \nLe support', headers: passed });
    await appendMessage(peers.dovecot, asked.raw);

    const toCustomer = await peers.smtp.waitForMessage((m) => m.envelope.to.includes('awa@example.cm'), 20_000);
    expect(toCustomer.parsed.subject).toBe('Votre facture n° 1210');
    expect(toCustomer.files.map((a) => a.filename)).toEqual(['facture-1210.pdf']);
    expect(await pdfText(toCustomer.files[0]!.content)).toContain('1210');

    const toStaff = await replyTo(peers.smtp, asked.messageId);
    expect(toStaff.envelope.to).toEqual(['support@hebergeur.example']);
    expect(toStaff.parsed.text).toContain('La facture n° 1210 a été renvoyée à awa@example.cm');
    expect(toStaff.files).toEqual([]);

    const awa = (await facteur.app.store.customerByAddress('awa@example.cm'))!;
    expect(await facteur.app.deliveries.list({ customerId: awa.id })).toMatchObject([
      {
        invoices: ['1210'],
        reason: 'resend',
        requestedBy: expect.stringMatching(/^email:support@hebergeur\.example imap:INBOX:\d+:\d+$/),
        status: 'sent',
        recipient: 'awa@example.cm',
      },
    ]);
  });

  it('from a staff address that did not pass DMARC, resends nothing, and answers only a message our server did not call forged', async () => {
    const before = (await resends()).length;
    const forged = await deliver(peers, {
      from: 'support@hebergeur.example',
      body: 'renvoyer 1211',
      headers: { 'Authentication-Results': `${AUTHSERV_ID}; dmarc=fail header.from=hebergeur.example` },
    });
    await filedIn(peers.dovecot, 'Processed', forged);
    expect(peers.smtp.messages.filter((mail) => mail.parsed.inReplyTo === forged)).toEqual([]);
    const unverified = await ask({ from: 'marie@hebergeur.example', body: 'renvoyer 1211' });
    expect(unverified.parsed.text).toContain("Ce message n'est pas authentifié par DMARC : rien n'a été renvoyé");
    expect(await resends()).toHaveLength(before);
    expect(facteur.logs.some((line) => line.event === 'staff.refused' && line.reason === 'DMARC did not pass')).toBe(true);
  });

  it('resends nothing a reply’s subject asks: someone else wrote it, whoever replied', async () => {
    const before = (await resends()).length;
    const reply = await ask({
      from: 'support@hebergeur.example',
      subject: 'RE: renvoyer 1211 1212',
      headers: { ...passed, 'In-Reply-To': '<bait-3@evil.example>' },
    });
    expect(reply.parsed.text).toContain("Rien n'a été renvoyé : l'objet d'une réponse ou d'un transfert");
    expect(await resends()).toHaveLength(before);
  });

  it('holds more invoices than one mail may resend until the staff member confirms with the code', async () => {
    const before = (await resends()).length;
    const held = await ask({ from: 'marie@hebergeur.example', body: 'renvoyer 1211 1212 1213 1214 1215', headers: passed });
    expect(held.parsed.text).toContain('renverrait 5 factures, plus que les 3');
    expect(await resends()).toHaveLength(before);
    const code = /confirmer (\d{6})/.exec(held.parsed.text ?? '')![1]!;

    const wrong = await ask({ from: 'marie@hebergeur.example', body: `confirmer ${code === '000000' ? '000001' : '000000'}`, headers: passed });
    expect(wrong.parsed.text).toContain('Ce code ne correspond pas au renvoi en attente');
    const otherStaff = await ask({ from: 'support@hebergeur.example', body: `confirmer ${code}`, headers: passed });
    expect(otherStaff.parsed.text).not.toContain('renvoyée');
    expect(await resends()).toHaveLength(before);

    const confirmed = await ask({ from: 'marie@hebergeur.example', subject: `Re: ${held.parsed.subject}`, body: `confirmer ${code}`, headers: passed });
    expect(confirmed.parsed.text).toContain('La facture n° 1215 a été renvoyée');
    expect(
      (await resends())
        .slice(before)
        .map((delivery) => delivery.invoices[0])
        .sort(),
    ).toEqual(['1211', '1212', '1213', '1214', '1215']);

    const again = await ask({ from: 'marie@hebergeur.example', body: `confirmer ${code}`, headers: passed });
    expect(again.parsed.text).not.toContain('renvoyée');
    expect(await resends()).toHaveLength(before + 5);
  });

  it('from anyone else, is a customer’s request for their own PDF and nothing more', async () => {
    const asked = letter({ from: 'paul@example.cm', subject: 'renvoyer 1210' });
    await appendMessage(peers.dovecot, asked.raw);
    const reply = await replyTo(peers.smtp, asked.messageId);
    expect(reply.envelope.to).toEqual(['paul@example.cm']);
    expect(reply.parsed.text).toContain('Je ne trouve pas de facture n° 1210');
    expect(reply.files).toEqual([]);
    expect((await resends()).filter((delivery) => delivery.invoices.includes('1210'))).toHaveLength(1);
    await filedIn(peers.dovecot, 'Processed', asked.messageId);
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appendMessage } from './peers/dovecot.js';
import { letter, mailEnv, replyTo, startFacteur, startMailPeers, type MailPeers, type RunningFacteur } from './support/mail.js';
import { pdfText } from './support/read.js';

let peers: MailPeers;
let facteur: RunningFacteur;

beforeAll(async () => {
  peers = await startMailPeers();
  facteur = await startFacteur({ ...mailEnv(peers), FACTEUR_STAFF_EMAILS: 'Support@Hebergeur.example, marie@hebergeur.example' });
});

afterAll(async () => {
  await facteur?.stop();
  await peers?.close();
});

describe('a staff resend by mail', () => {
  it('sends the invoice to its customer’s address on record and tells the staff member', async () => {
    const asked = letter({ from: 'Support <support@hebergeur.example>', subject: 'renvoyer 1210', body: 'renvoyer 1210\n\n-- \nLe support' });
    await appendMessage(peers.dovecot, asked.raw);

    const toCustomer = await peers.smtp.waitForMessage((m) => m.envelope.to.includes('awa@example.cm'), 20_000);
    expect(toCustomer.parsed.subject).toBe('Votre facture n° 1210');
    expect(toCustomer.parsed.attachments.map((a) => a.filename)).toEqual(['facture-1210.pdf']);
    expect(await pdfText(toCustomer.parsed.attachments[0]!.content)).toContain('1210');

    const toStaff = await replyTo(peers.smtp, asked.messageId);
    expect(toStaff.envelope.to).toEqual(['support@hebergeur.example']);
    expect(toStaff.parsed.text).toContain('La facture n° 1210 a été renvoyée à awa@example.cm');
    expect(toStaff.parsed.attachments).toEqual([]);

    const awa = facteur.app.store.customerByAddress('awa@example.cm')!;
    expect(facteur.app.deliveries.list({ customerId: awa.id })).toMatchObject([
      { invoices: ['1210'], reason: 'resend', requestedBy: expect.stringMatching(/^email:support@hebergeur\.example imap:INBOX:\d+:\d+$/), status: 'sent', recipient: 'awa@example.cm' },
    ]);
  });

  it('from anyone else, is a customer’s request for their own PDF and nothing more', async () => {
    const asked = letter({ from: 'paul@example.cm', subject: 'renvoyer 1210' });
    await appendMessage(peers.dovecot, asked.raw);
    const reply = await replyTo(peers.smtp, asked.messageId);
    expect(reply.envelope.to).toEqual(['paul@example.cm']);
    expect(reply.parsed.text).toContain('Je ne trouve pas de facture n° 1210');
    expect(reply.parsed.attachments).toEqual([]);
    expect(peers.smtp.messages.filter((m) => m.envelope.to.includes('awa@example.cm'))).toHaveLength(1);
  });
});

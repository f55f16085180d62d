/**
 * An answer the customer's mail server refuses for its size, as a real server does (smtp-server
 * with a SIZE under what Facteur's MAIL_SIZE_LIMIT_MB lets through, answering 552 at the end of
 * DATA): it goes again at once without its files, saying why and how to ask, as the push's
 * messages do — never left in Failed with the customer told nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDovecot } from './peers/dovecot.js';
import { startSmtpPeer } from './peers/smtp.js';
import { deliver, filedIn, mailEnv, replyTo, startFacteur, type MailPeers, type RunningFacteur } from './support/mail.js';

/** What the server takes at most: an answer's words and logo pass, its PDFs do not. */
const SERVER_BYTES = 60 * 1024;

let peers: MailPeers;
let facteur: RunningFacteur;

beforeAll(async () => {
  const [dovecot, smtp] = await Promise.all([startDovecot(), startSmtpPeer({ size: SERVER_BYTES })]);
  peers = { dovecot, smtp, close: () => Promise.all([dovecot.destroy(), smtp.close()]).then(() => undefined) };
  facteur = await startFacteur(mailEnv(peers));
});

afterAll(async () => {
  await facteur?.stop();
  await peers?.close();
});

describe('an answer refused for its size (552)', () => {
  it('goes again at once without its files, saying the server refused them and how to ask, and the delivery carries no file', async () => {
    const asked = await deliver(peers, { from: 'awa@example.cm', body: 'Envoyez-moi les factures 1210, 1214 et 1220 en PDF svp' });
    const reply = await replyTo(peers.smtp, asked);
    expect(reply.files).toEqual([]);
    expect(reply.raw.length).toBeLessThan(SERVER_BYTES);
    expect(reply.parsed.text).toContain('Votre serveur de messagerie a refusé les fichiers de ce message : ils étaient trop lourds pour lui.');
    expect(reply.parsed.text).toMatch(/Demandez moins de factures à la fois|une facture à la fois/);
    await filedIn(peers.dovecot, 'Processed', asked);
    const customer = (await facteur.app.store.customerByAddress('awa@example.cm'))!;
    const [delivery] = (await facteur.app.deliveries.list({ customerId: customer.id, reason: 'request' })).slice(-1);
    expect(delivery).toMatchObject({ status: 'sent', lastError: expect.stringMatching(/^552 .*sent again without its files$/) });
    expect(delivery!.files ?? []).toEqual([]);
  });
});

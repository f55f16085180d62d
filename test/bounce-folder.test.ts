import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importInvoices } from '../src/import/import.js';
import { appendMessage, startDovecot, type Dovecot } from './peers/dovecot.js';
import { startPostfix, type Postfix } from './peers/postfix.js';
import { startSmtpPeer, type SmtpPeer } from './peers/smtp.js';
import { eventually, filedIn, letter, startFacteur, type RunningFacteur } from './support/mail.js';

/**
 * MAIL_BOUNCE_FOLDER: the operator's server files what comes to the return path into a folder of
 * the billing mailbox (here Postfix delivers bounces+…@ into its Maildir++ folder `.Bounces`);
 * Facteur watches it beside the inbox, reads the reports there, and answers nothing that lands
 * there, whoever it claims to be from.
 */
let sink: SmtpPeer;
let postfix: Postfix;
let dovecot: Dovecot;
let facteur: RunningFacteur;
const DEAD = 'awa.nkolo@billing.test';

beforeAll(async () => {
  sink = await startSmtpPeer();
  postfix = await startPostfix({ sinkPort: sink.port, folders: { 'bounces@billing.test': 'Bounces' } });
  dovecot = await startDovecot({ users: [{ user: postfix.mailbox, password: 'secret' }], mailDir: postfix.mailDir });
  facteur = await startFacteur({
    IMAP_HOST: dovecot.host,
    IMAP_PORT: String(dovecot.port),
    IMAP_USER: dovecot.user,
    IMAP_PASSWORD: dovecot.password,
    IMAP_TLS: 'false',
    SMTP_HOST: postfix.host,
    SMTP_PORT: String(postfix.port),
    SMTP_TLS: 'false',
    MAIL_FROM: 'Facturation <facturation@billing.test>',
    MAIL_RETURN_PATH: 'bounces@billing.test',
    MAIL_BOUNCE_FOLDER: 'Bounces',
  });
  const awa = (await facteur.app.store.customerByAddress('awa@example.cm'))!;
  await facteur.app.store.updateCustomer(awa.id, (c) => ({ ...c, notifications: { ...c.notifications, address: DEAD } }));
});

afterAll(async () => {
  await facteur?.stop();
  await dovecot?.destroy();
  await postfix?.destroy();
  await sink?.close();
});

describe('a bounce folder', { timeout: 120_000 }, () => {
  it('is watched beside the inbox, and its reports are read', async () => {
    await eventually('both folders watched', () => (facteur.mail.state().up ? true : undefined));
    expect(facteur.mail.state().detail).toMatch(/watching INBOX .*; bounce folder: watching Bounces/);
    const file = path.join(facteur.dataDir, 'export.json');
    await writeFile(
      file,
      JSON.stringify([
        {
          number: '9500',
          customer: 'awa@example.cm',
          issuedAt: '2026-11-20',
          dueAt: '2026-12-20',
          currency: 'XAF',
          lines: [{ label: 'Hébergement Pro', quantity: 1, unitPrice: 15_000 }],
          status: 'unpaid',
        },
      ]),
    );
    await importInvoices(facteur.app.store, file);
    await facteur.app.push.run();
    const [push] = await facteur.app.store.deliveries({ invoice: '9500' });
    const bounced = await eventually(
      'the push bounced',
      async () => ((await facteur.app.store.delivery(push!.id))?.status === 'bounced' ? true : undefined),
      60_000,
    );
    expect(bounced).toBe(true);
    // The address is suppressed just after the delivery is marked: a write of its own.
    expect(await eventually('the address suppressed', () => facteur.app.store.suppression(DEAD))).toMatchObject({ kind: 'bounce', status: '5.1.1' });
  });

  it('answers nothing that lands there: a person\u2019s mail, an auto-reply', async () => {
    const person = letter({ from: 'paul@example.cm', to: 'bounces@billing.test', subject: 'facture', body: 'Bonjour, la facture 1214 svp' });
    const away = letter({
      from: 'paul@example.cm',
      to: 'bounces@billing.test',
      subject: 'Absence',
      body: 'Je suis absent.',
      headers: { 'Auto-Submitted': 'auto-replied' },
    });
    for (const mail of [person, away]) await appendMessage(dovecot, mail.raw, 'Bounces');
    for (const mail of [person, away]) await filedIn(dovecot, 'Processed', mail.messageId);
    const record = await facteur.app.store.inboundMessage('', { messageId: person.messageId, sender: 'paul@example.cm' });
    expect(record).toMatchObject({ status: 'ignored', reason: 'not a delivery report (the bounce folder is never answered)' });
    expect(sink.messages.filter((m) => m.envelope.to.includes('paul@example.cm'))).toEqual([]);
  });
});

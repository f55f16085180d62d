import nodemailer from 'nodemailer';
import { simpleParser } from 'mailparser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDovecot, type Dovecot } from './peers/dovecot.js';
import { startPostfix, type Postfix } from './peers/postfix.js';
import { startSmtpPeer, type SmtpPeer } from './peers/smtp.js';
import { eventually } from './support/mail.js';
import { ImapFlow } from 'imapflow';

/**
 * The private Postfix the bounce tests run against, checked for what they rely on: it relays
 * other domains to the test's SMTP server with the envelope as sent, and it accepts mail for an
 * unknown recipient of its domain, then returns a real DSN to the envelope sender's VERP address,
 * delivered into the Maildir Dovecot serves.
 */
describe('a private Postfix on loopback', () => {
  let sink: SmtpPeer;
  let postfix: Postfix;
  let dovecot: Dovecot;
  beforeAll(async () => {
    sink = await startSmtpPeer();
    postfix = await startPostfix({ sinkPort: sink.port, transports: { 'fail.test': 'error:5.1.1 Gone away' } });
    dovecot = await startDovecot({ users: [{ user: postfix.mailbox, password: 'secret' }], mailDir: postfix.mailDir });
  });
  afterAll(async () => {
    await dovecot?.destroy();
    await postfix?.destroy();
    await sink?.close();
  });

  const send = (from: string, to: string, messageId: string) =>
    nodemailer
      .createTransport({ host: postfix.host, port: postfix.port, secure: false, ignoreTLS: true })
      .sendMail({ envelope: { from, to: [to] }, from: 'Facteur <facturation@billing.test>', to, subject: 'Vos factures', text: 'Bonjour', messageId });

  it('relays another domain to the sink, envelope sender kept', async () => {
    await send('bounces+abc@billing.test', 'awa@example.cm', '<relay-1@billing.test>');
    const mail = await sink.waitForMessage((m) => m.parsed.messageId === '<relay-1@billing.test>', 15_000);
    expect(mail.envelope).toEqual({ from: 'bounces+abc@billing.test', to: ['awa@example.cm'] });
  });

  it.each([
    ['an unknown user of its domain', 'nobody@billing.test', /unknown user/],
    ['a domain routed to error:', 'gone@fail.test', /Gone away/],
  ])('bounces %s with a DSN to the VERP address, served by Dovecot', async (_kind, to, diagnostic) => {
    const messageId = `<${to.replace('@', '.')}@billing.test>`;
    await send('bounces+tok42@billing.test', to, messageId);
    const dsn = await eventually(
      'the DSN in the billing mailbox',
      async () => {
        const client = new ImapFlow({
          host: dovecot.host,
          port: dovecot.port,
          secure: false,
          auth: { user: dovecot.user, pass: dovecot.password },
          logger: false,
        });
        await client.connect();
        try {
          await client.mailboxOpen('INBOX');
          for (const message of await client.fetchAll('1:*', { source: true })) {
            const parsed = await simpleParser(message.source!, { keepDeliveryStatus: true });
            if (parsed.attachments.some((a) => a.contentType === 'message/rfc822' && a.content.toString().includes(messageId))) return parsed;
          }
          return undefined;
        } finally {
          await client.logout();
        }
      },
      15_000,
    );
    expect(dsn.headers.get('content-type')).toMatchObject({ value: 'multipart/report', params: { 'report-type': 'delivery-status' } });
    expect(dsn.to).toMatchObject({ text: 'bounces+tok42@billing.test' });
    const status = dsn.attachments.find((a) => a.contentType === 'message/delivery-status')!.content.toString();
    expect(status).toMatch(new RegExp(`Final-Recipient: rfc822; ${to}`));
    expect(status).toMatch(/Action: failed/);
    expect(status).toMatch(/Status: 5\.1\.1/);
    expect(status).toMatch(diagnostic);
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appendMessage, listMailbox } from './peers/dovecot.js';
import {
  eventually,
  filedIn,
  letter,
  mailEnv,
  replyTo,
  repliesTo,
  startFacteur,
  startMailPeers,
  zipEntries,
  type MailPeers,
  type RunningFacteur,
} from './support/mail.js';
import { pdfText } from './support/read.js';

let peers: MailPeers;
let facteur: RunningFacteur;

beforeAll(async () => {
  peers = await startMailPeers();
  facteur = await startFacteur(mailEnv(peers));
});

afterAll(async () => {
  await facteur?.stop();
  await peers?.close();
});

/** Delivers a customer's message to the billing mailbox, as their provider would. */
async function deliver(message: { raw: string; messageId: string }): Promise<string> {
  await appendMessage(peers.dovecot, message.raw);
  return message.messageId;
}

describe('the billing inbox, over IMAP and SMTP', () => {
  it('answers a request for one invoice in the same thread, with that invoice as a PDF', async () => {
    const asked = await deliver(
      letter({
        from: 'Awa Nkolo <awa@example.cm>',
        subject: 'Demande de facture',
        body: "Bonjour,\n\nPouvez-vous m'envoyer la facture n° 1210 ?\n\nMerci,\nAwa",
      }),
    );
    const reply = await replyTo(peers.smtp, asked);

    expect(reply.envelope.to).toEqual(['awa@example.cm']);
    expect(reply.parsed.to).toMatchObject({ value: [{ address: 'awa@example.cm' }] });
    expect(reply.parsed.subject).toBe('Re: Demande de facture');
    expect(reply.parsed.references).toEqual(asked);
    expect(reply.parsed.headers.get('auto-submitted')).toBe('auto-replied');
    expect(reply.parsed.messageId).toMatch(/^<[^@]+@facteur\.example>$/);
    expect(reply.parsed.text).toContain('Voici la facture n° 1210');
    expect(reply.parsed.html).toContain('Voici la facture n° 1210');
    expect(reply.files.map((a) => [a.filename, a.contentType])).toEqual([['facture-1210.pdf', 'application/pdf']]);
    const text = await pdfText(reply.files[0]!.content);
    expect(text).toContain('1210');
    expect(text).toContain('Awa Nkolo');
    const awa = (await facteur.app.store.customerByAddress('awa@example.cm'))!;
    expect((await facteur.app.deliveries.list({ customerId: awa.id })).find((d) => d.messageId === reply.parsed.messageId)).toMatchObject({
      invoices: ['1210'],
      channel: 'email',
      reason: 'request',
      status: 'sent',
      recipient: 'awa@example.cm',
    });

    const filed = await filedIn(peers.dovecot, 'Processed', asked);
    expect(filed.flags).toContain('\\Seen');
    expect((await listMailbox(peers.dovecot)).map((m) => m.messageId)).not.toContain(asked);
  });

  it('answers a ZIP request in the language it was written in, each invoice of the year inside', async () => {
    const asked = await deliver(letter({ from: 'awa@example.cm', subject: 'invoices', body: 'Hello, all my 2019 invoices as a zip please. Thanks!' }));
    const reply = await replyTo(peers.smtp, asked);

    expect(reply.parsed.text).toContain('Here are 3 invoices');
    const [zip, ...others] = reply.files;
    expect(others).toEqual([]);
    expect(zip).toMatchObject({ contentType: 'application/zip', filename: 'invoices-1210-1217.zip' });
    const entries = await zipEntries(zip!);
    expect(entries.map((e) => e.name).sort()).toEqual(['invoice-1210.pdf', 'invoice-1214.pdf', 'invoice-1217.pdf']);
    for (const entry of entries) expect(await pdfText(entry.bytes)).toContain(entry.name.slice(8, 12));
  });

  it('answers a reply to an earlier invoice mail in the thread, reading only what is new', async () => {
    const first = await deliver(letter({ from: 'awa@example.cm', subject: 'facture 1210' }));
    const earlier = await replyTo(peers.smtp, first);
    const quoted = earlier.parsed
      .text!.split('\n')
      .map((line) => `> ${line}`)
      .join('\n');
    const again = await deliver(
      letter({
        from: 'Awa Nkolo <awa@example.cm>',
        subject: 'Re: facture 1210',
        headers: { 'In-Reply-To': earlier.parsed.messageId!, References: `${first} ${earlier.parsed.messageId}` },
        body: `Merci ! Et la facture 1214 aussi, s'il vous plaît.\n\nLe mer. 25 nov. 2026 à 10:02, Facteur <facturation@facteur.example> a écrit :\n${quoted}`,
      }),
    );
    const reply = await replyTo(peers.smtp, again);

    expect(reply.parsed.subject).toBe('Re: facture 1210');
    expect(reply.parsed.references).toEqual([first, earlier.parsed.messageId, again]);
    expect(reply.files.map((a) => a.filename)).toEqual(['facture-1214.pdf']);
    expect(await pdfText(reply.files[0]!.content)).toContain('1214');
  });

  it('continues a list further down the thread: "suivant" turns the page asked for at its start', async () => {
    const first = await deliver(letter({ from: 'awa@example.cm', subject: 'factures' }));
    const page1 = await replyTo(peers.smtp, first);
    expect(page1.parsed.text).toMatch(/Page 1 sur \d/);
    const next = await deliver(
      letter({
        from: 'awa@example.cm',
        subject: 'Re: factures',
        body: 'suivant',
        headers: { 'In-Reply-To': page1.parsed.messageId!, References: `${first} ${page1.parsed.messageId}` },
      }),
    );
    expect((await replyTo(peers.smtp, next)).parsed.text).toMatch(/Page 2 sur \d/);
  });

  it('tells an unknown sender only that the address is unknown, once a day, and nothing when the message is automatic', async () => {
    const asked = await deliver(letter({ from: 'inconnu@example.org', subject: 'facture 1210', body: 'La facture 1210 svp' }));
    const reply = await replyTo(peers.smtp, asked);
    expect(reply.envelope.to).toEqual(['inconnu@example.org']);
    expect(reply.parsed.text).toContain("L'adresse inconnu@example.org ne correspond à aucun compte client");
    expect(reply.parsed.text).not.toMatch(/1210|FCFA/);
    expect(reply.files).toEqual([]);

    const twice = await deliver(letter({ from: 'inconnu@example.org', subject: 'facture 1214' }));
    const robot = await deliver(letter({ from: 'robot@example.org', subject: 'facture 1210', headers: { 'Auto-Submitted': 'auto-generated' } }));
    await filedIn(peers.dovecot, 'Processed', twice);
    await filedIn(peers.dovecot, 'Processed', robot);
    expect(repliesTo(peers.smtp, twice)).toEqual([]);
    expect(repliesTo(peers.smtp, robot)).toEqual([]);
    expect(peers.smtp.messages.filter((m) => m.envelope.to.includes('robot@example.org'))).toEqual([]);
  });

  it('answers a known sender at the address on record only, whatever Reply-To and Cc say', async () => {
    const asked = await deliver(
      letter({
        from: 'Awa Nkolo <awa@example.cm>',
        subject: 'facture 1210',
        headers: { 'Reply-To': 'Collecte <collecte@evil.example>', Cc: 'complice@evil.example' },
      }),
    );
    const reply = await replyTo(peers.smtp, asked);
    expect(reply.envelope.to).toEqual(['awa@example.cm']);
    expect(reply.parsed.to).toMatchObject({ value: [{ address: 'awa@example.cm' }] });
    expect(reply.parsed.cc).toBeUndefined();
    expect(peers.smtp.messages.flatMap((m) => m.envelope.to).filter((to) => to.endsWith('@evil.example'))).toEqual([]);
  });

  it('gives nothing to an out-of-office reply nor to a bounce, even ones quoting a request', async () => {
    const before = peers.smtp.messages.length;
    const away = await deliver(
      letter({
        from: 'Awa Nkolo <awa@example.cm>',
        subject: 'Réponse automatique : facture 1210',
        body: "Je suis absente jusqu'au 3 décembre. Pour la facture 1210, voyez avec la comptabilité.",
        headers: { 'Auto-Submitted': 'auto-replied', 'X-Auto-Response-Suppress': 'All' },
      }),
    );
    const bounceId = '<bounce-1@mx.example.cm>';
    const boundary = 'report-boundary';
    const bounce = [
      'From: Mail Delivery System <MAILER-DAEMON@mx.example.cm>',
      'To: billing@example.test',
      'Subject: Undelivered Mail Returned to Sender',
      `Message-ID: ${bounceId}`,
      'Return-Path: <>',
      'MIME-Version: 1.0',
      `Content-Type: multipart/report; report-type=delivery-status; boundary="${boundary}"`,
      '',
      `--${boundary}`,
      'Content-Type: text/plain',
      '',
      'The message "facture 1210" could not be delivered to awa@example.cm.',
      `--${boundary}`,
      'Content-Type: message/delivery-status',
      '',
      'Final-Recipient: rfc822; awa@example.cm',
      'Action: failed',
      'Status: 5.1.1',
      `--${boundary}--`,
      '',
    ].join('\r\n');
    await appendMessage(peers.dovecot, bounce);
    const sentinel = await deliver(letter({ from: 'paul@example.cm', subject: 'factures' }));

    await replyTo(peers.smtp, sentinel);
    await filedIn(peers.dovecot, 'Processed', away);
    await filedIn(peers.dovecot, 'Processed', bounceId);
    expect(peers.smtp.messages.slice(before).map((m) => m.envelope.to)).toEqual([['paul@example.cm']]);
  });

  it('answers a request that comes with a huge attachment, reading no more of it than it needs', async () => {
    const messageId = '<scan-1@example.cm>';
    const scan = Buffer.alloc(6 * 1024 * 1024, 7)
      .toString('base64')
      .replace(/.{76}/g, '$&\r\n');
    const raw = [
      'From: Awa Nkolo <awa@example.cm>',
      'To: billing@example.test',
      'Subject: facture 1214',
      `Message-ID: ${messageId}`,
      'MIME-Version: 1.0',
      'Content-Type: multipart/mixed; boundary="b"',
      '',
      '--b',
      'Content-Type: text/plain; charset=utf-8',
      '',
      'Bonjour, la facture 1214 svp (ci-joint mon reçu scanné).',
      '--b',
      'Content-Type: application/pdf; name="scan.pdf"',
      'Content-Transfer-Encoding: base64',
      '',
      scan,
      '--b--',
      '',
    ].join('\r\n');
    await appendMessage(peers.dovecot, raw);
    const reply = await replyTo(peers.smtp, messageId);
    expect(reply.envelope.to).toEqual(['awa@example.cm']);
    expect(reply.files.map((a) => a.filename)).toEqual(['facture-1214.pdf']);
    await filedIn(peers.dovecot, 'Processed', messageId);
  });

  it('moves a malformed message to Failed, unread, and still answers the next one', async () => {
    const malformed = [
      'From: <<<>>>',
      'Subject: cassé',
      'Message-ID: <malformed-1@example.cm>',
      'Content-Type: multipart/mixed; boundary="nowhere"',
      '',
      '\x00\x01 no boundary, no sender, nothing to read',
      '',
    ].join('\r\n');
    await appendMessage(peers.dovecot, malformed);
    const next = await deliver(letter({ from: 'awa@example.cm', subject: 'facture 1217' }));

    expect((await replyTo(peers.smtp, next)).files.map((a) => a.filename)).toEqual(['facture-1217.pdf']);
    const failed = await filedIn(peers.dovecot, 'Failed', '<malformed-1@example.cm>');
    expect(failed.flags).not.toContain('\\Seen');
    expect(await listMailbox(peers.dovecot)).toEqual([]);
    const logged = await eventually('the reason in the log', () =>
      facteur.logs.find((entry) => entry.msg === 'mail: unreadable message moved to the failed folder'),
    );
    expect(logged.reason).toMatch(/sender/);
  });
});

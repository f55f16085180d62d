import { describe, expect, it } from 'vitest';
import { parse } from '../src/assistant/reading/read.js';
import { automaticReason } from '../src/channels/email/automatic.js';
import { dmarcVerdict } from '../src/channels/email/dmarc.js';
import { readMail, UnreadableMail, type InboundMail } from '../src/channels/email/read.js';
import { MAX_LINES, ownLines } from '../src/assistant/reading/request.js';
import { mailRequest } from './support/mail-request.js';
import { readZones } from '../src/channels/email/zones.js';
import { conversationOf, replySubject, threadHeaders } from '../src/channels/email/thread.js';

const TODAY = '2026-11-25';
const OWN = new Set(['facturation@facteur.example']);

/** A raw message: the headers given, then a blank line and the body, with CRLF line ends. */
function raw(headers: Record<string, string>, body = 'facture 1210'): Buffer {
  const all = { From: 'Awa Nkolo <awa@example.cm>', To: 'facturation@facteur.example', Subject: 'Question', 'Message-ID': '<m1@example.cm>', ...headers };
  const lines = Object.entries(all).map(([name, value]) => `${name}: ${value}`);
  return Buffer.from(`${lines.join('\r\n')}\r\n\r\n${body.replace(/\n/g, '\r\n')}\r\n`);
}

/** The request of a fresh mail (no thread) with this subject and body. */
function request(subject: string, text: string) {
  return mailRequest(readZones({ subject, text, inReplyTo: null, references: [] }), TODAY);
}

/** The lines of this body the customer wrote. */
function own(text: string): string[] {
  return ownLines(readZones({ subject: '', text, inReplyTo: null, references: [] }));
}

async function mail(headers: Record<string, string> = {}, body?: string): Promise<InboundMail> {
  return readMail(raw(headers, body));
}

describe('reading a message', () => {
  it('takes the one From address in lower case, the threading headers and the text', async () => {
    const read = await mail({ From: 'Awa <AWA@Example.CM>', 'In-Reply-To': '<r1@facteur.example>', References: '<m0@example.cm> <r1@facteur.example>' });
    expect(read).toMatchObject({
      sender: 'awa@example.cm',
      messageId: '<m1@example.cm>',
      inReplyTo: '<r1@facteur.example>',
      references: ['<m0@example.cm>', '<r1@facteur.example>'],
    });
    expect(read.text.trim()).toBe('facture 1210');
  });

  it('turns an HTML-only message into text', async () => {
    const read = await mail({ 'Content-Type': 'text/html; charset=utf-8' }, '<p>Bonjour,</p><p>la facture n&deg;&nbsp;1210 svp</p>');
    expect(request(read.subject, read.text)).toMatchObject({ intent: 'pdf' });
  });

  it('refuses a message without exactly one valid sender', async () => {
    await expect(mail({ From: '<<<>>>' })).rejects.toBeInstanceOf(UnreadableMail);
    await expect(mail({ From: 'awa@example.cm, paul@example.cm' })).rejects.toThrow(/exactly one/);
    await expect(readMail(Buffer.from([0xff, 0xfe, 0x00, 0x10, 0x41]))).rejects.toThrow(/no sender/);
  });
});

describe('finding the request in a message', () => {
  it('reads subjects and lines built to make patterns backtrack in time proportional to their length', () => {
    // Quadratic matching of a million characters would take minutes: past the test's timeout.
    const subject = `re${' '.repeat(1_000_000)}`;
    const body = `le ${'a '.repeat(500_000)}\n${'> x\n'.repeat(100_000)}`;
    expect(request(subject, body).intent).toBeNull();
    expect(request(`${'Re: '.repeat(300_000)}facture 1210`, '').intent).toBeNull();
  });

  it('stops at the header block and the rule Outlook puts above the quoted message', () => {
    const header = [
      'Oui',
      '',
      '________________________________',
      'De : Facteur <facturation@facteur.example>',
      'Envoyé : mercredi 2 décembre 2026 10:02',
      'À : awa@example.cm',
      'Objet : Vos factures 2019',
      '',
      'Voici vos factures de 2019',
    ];
    expect(own(header.join('\n'))).toEqual(['Oui']);
    const bare = [
      'zip 2019',
      'From: Facteur <facturation@facteur.example>',
      'Sent: Wednesday, December 2, 2026 10:02 AM',
      'Subject: Your invoices',
      'facture 1210',
    ];
    expect(own(bare.join('\n'))).toEqual(['zip 2019']);
    expect(own('De : Awa\nMerci pour la facture 1210')).toEqual(['De : Awa', 'Merci pour la facture 1210']);
  });

  it('reads the first lines the customer wrote, not the quoted history nor the signature', () => {
    const text = [
      'Bonjour,',
      '',
      'Pouvez-vous m’envoyer la facture n° 1214 ?',
      '',
      '-- ',
      'Awa Nkolo, 699 12 34 56',
      '',
      'Le mer. 25 nov. 2026 à 10:02, Facteur <facturation@facteur.example> a écrit :',
      '> Voici la facture n° 1210',
    ].join('\n');
    expect(own(text)).toEqual(['Bonjour,', 'Pouvez-vous m’envoyer la facture n° 1214 ?']);
    expect(request('Re: facture 1210', text)).toMatchObject({ intent: 'pdf', text: expect.not.stringContaining('1210') });
  });

  it('stops at a signature written without its rule: a contact line, and the name just above it', () => {
    expect(own('Bonjour\nfacture 1210 svp\nAwa Nkolo\nTél : 6 99 12 34 56\nBP 4512 Douala')).toEqual(['Bonjour', 'facture 1210 svp']);
    expect(own('Merci\nJean-Paul Fotso, Directeur Financier\n+237 699 12 34 56')).toEqual(['Merci']);
    expect(own('zip 2019\nwww.hotel-du-wouri.cm')).toEqual(['zip 2019']);
    expect(own('Bonjour\nmes factures 2024\nMarie Dupont\n12 rue de la Paix\n75008 Paris')).toEqual(['Bonjour', 'mes factures 2024']);
    expect(own('zip 2019\nSARL Ndjock\n75008 Paris')).toEqual(['zip 2019']);
    expect(request('', 'Bonjour\nmes factures 2024\nMarie Dupont\n12 rue de la Paix\n75008 Paris')).toMatchObject({ intent: 'list' });
    // The line above is the request itself, not a name: it stays.
    expect(own('Bonjour\nfacture 1210\n699 12 34 56')).toEqual(['Bonjour', 'facture 1210']);
    expect(own('Renvoyez la facture\nBP 12')).toEqual(['Renvoyez la facture']);
    expect(request('', 'Bonjour,\nmerci beaucoup\nAwa\nTél. 699 12 34 56')).toMatchObject({ intent: 'smalltalk' });
    expect(request('', 'Envoyez la facture 1210 svp\nAwa\n699 12 34 56')).toMatchObject({ intent: 'pdf', text: expect.not.stringContaining('699') });
  });

  it('takes a line for contact details only when its label is followed by the number: « Téléchargement … », « Mobile Money … » are requests', () => {
    expect(own('Téléchargement des factures 2026 svp')).toEqual(['Téléchargement des factures 2026 svp']);
    expect(own("Bonjour\nMobile Money : j'ai payé la 1266 hier")).toEqual(['Bonjour', "Mobile Money : j'ai payé la 1266 hier"]);
    expect(own('Portable volé, renvoyez la 1268 svp')).toEqual(['Portable volé, renvoyez la 1268 svp']);
    expect(own('Phone bill aside, send invoice 1268')).toEqual(['Phone bill aside, send invoice 1268']);
    expect(request('', "Mobile Money : j'ai payé la 1266 hier")).toMatchObject({ intent: 'paidClaim' });
    // The same labels before a number are a signature, with a word or two between.
    expect(own('facture 1210 svp\nTél / WhatsApp : +237 699 12 34 56')).toEqual(['facture 1210 svp']);
    expect(own('facture 1210 svp\nMobile pro : 699 12 34 56')).toEqual(['facture 1210 svp']);
    expect(own('facture 1210 svp\nTéléphone: (+237) 6 99 12 34 56')).toEqual(['facture 1210 svp']);
  });

  it('reads a phone number or a postal box in the sentence as no invoice number', () => {
    expect(parse('Rappelez-moi au 699 12 34 56 pour la facture 1210', TODAY).command).toEqual({ intent: 'pdf', numbers: ['1210'] });
    expect(parse('facture 1210 tel 699123456', TODAY).command).toEqual({ intent: 'pdf', numbers: ['1210'] });
    expect(request('', 'Mon adresse est BP 4512 Douala, envoyez mes factures').intent).toBe('list');
  });

  it('stops at attributions in both languages, wrapped over two lines or not, and at Outlook separators', () => {
    expect(own('zip 2019\nOn Wed, 25 Nov 2026 at 10:02, Facteur <facturation@facteur.example> wrote:\n> factures')).toEqual(['zip 2019']);
    expect(own('zip 2019\nLe mer. 25 nov. 2026 à 10:02, Facteur <facturation@\nfacteur.example> a écrit :\nfacture 1210')).toEqual(['zip 2019']);
    expect(own('zip 2019\n-----Original Message-----\nFrom: Facteur')).toEqual(['zip 2019']);
    expect(own('zip 2019\n> facture 1210\nmerci')).toEqual(['zip 2019', 'merci']);
  });

  it('reads at most a bounded number of lines', () => {
    const text = Array.from({ length: 100 }, (_, i) => `ligne ${i}`).join('\n');
    expect(own(text)).toHaveLength(MAX_LINES);
  });

  it('falls back on the subject when the body asks nothing, and says which language it is in', () => {
    expect(request('Re: facture 1210', 'Bonjour, merci')).toMatchObject({ text: 'facture 1210', intent: 'pdf' });
    expect(request('invoices', '')).toMatchObject({ intent: 'list', locale: 'en' });
    expect(request('Bonjour', 'Merci pour tout')).toMatchObject({ intent: 'smalltalk' });
    expect(request('Question', 'azerty qsdf')).toMatchObject({ intent: null });
  });
});

describe('recognising automatic mail', () => {
  it('answers a person', async () => {
    expect(automaticReason(await mail({ 'Auto-Submitted': 'no' }), OWN)).toBeNull();
  });

  it.each([
    [{ 'Auto-Submitted': 'auto-replied' }, /Auto-Submitted/],
    [{ 'Auto-Submitted': 'auto-generated; owner-email="x@example.cm"' }, /Auto-Submitted/],
    [{ Precedence: 'bulk' }, /Precedence/],
    [{ Precedence: 'junk' }, /Precedence/],
    [{ Precedence: 'list' }, /Precedence/],
    [{ 'List-Id': '<clients.example.cm>' }, /list-id/],
    [{ 'List-Unsubscribe': '<mailto:leave@example.cm>' }, /list-unsubscribe/],
    [{ 'Return-Path': '<>' }, /empty return path/],
    [{ From: 'MAILER-DAEMON@mx.example.cm' }, /robot/],
    [{ From: 'postmaster@example.cm' }, /robot/],
    [{ From: 'noreply@example.cm' }, /robot/],
    [{ From: 'no-reply+abc@example.cm' }, /robot/],
    [{ 'Content-Type': 'multipart/report; report-type=delivery-status; boundary="b"' }, /delivery report/],
    [{ 'X-Auto-Response-Suppress': 'All' }, /x-auto-response-suppress/],
    [{ From: 'Facteur <FACTURATION@facteur.example>' }, /Facteur itself/],
  ])('does not answer %o', async (headers, reason) => {
    expect(automaticReason(await mail(headers), OWN)).toMatch(reason);
  });

  it('is not fooled by a person whose name merely looks like a robot', async () => {
    expect(automaticReason(await mail({ From: 'Noreen Postma <noreen.postma@example.cm>' }), OWN)).toBeNull();
  });
});

describe('the DMARC check for changes asked by mail', () => {
  const pass = 'mx.facteur.example; spf=pass smtp.mailfrom=example.cm; dkim=pass header.d=example.cm; dmarc=pass (p=reject; dis=none) header.from=example.cm';

  it('trusts dmarc=pass for the From domain from our own server', async () => {
    expect(dmarcVerdict(await mail({ 'Authentication-Results': pass }), 'mx.facteur.example')).toBe('pass');
  });

  it('ignores results from another server, for another domain, or that did not pass', async () => {
    expect(dmarcVerdict(await mail({ 'Authentication-Results': pass }), 'mx.other.example')).not.toBe('pass');
    expect(
      dmarcVerdict(await mail({ 'Authentication-Results': pass.replace('header.from=example.cm', 'header.from=evil.example') }), 'mx.facteur.example'),
    ).not.toBe('pass');
    expect(dmarcVerdict(await mail({ 'Authentication-Results': 'mx.facteur.example; dmarc=fail header.from=example.cm' }), 'mx.facteur.example')).not.toBe(
      'pass',
    );
    expect(dmarcVerdict(await mail({ 'Authentication-Results': 'mx.facteur.example (dmarc=pass); spf=pass' }), 'mx.facteur.example')).not.toBe('pass');
    expect(dmarcVerdict(await mail(), 'mx.facteur.example')).not.toBe('pass');
  });

  it('is not fooled by a quoted value, a pass for no domain, or one written below our own header', async () => {
    const smuggled = 'mx.facteur.example; spf=pass smtp.mailfrom="x;dmarc=pass"@evil.test; dmarc=fail header.from=example.cm';
    expect(dmarcVerdict(await mail({ 'Authentication-Results': smuggled }), 'mx.facteur.example')).not.toBe('pass');
    expect(dmarcVerdict(await mail({ 'Authentication-Results': 'mx.facteur.example; dmarc=pass' }), 'mx.facteur.example')).not.toBe('pass');
    expect(
      dmarcVerdict(
        await mail({ 'Authentication-Results': 'mx.facteur.example; dmarc=pass (header.from=example.cm) header.from=evil.test' }),
        'mx.facteur.example',
      ),
    ).not.toBe('pass');
    const ownFail = 'mx.facteur.example; dmarc=fail header.from=example.cm';
    const raw = Buffer.from(
      `Authentication-Results: ${ownFail}\r\nAuthentication-Results: ${pass}\r\nFrom: awa@example.cm\r\nSubject: x\r\n\r\nfacture 1210\r\n`,
    );
    expect(dmarcVerdict(await readMail(raw), 'mx.facteur.example')).toBe('fail');
  });

  it('does not rely on a header that readers could take two ways: a second dmarc result, a single quote, a backslash', async () => {
    const helo = 'mx.facteur.example; dmarc=fail header.from=example.cm; spf=pass smtp.helo=h;dmarc=pass\theader.from=example.cm';
    const quote =
      "mx.facteur.example; spf=pass smtp.mailfrom=o'x@evil.test; dmarc=fail header.from=example.cm; dkim=pass header.s=a';dmarc=pass header.from=example.cm";
    const escape = 'mx.facteur.example; spf=pass smtp.mailfrom="a\\"@evil.test; dmarc=pass header.from=example.cm';
    for (const header of [helo, quote, escape]) expect(dmarcVerdict(await mail({ 'Authentication-Results': header }), 'mx.facteur.example')).toBe('none');
  });

  it('tells a failure for this From from a result that says nothing about it', async () => {
    expect(dmarcVerdict(await mail({ 'Authentication-Results': 'mx.facteur.example; dmarc=fail header.from=example.cm' }), 'mx.facteur.example')).toBe('fail');
    expect(dmarcVerdict(await mail({ 'Authentication-Results': 'mx.facteur.example; dmarc=fail header.from=other.example' }), 'mx.facteur.example')).toBe(
      'none',
    );
    expect(dmarcVerdict(await mail({ 'Authentication-Results': 'mx.facteur.example; dmarc=none header.from=example.cm' }), 'mx.facteur.example')).toBe('none');
    expect(dmarcVerdict(await mail({ 'Authentication-Results': 'mx.facteur.example; spf=pass smtp.mailfrom=example.cm' }), 'mx.facteur.example')).toBe('none');
  });

  it('reads the header however our server writes it: a version, comments, case, folded lines', async () => {
    const folded = 'MX.Facteur.Example 1;\r\n\tspf=pass smtp.mailfrom=example.cm;\r\n\tdmarc=PASS (p=none) header.from=Example.CM';
    expect(dmarcVerdict(await mail({ 'Authentication-Results': folded }), 'mx.facteur.example')).toBe('pass');
    expect(dmarcVerdict(await mail({ 'Authentication-Results': `(our relay) ${pass}` }), 'mx.facteur.example')).toBe('pass');
  });
});

describe('the sender of a message', () => {
  it.each([
    ['"Nkolo, Awa" <awa@example.cm>', 'awa@example.cm'],
    ['=?utf-8?q?Awa_Nkolo?= <Awa@Example.cm>', 'awa@example.cm'],
    ['"awa@example.cm" <paul@example.cm>', 'paul@example.cm'],
    ['awa@example.cm (Awa Nkolo)', 'awa@example.cm'],
  ])('is the one address in %s', async (from, sender) => {
    expect((await mail({ From: from })).sender).toBe(sender);
  });

  it.each([
    ['<awa@example.cm> <evil@x.test>'],
    ['awa@example.cm evil@x.test'],
    ['awa@example.cm (Awa) <evil@x.test>'],
    ['=?utf-8?b?YXdhQGV4YW1wbGUuY20=?='],
    ['Awa <=?utf-8?q?awa?=@example.cm>'],
    ['Amis: awa@example.cm;'],
    [`${'A'.repeat(600)} <awa@example.cm>`],
  ])('cannot be read one way only in %s', async (from) => {
    await expect(mail({ From: from })).rejects.toBeInstanceOf(UnreadableMail);
  });
});

describe('threading a reply', () => {
  it('puts Re: once, and a subject when there was none', () => {
    expect(replySubject('facture 1210', 'Votre demande')).toBe('Re: facture 1210');
    expect(replySubject('RE: Re: facture 1210', 'Votre demande')).toBe('Re: facture 1210');
    expect(replySubject('  ', 'Votre demande')).toBe('Re: Votre demande');
  });

  it('does not repeat a subject that could turn a forged request into phishing from our domain', () => {
    for (const subject of [
      'URGENT impayé - payez sur http://evil.test',
      'Régularisez sur www.evil.test',
      'payez-vite.example.com',
      'écrivez à support@evil.test',
      'x'.repeat(90),
      'facture\u202e0121',
    ]) {
      expect(replySubject(subject, 'Votre demande')).toBe('Re: Votre demande');
    }
    expect(replySubject('Re: Nouvelle facture n° 1266 (89 438 FCFA)', 'Votre demande')).toBe('Re: Nouvelle facture n° 1266 (89 438 FCFA)');
  });

  it('answers the message in its thread, and names the conversation by its sender and the thread’s first message', async () => {
    const reply = await mail({ 'Message-ID': '<m3@example.cm>', 'In-Reply-To': '<r2@facteur.example>', References: '<m1@example.cm> <r2@facteur.example>' });
    expect(threadHeaders(reply)).toEqual({ inReplyTo: '<m3@example.cm>', references: ['<m1@example.cm>', '<r2@facteur.example>', '<m3@example.cm>'] });
    expect(conversationOf(reply)).toBe('email:awa@example.cm:<m1@example.cm>');
    expect(conversationOf(await mail())).toBe('email:awa@example.cm:<m1@example.cm>');
    const intruder = await mail({ From: 'paul@example.cm', 'Message-ID': '<m4@example.cm>', References: '<m1@example.cm> <r2@facteur.example>' });
    expect(conversationOf(intruder)).not.toBe(conversationOf(reply));
  });
});

import { describe, expect, it } from 'vitest';
import type { ReceivedMail } from './peers/smtp.js';
import { deliver, filedIn, mailFacteurForFile, repliesTo, replyingTo, replyTo, type Letter } from './support/mail.js';

/**
 * A reply to one of Facteur's mails is about what that mail carried (issue 23): « renvoyez-la »,
 * « le fichier n'était pas joint » resolve to its invoices. Only the asker's own deliveries
 * count: In-Reply-To and References are written by whoever writes the mail.
 */
// Awa writes more than the default ten mails an hour here: the limit meant for loops is not what is tested.
const { peers, facteur } = mailFacteurForFile({ FACTEUR_STAFF_EMAILS: 'support@facteur.example', MAIL_REPLIES_PER_HOUR: '100' });

async function ask(message: Letter): Promise<ReceivedMail> {
  return replyTo(peers().smtp, await deliver(peers(), message));
}

const customer = async (email: string) => (await facteur().app.store.customerByAddress(email))!;
const numberOf = async (email: string) => (await facteur().app.store.invoices((await customer(email)).id))[0]!.number;
const filesOf = (mail: ReceivedMail) => mail.files.map((file) => file.filename);

describe('a reply to one of Facteur’s mails', () => {
  it('forged to name another customer’s delivery, points at nothing of theirs', async () => {
    const pauls = await numberOf('paul@example.cm');
    const answered = await ask({ from: 'paul@example.cm', subject: 'facture', body: `facture ${pauls}` });
    expect(filesOf(answered)).toEqual([`facture-${pauls}.pdf`]);

    // Awa's mail names Paul's delivery, as anyone can write in References.
    const forged = await ask({ from: 'awa@example.cm', body: 'Pourriez-vous me la renvoyer ?', ...replyingTo(answered) });
    expect(forged.envelope.to).toEqual(['awa@example.cm']);
    expect(forged.files).toEqual([]);
    expect(forged.parsed.text).not.toContain(pauls);
    expect(await facteur().app.store.deliveries({ customerId: (await customer('awa@example.cm')).id })).not.toContainEqual(
      expect.objectContaining({ invoices: [pauls] }),
    );
  });

  it('naming only messages Facteur never sent, points at nothing', async () => {
    const reply = await ask({
      from: 'awa@example.cm',
      subject: 'Re: facture',
      body: 'Pourriez-vous me la renvoyer ?',
      headers: { 'In-Reply-To': '<made-up@example.cm>', References: '<made-up@example.cm>' },
    });
    expect(reply.files).toEqual([]);
  });

  it('is about what Facteur’s mail carried: « renvoyez-la », a missing file asked again, never the setting', async () => {
    const own = await numberOf('awa@example.cm');
    const answered = await ask({ from: 'awa@example.cm', subject: 'Demande', body: `facture ${own}` });
    const again = await ask({ from: 'awa@example.cm', body: 'Merci, pouvez-vous me la renvoyer ?', ...replyingTo(answered) });
    expect(filesOf(again)).toEqual([`facture-${own}.pdf`]);
    const missing = await ask({ from: 'awa@example.cm', body: "Il n'y avait aucune pièce jointe dans votre message.", ...replyingTo(again) });
    expect(filesOf(missing)).toEqual([`facture-${own}.pdf`]);
    expect((await customer('awa@example.cm')).notifications.attachPdf).toBe(true);
  });

  it('thanked for, is answered a thank-you, not the files again', async () => {
    const own = await numberOf('awa@example.cm');
    const answered = await ask({ from: 'awa@example.cm', subject: 'Facture', body: `facture ${own}` });
    const thanked = await deliver(peers(), { from: 'awa@example.cm', body: 'Parfait, merci beaucoup !', ...replyingTo(answered) });
    const thanks = await replyTo(peers().smtp, thanked);
    expect(thanks.files).toEqual([]);
    expect(repliesTo(peers().smtp, thanked)).toHaveLength(1);
  });
});

describe('a subject that names the invoice', () => {
  it('says which one « la facture mentionnée en objet » is', async () => {
    const own = await numberOf('awa@example.cm');
    const reply = await ask({
      from: 'awa@example.cm',
      subject: `Duplicata facture ${own}`,
      body: 'Bonjour,\nmerci de me renvoyer la facture mentionnée en objet.\nAwa',
    });
    expect(filesOf(reply)).toEqual([`facture-${own}.pdf`]);
  });
});

describe('the provider’s own addresses', () => {
  it('are never a customer’s: no approval nor code names MAIL_FROM or a staff address', async () => {
    for (const address of ['facturation@facteur.example', 'support@facteur.example']) {
      const before = peers().smtp.messages.length;
      const reply = await ask({ from: 'awa@example.cm', subject: 'Adresse', body: `Envoyez désormais mes factures à ${address}, merci.` });
      expect(reply.parsed.text).toContain(`${address} est une adresse de notre service de facturation`);
      const after = peers().smtp.messages.slice(before);
      expect(after.filter((mail) => mail !== reply).map((mail) => mail.parsed.subject)).toEqual([]);
      expect(after.flatMap((mail) => mail.envelope.to)).toEqual(['awa@example.cm']);
      expect((await customer('awa@example.cm')).pending).toEqual([]);
    }
  });
});

describe('a mail that wants no answer', () => {
  it.each([
    [
      'an out-of-office without its headers, by its subject',
      { subject: 'Réponse automatique : Votre facture', body: 'Bonjour,\nJe suis absente. Votre message concernant la facture 1210 sera traité à mon retour.' },
    ],
    [
      'an out-of-office without its headers, by its words',
      { subject: 'Re: Votre facture', body: 'I am out of the office until 4 January with limited access to email. I will reply on my return.' },
    ],
    [
      'a receipt that says no action is needed',
      { subject: 'Facture – accusé de réception', body: 'Nous vous confirmons la bonne réception de la facture. Aucune suite à donner à ce message.' },
    ],
  ])('gets none: %s', async (_what, letter) => {
    const id = await deliver(peers(), { from: 'awa@example.cm', ...letter });
    await filedIn(peers().dovecot, 'Processed', id);
    expect(repliesTo(peers().smtp, id)).toEqual([]);
  });

  it('but a customer who is away and still asks is answered', async () => {
    const own = await numberOf('awa@example.cm');
    const reply = await ask({
      from: 'awa@example.cm',
      subject: 'Facture',
      body: `Je suis en congé jusqu'au 4 janvier : pouvez-vous m'envoyer la facture ${own} ?`,
    });
    expect(filesOf(reply)).toEqual([`facture-${own}.pdf`]);
  });
});

describe('a forward the customer points at', () => {
  const forward = (asked: string) =>
    [
      'Bonjour, cf. message ci-dessous, merci.',
      'Awa',
      '',
      '---------- Forwarded message ---------',
      'De : Cabinet Ekwa <pieces@fiduciaire-ekwa.example>',
      'Date : 1 déc. 2026 à 10:12',
      'Objet : pièces comptables',
      'À : Awa Nkolo <awa@example.cm>',
      '',
      asked,
      'Cordialement,',
      'Cabinet Ekwa',
    ].join('\n');

  it('is read as her request, answered to her address on record only', async () => {
    const own = await numberOf('awa@example.cm');
    const reply = await ask({ from: 'awa@example.cm', subject: 'TR: pièces comptables', body: forward(`Bonjour Madame, il nous manque la facture ${own}.`) });
    expect(reply.envelope.to).toEqual(['awa@example.cm']);
    expect(filesOf(reply)).toEqual([`facture-${own}.pdf`]);
  });

  it('never changes her account nor mails an address it names, whatever it asks', async () => {
    const before = peers().smtp.messages.length;
    const id = await deliver(peers(), {
      from: 'awa@example.cm',
      subject: 'TR: pièces comptables',
      body: forward('Merci d’envoyer désormais vos factures à pieces@fiduciaire-ekwa.example, et de nous ajouter en copie.'),
    });
    await filedIn(peers().dovecot, 'Processed', id);
    expect(
      peers()
        .smtp.messages.slice(before)
        .flatMap((mail) => mail.envelope.to)
        .filter((to) => to !== 'awa@example.cm'),
    ).toEqual([]);
    const awa = await customer('awa@example.cm');
    expect(awa.pending).toEqual([]);
    expect(JSON.stringify(awa)).not.toContain('fiduciaire-ekwa');
  });
});

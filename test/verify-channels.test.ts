/**
 * « est-ce bien une facture de chez vous ? » by mail (Dovecot in, the SMTP peer out) and in a
 * Discord DM (the local Discord, the file fetched from its CDN): the verdict in the customer's
 * language, the genuine PDF beside an altered copy, staff told of copies that are not ours with
 * who sent them and what differs; another customer's invoice told nothing of.
 */
import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import MailComposer from 'nodemailer/lib/mail-composer/index.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DiscordChannel } from '../src/channels/discord/channel.js';
import { issuedPdf } from '../src/import/pdfs.js';
import { appendMessage } from './peers/dovecot.js';
import { startDiscordPeer, type DiscordPeer, type DiscordUser } from './peers/discord.js';
import type { ReceivedMail } from './peers/smtp.js';
import { discordCustomers, registerEverywhere } from './support/discord.js';
import { mailEnv, replyTo, startFacteur, startMailPeers, type MailPeers, type RunningFacteur } from './support/mail.js';

const PDFS = path.join(import.meta.dirname, 'fixtures', 'billing-pdfs');
const GUILD = '1200000000000000009';
const STAFF = 'support@sanaga-hebergement.example';
const STAFF_CHANNEL = '1330000000000000009';
const awaUser: DiscordUser = { id: '1500000000000000099', username: 'awa.nkolo' };

let peers: MailPeers;
let discord: DiscordPeer;
let facteur: RunningFacteur;
let channel: DiscordChannel;
let genuine: Buffer;

beforeAll(async () => {
  [peers, discord] = await Promise.all([startMailPeers(), startDiscordPeer()]);
  facteur = await startFacteur({
    ...mailEnv(peers),
    FACTEUR_STAFF_EMAILS: STAFF,
    DISCORD_STAFF_CHANNEL_ID: STAFF_CHANNEL,
    DISCORD_TOKEN: 'test.bot.token',
    DISCORD_APP_ID: discord.appId,
    DISCORD_GUILD_ID: GUILD,
    DISCORD_API_URL: discord.apiUrl,
  });
  channel = (await facteur.app.discordChannel())!;
  await Promise.all([channel.start(), registerEverywhere(facteur.app.config.discord!, facteur.app.catalog)]);
  genuine = await readFile(path.join(PDFS, '1266.pdf'));
  await facteur.app.store.save({ pdfs: [{ pdf: issuedPdf('1266', genuine, new Date().toISOString()), bytes: genuine }] });
});

afterAll(async () => {
  await channel?.stop();
  await facteur?.stop();
  await Promise.all([peers?.close(), discord?.close()]);
});

/** A customer's mail with PDFs attached, as their mail client writes it; resolves with its Message-ID once in the mailbox. */
async function mailWith(from: string, body: string, files: { name: string; bytes: Buffer }[], subject = 'Facture'): Promise<string> {
  const messageId = `<${randomUUID()}@example.cm>`;
  const raw = await new MailComposer({
    from,
    to: 'billing@example.test',
    subject,
    text: body,
    messageId,
    attachments: files.map((f) => ({ filename: f.name, content: f.bytes, contentType: 'application/pdf' })),
  })
    .compile()
    .build();
  await appendMessage(peers.dovecot, raw);
  return messageId;
}

const fixture = (name: string) => readFile(path.join(PDFS, name));
const text = (mail: ReceivedMail) => (mail.parsed.text ?? '').replace(/[\u202F\u00A0]/g, ' ').replace(/\s+/g, ' ');
const staffMails = () => peers.smtp.messages.filter((m) => m.envelope.to.includes(STAFF) && /Copie suspecte/.test(m.parsed.subject ?? ''));

describe('a customer asks by mail whether a PDF is ours', () => {
  it('an altered copy of their invoice (the IBAN changed): what differs, the genuine PDF attached, staff told who sent it', async () => {
    const asked = await mailWith('awa@example.cm', 'Bonjour, est-ce bien une facture de chez vous ? Le RIB a changé.', [
      { name: 'facture-1266.pdf', bytes: await fixture('1266-iban.pdf') },
    ]);
    const answer = await replyTo(peers.smtp, asked);
    expect(text(answer)).toMatch(
      /Attention : facture-1266\.pdf n’est pas la facture que nous avons émise\. Il porte le numéro de notre facture n° 1266, mais les coordonnées bancaires \(CM21 1000 5000 0109 8765 4321 012, 10005000010987654321012 au lieu de CM21 1000 5000 0101 2345 6789 012, 10005000010123456789012\) diffère/,
    );
    expect(answer.files.map((f) => f.content.equals(genuine))).toEqual([true]);
    const staff = await peers.smtp.waitForMessage(
      (m) => m.envelope.to.includes(STAFF) && /facture n° 1266 soumise par awa@example\.cm/.test(m.parsed.subject ?? ''),
    );
    expect(text(staff)).toMatch(/awa@example\.cm \(email\) nous a soumis « facture-1266\.pdf »/);
    expect(text(staff)).toMatch(/les coordonnées bancaires \(CM21 1000 5000 0109/);
    // And in the staff's Discord channel.
    const posted = await discord.waitFor(
      (r) =>
        r.method === 'POST' &&
        r.path === `/channels/${STAFF_CHANNEL}/messages` &&
        /facture n° 1266 soumise par awa@example\.cm/.test(String(r.body?.content ?? '')),
      20_000,
    );
    expect(String(posted.body.content)).toMatch(/CM21 1000 5000 0109/);
  });

  it('from a stranger: answered as any stranger, nothing of the verdict told, but staff hear of a copy in our name', async () => {
    const asked = await mailWith('victime@autre-societe.example', 'Bonjour, nous avons reçu cette facture de votre part, est-elle authentique ?', [
      { name: 'facture.pdf', bytes: await fixture('1266-iban.pdf') },
    ]);
    const answer = text(await replyTo(peers.smtp, asked));
    expect(answer).toMatch(/victime@autre-societe\.example/);
    expect(answer).not.toMatch(/1266|authentique :|coordonnées bancaires|CM21/);
    const staff = await peers.smtp.waitForMessage(
      (m) => m.envelope.to.includes(STAFF) && /facture n° 1266 soumise par victime@autre-societe\.example/.test(m.parsed.subject ?? ''),
    );
    expect(text(staff)).toMatch(/victime@autre-societe\.example \(email\) nous a soumis « facture\.pdf »/);
  });

  it('the genuine file, with no words at all, is named as their invoice', async () => {
    const asked = await mailWith('awa@example.cm', '', [{ name: 'facture.pdf', bytes: genuine }], 'TR: facture');
    expect(text(await replyTo(peers.smtp, asked))).toMatch(
      /facture\.pdf est authentique : c’est la facture n° 1266 du 17 janv\. 2026, de 121 039 FCFA, telle que notre service de facturation l’a émise/,
    );
  });

  it('a PDF that makes the mail longer than its first MiB, which alone is read of a mail: fetched whole for the check', async () => {
    const big = Buffer.concat([await fixture('1273.pdf'), Buffer.from(`%${'x'.repeat(99)}\n`.repeat(15_000))]);
    await facteur.app.store.save({ pdfs: [{ pdf: issuedPdf('1273', big, new Date().toISOString()), bytes: big }] });
    const asked = await mailWith('awa@example.cm', 'Est-ce bien une facture de chez vous ?', [{ name: 'grosse.pdf', bytes: big }]);
    expect(text(await replyTo(peers.smtp, asked))).toMatch(/grosse\.pdf est authentique : c’est la facture n° 1273/);
  });

  it('in English, a stranger’s invoice: not ours, and staff are not bothered', async () => {
    const before = staffMails().length;
    const asked = await mailWith('grace.eyenga@example.cm', 'Hello, is this invoice real?', [{ name: 'invoice.pdf', bytes: await fixture('stranger.pdf') }]);
    expect(text(await replyTo(peers.smtp, asked))).toMatch(/invoice\.pdf does not come from us: it bears none of our invoice numbers/);
    expect(staffMails().length).toBe(before);
  });

  it('a copy of someone else’s invoice (Awa’s, altered) sent by Paul: nothing of it is told him, and staff hear of it', async () => {
    const asked = await mailWith('paul@example.cm', 'Cette facture est-elle authentique ?', [{ name: 'f.pdf', bytes: await fixture('1266-amount.pdf') }]);
    const answer = text(await replyTo(peers.smtp, asked));
    expect(answer).toMatch(/Nous ne pouvons rien vous dire de f\.pdf : ce document ne concerne pas votre compte/);
    expect(answer).not.toMatch(/1266|Awa|121 039|721 039/);
    await peers.smtp.waitForMessage((m) => m.envelope.to.includes(STAFF) && /facture n° 1266 soumise par paul@example\.cm/.test(m.parsed.subject ?? ''));
  });

  it('a file in our name that names none of our invoices: forged in our name, staff told; a file that is no PDF: said so', async () => {
    const forged = Buffer.from(genuine.toString('latin1').replaceAll('31323636', '39393939'), 'latin1');
    const asked = await mailWith('awa@example.cm', 'Je vous transfère une facture reçue ce matin, merci de vérifier ce document.', [
      { name: 'facture-9999.pdf', bytes: forged },
      { name: 'scan.pdf', bytes: await fixture('not-a-pdf.pdf') },
    ]);
    const answer = text(await replyTo(peers.smtp, asked));
    expect(answer).toMatch(/Attention : facture-9999\.pdf porte notre nom, mais nous ne l’avons pas émis/);
    expect(answer).toMatch(/Nous n’avons pas pu vérifier scan\.pdf : ce n’est pas un PDF/);
    await peers.smtp.waitForMessage(
      (m) => m.envelope.to.includes(STAFF) && /d’un document à notre nom soumise par awa@example\.cm/.test(m.parsed.subject ?? ''),
    );
  });
});

describe('a customer asks in a Discord DM', () => {
  it('with the PDF attached: the verdict, the genuine PDF beside an altered copy, the file fetched once from Discord’s CDN', async () => {
    const { link } = discordCustomers(discord, peers.smtp, GUILD);
    await link(awaUser, 'awa@example.cm');
    const { channelId } = discord.dm(awaUser, 'cette facture est-elle authentique ? le numéro MoMo est nouveau', [
      { name: 'facture-momo.pdf', bytes: await fixture('1266-momo.pdf') },
    ]);
    const sent = await discord.waitFor(
      (r) => r.method === 'POST' && r.path === `/channels/${channelId}/messages` && /facture-momo\.pdf/.test(String(r.body?.content ?? '')),
      20_000,
    );
    expect(String(sent.body.content).replace(/[\u202F\u00A0]/g, ' ')).toMatch(/le numéro Mobile Money \(650443107 au lieu de 677123456\) diffère/);
    expect(sent.files.map((f) => f.bytes.equals(genuine))).toEqual([true]);
    expect(discord.fetched.get('facture-momo.pdf')).toBe(1);
  });
});

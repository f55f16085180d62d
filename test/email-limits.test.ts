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

const REPLIES_PER_HOUR = 3;
const SIZE_LIMIT_MB = 0.2;

let peers: MailPeers;
let facteur: RunningFacteur;

beforeAll(async () => {
  peers = await startMailPeers();
  facteur = await startFacteur({ ...mailEnv(peers), MAIL_REPLIES_PER_HOUR: String(REPLIES_PER_HOUR), MAIL_SIZE_LIMIT_MB: String(SIZE_LIMIT_MB) });
});

afterAll(async () => {
  await facteur?.stop();
  await peers?.close();
});

describe('the billing inbox’s limits', { timeout: 60_000 }, () => {
  it('cuts a flood from one sender at the reply limit, and files every message', async () => {
    const asked: string[] = [];
    for (let i = 0; i < REPLIES_PER_HOUR * 2; i++) {
      const message = letter({ from: 'grace.eyenga@example.cm', subject: `invoices (${i + 1})` });
      await appendMessage(peers.dovecot, message.raw);
      asked.push(message.messageId);
    }
    for (const messageId of asked) await filedIn(peers.dovecot, 'Processed', messageId);

    const answered = asked.filter((messageId) => repliesTo(peers.smtp, messageId).length > 0);
    expect(answered).toEqual(asked.slice(0, REPLIES_PER_HOUR));
    expect(peers.smtp.messages.filter((m) => m.envelope.to.includes('grace.eyenga@example.cm'))).toHaveLength(REPLIES_PER_HOUR);
    expect(facteur.logs.filter((entry) => entry.msg === 'mail: reply limit reached, not answered')).toHaveLength(REPLIES_PER_HOUR);
  });

  it('splits a ZIP over the size limit across several replies marked (1/n), (2/n)…, every invoice in one of them', async () => {
    const asked = letter({ from: 'awa@example.cm', subject: 'zip tout' });
    await appendMessage(peers.dovecot, asked.raw);
    await filedIn(peers.dovecot, 'Processed', asked.messageId);

    const replies = repliesTo(peers.smtp, asked.messageId);
    const parts = replies.length;
    expect(parts).toBeGreaterThan(1);
    expect(replies.map((r) => r.parsed.subject)).toEqual(Array.from({ length: parts }, (_, i) => `Re: zip tout (${i + 1}/${parts})`));
    expect(replies[0]!.parsed.text).toContain(`Envoi 1 sur ${parts}`);

    const awa = (await facteur.app.store.customerByAddress('awa@example.cm'))!;
    const expected = (await facteur.app.store.invoices(awa.id)).map((invoice) => `facture-${invoice.number}.pdf`);
    const names: string[] = [];
    for (const reply of replies) {
      expect(reply.envelope.to).toEqual(['awa@example.cm']);
      expect(reply.files).toHaveLength(1);
      const zip = reply.files[0]!;
      expect(zip.contentType).toBe('application/zip');
      expect(zip.content.length).toBeLessThanOrEqual(SIZE_LIMIT_MB * 1024 * 1024);
      for (const entry of await zipEntries(zip)) {
        expect(await pdfText(entry.bytes)).toContain(entry.name.slice('facture-'.length, -'.pdf'.length));
        names.push(entry.name);
      }
    }
    expect(names.sort()).toEqual(expected.sort());
  });

  it('still answers other customers after a flood, and leaves the mailbox empty', async () => {
    await eventually('an empty inbox', async () => ((await listMailbox(peers.dovecot)).length === 0 ? true : undefined));
    const reply = await replyTo(peers.smtp, (await sentinel()).messageId);
    expect(reply.envelope.to).toEqual(['paul@example.cm']);
  });
});

/** A request from a customer untouched by the limits, to show the inbox still answers. */
async function sentinel() {
  const message = letter({ from: 'paul@example.cm', subject: 'factures' });
  await appendMessage(peers.dovecot, message.raw);
  return message;
}

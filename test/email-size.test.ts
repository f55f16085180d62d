import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ReceivedMail } from './peers/smtp.js';
import { deliver, mailEnv, replyTo, startFacteur, startMailPeers, type MailPeers, type RunningFacteur } from './support/mail.js';

/** Below one invoice's PDF (about 30 KB): nothing Facteur could attach fits a mail. */
const SIZE_LIMIT_MB = 0.02;

let peers: MailPeers;
let facteur: RunningFacteur;

beforeAll(async () => {
  peers = await startMailPeers();
  facteur = await startFacteur({ ...mailEnv(peers), MAIL_SIZE_LIMIT_MB: String(SIZE_LIMIT_MB) });
});

afterAll(async () => {
  await facteur?.stop();
  await peers?.close();
});

async function ask(body: string): Promise<ReceivedMail> {
  return replyTo(peers.smtp, await deliver(peers, { from: 'awa@example.cm', body }));
}

describe('a reply that would exceed the mail size limit', () => {
  it('is sent without the file, saying so and what to ask instead', async () => {
    const reply = await ask('facture 1210');
    expect(reply.files).toEqual([]);
    expect(reply.parsed.text).toContain('facture-1210.pdf dépasse la taille permise par e-mail (0,02 Mo)');
    expect(reply.parsed.text).toContain('Demandez moins de factures à la fois');
  });

  it('never carries more than the limit, a ZIP split however small its parts must be', async () => {
    const reply = await ask('zip 1210 1214');
    expect(reply.files).toEqual([]);
    expect(reply.parsed.text).toMatch(/factures-1210\.zip dépasse la taille permise/);
    expect(reply.parsed.text).toMatch(/factures-1214\.zip dépasse la taille permise/);
    for (const mail of peers.smtp.messages) {
      const attached = mail.files.reduce((total, file) => total + file.content.length, 0);
      expect(attached).toBeLessThanOrEqual(SIZE_LIMIT_MB * 1024 * 1024);
    }
    expect(await facteur.app.store.customerByAddress('awa@example.cm')).toBeDefined();
  });
});

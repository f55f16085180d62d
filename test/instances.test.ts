/**
 * Several Facteurs on one PostgreSQL database behave as one: each message of the billing
 * inbox is answered once, whichever instance takes it. Real peers throughout: a private
 * PostgreSQL, Dovecot over IMAP, the SMTP peer.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appendMessage, listMailbox } from './peers/dovecot.js';
import { startPostgres, type Postgres } from './peers/postgres.js';
import { eventually, letter, mailEnv, repliesTo, startFacteur, startMailPeers, type MailPeers, type RunningFacteur } from './support/mail.js';

let postgres: Postgres;
let peers: MailPeers;
const running: RunningFacteur[] = [];

beforeAll(async () => {
  [postgres, peers] = await Promise.all([startPostgres(), startMailPeers()]);
});

afterAll(async () => {
  for (const facteur of running) await facteur.stop().catch(() => {});
  await Promise.all([peers?.close(), postgres?.destroy()]);
});

const CUSTOMERS = ['awa@example.cm', 'paul@example.cm', 'contact@ndjock-sarl.cm', 'grace.eyenga@example.cm', 'jp.fotso@example.cm'];

describe('two Facteurs on one database', () => {
  it('answer each of 200 messages appended at once exactly once, and file every one', { timeout: 120_000 }, async () => {
    const url = await postgres.createDatabase();
    // Demo data once, by whichever starts first; a reply budget that 200 messages from five customers stay within.
    const env = { ...mailEnv(peers), DATABASE_URL: url, FACTEUR_DEMO: 'true', MAIL_REPLIES_PER_HOUR: '1000' };
    running.push(...(await Promise.all([startFacteur(env), startFacteur(env)])));
    const sent = Array.from({ length: 200 }, (_, i) => letter({ from: CUSTOMERS[i % CUSTOMERS.length]!, subject: `Demande ${i}`, body: i % 2 ? 'mes factures svp' : 'combien je dois ?' }));
    // Four connections appending side by side: Dovecot allows ten per user and address, and both Facteurs hold some.
    const queue = [...sent];
    await Promise.all(Array.from({ length: 4 }, async () => {
      for (let message = queue.shift(); message; message = queue.shift()) await appendMessage(peers.dovecot, message.raw);
    }));

    await eventually('an answer to every message', () => (sent.every((m) => repliesTo(peers.smtp, m.messageId).length > 0) ? true : undefined), 90_000);
    await eventually('every message filed', async () => ((await listMailbox(peers.dovecot, 'Processed')).length === sent.length ? true : undefined), 30_000);
    expect(sent.filter((m) => repliesTo(peers.smtp, m.messageId).length !== 1).map((m) => m.messageId)).toEqual([]);
    expect(await listMailbox(peers.dovecot, 'INBOX')).toEqual([]);
    // Both took their share: the claim, not a lucky ordering, kept them apart.
    const answeredBy = running.map((facteur) => facteur.logs.filter((line) => line.msg === 'mail: answered').length);
    expect(answeredBy.reduce((a, b) => a + b, 0)).toBe(sent.length);
    expect(Math.min(...answeredBy)).toBeGreaterThan(0);
  });
});

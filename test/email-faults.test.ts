import { execFile } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { ImapFlow } from 'imapflow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appendMessage, listMailbox } from './peers/dovecot.js';
import {
  deliver,
  eventually,
  filedIn,
  letter,
  mailEnv,
  replyTo,
  repliesTo,
  startFacteur,
  startMailPeers,
  type MailPeers,
  type RunningFacteur,
} from './support/mail.js';

/** Troubles that are not the customer's: Facteur's own login refused, a message an operator hands back, a stop at the wrong moment. */
const BIN = path.resolve(import.meta.dirname, '..', 'bin', 'facteur.js');

let peers: MailPeers;
let facteur: RunningFacteur;
let env: Record<string, string>;

beforeAll(async () => {
  peers = await startMailPeers();
  env = { ...mailEnv(peers), SMTP_USER: 'facturation@facteur.example', SMTP_PASSWORD: 'secret' };
  facteur = await startFacteur(env);
});

afterAll(async () => {
  await facteur?.stop();
  await peers?.close();
});

function inbound(key: string) {
  return facteur.app.store.inboundMessage(key, null);
}

describe('a refusal that is not the customer’s fault', () => {
  it('keeps a request while the mail server refuses Facteur’s own login, says so loudly, and answers once it is fixed', async () => {
    peers.smtp.refuseLogins = true;
    const asked = await deliver(peers, { from: 'awa@example.cm', body: 'facture 1210' });
    const logged = await eventually('the refused login in the log', () =>
      facteur.logs.find((line) => line.level === 50 && String(line.msg).includes('refused Facteur itself')),
    );
    expect(String(logged.msg)).toContain('check SMTP_USER and SMTP_PASSWORD');
    expect(JSON.stringify(facteur.logs)).not.toContain('secret');
    expect((await listMailbox(peers.dovecot, 'INBOX')).map((m) => m.messageId)).toContain(asked);
    expect((await listMailbox(peers.dovecot, 'Failed').catch(() => [])).map((m) => m.messageId)).not.toContain(asked);

    peers.smtp.refuseLogins = false;
    const reply = await replyTo(peers.smtp, asked, 30_000);
    expect(reply.files.map((file) => file.filename)).toEqual(['facture-1210.pdf']);
    await filedIn(peers.dovecot, 'Processed', asked);
  });
});

describe('a message handed back from the Failed folder', () => {
  it('is handled again when moved back by hand, not taken for a duplicate', async () => {
    peers.smtp.refuseNext(1, 550, 'Mailbox unavailable');
    const asked = await deliver(peers, { from: 'paul@example.cm', body: 'factures' });
    await filedIn(peers.dovecot, 'Failed', asked);
    await moveBack(asked);
    const reply = await replyTo(peers.smtp, asked, 30_000);
    expect(reply.envelope.to).toEqual(['paul@example.cm']);
    await filedIn(peers.dovecot, 'Processed', asked);
  });

  it('is listed with why by "facteur inbox failed" and handed back by "facteur inbox retry", while Facteur runs', async () => {
    peers.smtp.refuseNext(1, 550, 'Mailbox unavailable');
    const asked = await deliver(peers, { from: 'grace.eyenga@example.cm', body: 'invoices' });
    await filedIn(peers.dovecot, 'Failed', asked);
    const cli = (args: string[]) =>
      promisify(execFile)(process.execPath, [BIN, 'inbox', ...args], {
        env: { ...process.env, ...env, FACTEUR_DATA_DIR: facteur.dataDir, LOG_LEVEL: 'silent' },
      });
    const listed = await cli(['failed']);
    expect(listed.stdout).toContain('grace.eyenga@example.cm');
    expect(listed.stdout).toContain('550 Mailbox unavailable');
    const retried = await cli(['retry', '--all-failed']);
    expect(retried.stdout).toContain('Handed back to be handled again');
    const reply = await replyTo(peers.smtp, asked, 30_000);
    expect(reply.envelope.to).toEqual(['grace.eyenga@example.cm']);
  });
});

describe('a message whose handling ended before it was moved', () => {
  it('is filed at start-up, seen or not, and not answered again', async () => {
    await facteur.stop();
    const written = letter({ from: 'awa@example.cm', body: 'facture 1214' });
    const uid = await appendMessage(peers.dovecot, written.raw);
    const status = await withImap((client) => client.status('INBOX', { uidValidity: true }));
    const uidValidity = status ? status.uidValidity : undefined;
    await withImap(async (client) => {
      await client.mailboxOpen('INBOX');
      await client.messageFlagsAdd(String(uid), ['\\Seen'], { uid: true });
    });
    // What a process killed between marking the message seen and moving it leaves behind.
    const key = `imap:INBOX:${uidValidity}:${uid}`;
    const at = new Date().toISOString();
    const file = path.join(facteur.dataDir, 'inbound', at.slice(0, 10), '99.json');
    const record = {
      key,
      messageId: written.messageId,
      sender: 'awa@example.cm',
      customerId: null,
      status: 'replied',
      attempts: 1,
      sent: 1,
      inDoubt: [],
      reason: null,
      receivedAt: at,
      updatedAt: at,
    };
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(file, JSON.stringify({ inbound: [record] }));
    const before = repliesTo(peers.smtp, written.messageId).length;

    facteur = await startFacteur(env, { dataDir: facteur.dataDir });
    await filedIn(peers.dovecot, 'Processed', written.messageId);
    expect(repliesTo(peers.smtp, written.messageId)).toHaveLength(before);
    expect((await inbound(key))?.status).toBe('replied');
  });
});

/** Moves the message back from Failed to INBOX, as an operator does in a mail client. */
async function moveBack(messageId: string): Promise<void> {
  const [message] = (await listMailbox(peers.dovecot, 'Failed')).filter((m) => m.messageId === messageId);
  await withImap(async (client) => {
    await client.mailboxOpen('Failed');
    await client.messageMove(String(message!.uid), 'INBOX', { uid: true });
  });
}

async function withImap<T>(work: (client: ImapFlow) => Promise<T>): Promise<T> {
  const { host, port, user, password } = peers.dovecot;
  const client = new ImapFlow({ host, port, secure: false, auth: { user, pass: password }, logger: false });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.logout();
  }
}

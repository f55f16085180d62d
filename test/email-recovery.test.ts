import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { SMTPServer } from 'smtp-server';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { appendMessage, listMailbox } from './peers/dovecot.js';
import { LowdbStore } from '../src/store/lowdb/store.js';
import { startSmtpPeer } from './peers/smtp.js';
import { inboundRecords } from './support/read.js';
import { eventually, filedIn, letter, mailEnv, replyTo, repliesTo, startFacteur, startMailPeers, type MailPeers, type RunningFacteur } from './support/mail.js';

const BIN = path.resolve(import.meta.dirname, '..', 'bin', 'facteur.js');
const run = promisify(execFile);

let peers: MailPeers;
let facteur: RunningFacteur | undefined;

beforeEach(async () => {
  peers = await startMailPeers();
});

afterEach(async () => {
  await facteur?.stop();
  facteur = undefined;
  await peers.close();
});

describe('the billing inbox after trouble', { timeout: 60_000 }, () => {
  it('says a refused login is for the operator to fix, without writing the password in the log', async () => {
    facteur = await startFacteur({ ...mailEnv(peers), IMAP_PASSWORD: 'not-the-password-42' });
    const refused = await eventually('the refused login in the log', () =>
      facteur!.logs.find((entry) => entry.msg === 'IMAP login refused: check IMAP_USER and IMAP_PASSWORD'),
    );
    expect(refused).toMatchObject({ level: 50, user: peers.dovecot.user });
    expect(JSON.stringify(facteur.logs)).not.toContain('not-the-password-42');
  });

  it('reconnects when Dovecot goes down and comes back, then answers new mail', async () => {
    facteur = await startFacteur(mailEnv(peers));
    const before = letter({ from: 'awa@example.cm', subject: 'facture 1210' });
    await appendMessage(peers.dovecot, before.raw);
    await replyTo(peers.smtp, before.messageId);

    await peers.dovecot.stop();
    await eventually('the lost connection in the log', () => facteur!.logs.find((entry) => entry.msg === 'IMAP connection lost'));
    await peers.dovecot.start();
    const after = letter({ from: 'awa@example.cm', subject: 'facture 1214' });
    await appendMessage(peers.dovecot, after.raw);

    const reply = await replyTo(peers.smtp, after.messageId, 30_000);
    expect(reply.files.map((a) => a.filename)).toEqual(['facture-1214.pdf']);
    await filedIn(peers.dovecot, 'Processed', after.messageId);
    expect(repliesTo(peers.smtp, before.messageId)).toHaveLength(1);
  });

  it('notices a connection gone silent under IDLE (NOOP watchdog), reconnects and answers new mail', async () => {
    facteur = await startFacteur(mailEnv(peers), { watchdog: { everyMs: 500, timeoutMs: 1_000 } });
    await eventually('the mailbox watched', () => facteur!.logs.find((entry) => entry.msg === 'IMAP: watching'));
    const frozen = await imapProcesses(peers.dovecot.dir);
    expect(frozen.length).toBeGreaterThan(0);
    // The server process serving Facteur's session stops answering, its socket stays open.
    for (const pid of frozen) process.kill(pid, 'SIGSTOP');
    try {
      await eventually('the silent connection given up', () => facteur!.logs.find((entry) => entry.msg === 'IMAP connection lost'));
      const asked = letter({ from: 'awa@example.cm', subject: 'facture 1210' });
      await appendMessage(peers.dovecot, asked.raw);
      expect((await replyTo(peers.smtp, asked.messageId, 30_000)).envelope.to).toEqual(['awa@example.cm']);
    } finally {
      for (const pid of frozen) process.kill(pid, 'SIGCONT');
    }
  });

  it('answers exactly once when killed after claiming a message, before its reply could be sent', async () => {
    const dataDir = await mkdtemp(path.join(tmpdir(), 'facteur-crash-'));
    const smtpPort = peers.smtp.port;
    await peers.smtp.close(); // the mail server is down: the reply cannot leave yet
    const env = { ...mailEnv(peers), SMTP_PORT: String(smtpPort), FACTEUR_DATA_DIR: dataDir };
    const asked = letter({ from: 'awa@example.cm', subject: 'facture 1210' });

    const first = facteurProcess(env);
    await appendMessage(peers.dovecot, asked.raw);
    await first.waitForLog((entry) => entry.msg === 'mail: answer not sent, will try again');
    const record = (await inboundRecords(dataDir)).find((m) => m.messageId === asked.messageId);
    expect(record).toMatchObject({ status: 'claimed', sent: 0 });
    first.child.kill('SIGKILL');
    await first.exited;
    expect((await listMailbox(peers.dovecot)).map((m) => m.messageId)).toEqual([asked.messageId]);

    const smtp = await startSmtpPeer({ port: smtpPort });
    const second = facteurProcess(env);
    try {
      const reply = await smtp.waitForMessage((mail) => mail.parsed.inReplyTo === asked.messageId, 30_000);
      expect(reply.files.map((a) => a.filename)).toEqual(['facture-1210.pdf']);
      await filedIn(peers.dovecot, 'Processed', asked.messageId);
      // One more request through the same process: once it is answered, nothing else is on its way.
      const next = letter({ from: 'paul@example.cm', subject: 'factures' });
      await appendMessage(peers.dovecot, next.raw);
      await smtp.waitForMessage((mail) => mail.parsed.inReplyTo === next.messageId, 30_000);
      expect(smtp.messages.filter((mail) => mail.parsed.inReplyTo === asked.messageId)).toHaveLength(1);
      second.child.kill('SIGTERM');
      expect(await second.exited).toBe(0);
    } finally {
      second.child.kill('SIGKILL');
      await smtp.close();
    }
  });

  it('never answers twice when killed while the mail server held a reply: the message goes to Failed, with the reason', async () => {
    const dataDir = await mkdtemp(path.join(tmpdir(), 'facteur-crash-'));
    const smtpPort = peers.smtp.port;
    await peers.smtp.close();
    // A mail server that takes the whole message, then never says whether it accepted it.
    const silent = new SMTPServer({ logger: false, disabledCommands: ['STARTTLS', 'AUTH'], onData: (stream) => stream.resume() });
    // Killing the Facteur it talks to resets its connection: an error of that session, not of the test.
    silent.on('error', () => {});
    await new Promise<void>((resolve) => silent.listen(smtpPort, '127.0.0.1', resolve));
    const env = { ...mailEnv(peers), SMTP_PORT: String(smtpPort), FACTEUR_DATA_DIR: dataDir };
    const asked = letter({ from: 'awa@example.cm', subject: 'facture 1210' });

    const first = facteurProcess(env);
    await appendMessage(peers.dovecot, asked.raw);
    await eventually('the reply handed to the mail server, and recorded as such', async () => {
      const claimed = (await inboundRecords(dataDir)).find((m) => m.messageId === asked.messageId && m.status === 'sending');
      const recorded =
        claimed && (await (await LowdbStore.open(path.join(dataDir, 'db.json'), { readOnly: true })).deliveries({ status: 'sending' })).length > 0;
      return recorded || undefined;
    });
    first.child.kill('SIGKILL');
    await first.exited;
    await new Promise<void>((resolve) => silent.close(() => resolve()));

    const smtp = await startSmtpPeer({ port: smtpPort });
    const second = facteurProcess(env);
    try {
      const failed = await second.waitForLog((entry) => entry.msg === 'mail: moved to the failed folder');
      expect(failed.reason).toMatch(/interrupted while a reply was with the mail server \(mail 1 of 1\)/);
      await filedIn(peers.dovecot, 'Failed', asked.messageId);
      const next = letter({ from: 'paul@example.cm', subject: 'factures' });
      await appendMessage(peers.dovecot, next.raw);
      await smtp.waitForMessage((mail) => mail.parsed.inReplyTo === next.messageId, 30_000);
      expect(smtp.messages.filter((mail) => mail.parsed.inReplyTo === asked.messageId)).toEqual([]);
      // Staff see it among the failed deliveries, with why.
      const store = await LowdbStore.open(path.join(dataDir, 'db.json'), { readOnly: true });
      expect(await store.deliveries({ status: 'failed' })).toMatchObject([
        { recipient: 'awa@example.cm', reason: 'request', invoices: ['1210'], lastError: expect.stringContaining('interrupted') },
      ]);
    } finally {
      second.child.kill('SIGKILL');
      await smtp.close();
    }
  });
});

describe('a split answer after a crash', { timeout: 60_000 }, () => {
  it('sends the parts after the one that was with the mail server, and only that one is left in doubt', async () => {
    const dataDir = await mkdtemp(path.join(tmpdir(), 'facteur-crash-'));
    const smtpPort = peers.smtp.port;
    await peers.smtp.close();
    // A mail server that accepts three mails, then takes the fourth and never says whether it accepted it.
    const accepted: string[] = [];
    const stalling = new SMTPServer({
      logger: false,
      disabledCommands: ['STARTTLS', 'AUTH'],
      onData: (stream, _session, callback) => {
        const chunks: Buffer[] = [];
        stream.on('data', (chunk: Buffer) => chunks.push(chunk));
        stream.on('end', () => {
          if (accepted.length >= 3) return;
          accepted.push(/^Subject: (.*)$/m.exec(Buffer.concat(chunks).toString())?.[1] ?? '');
          callback();
        });
      },
    });
    // Killing the Facteur it talks to resets its connection: an error of that session, not of the test.
    stalling.on('error', () => {});
    await new Promise<void>((resolve) => stalling.listen(smtpPort, '127.0.0.1', resolve));
    const env = { ...mailEnv(peers), SMTP_PORT: String(smtpPort), FACTEUR_DATA_DIR: dataDir, MAIL_SIZE_LIMIT_MB: '0.1' };
    const asked = letter({ from: 'awa@example.cm', subject: 'zip tout' });

    const first = facteurProcess(env);
    await appendMessage(peers.dovecot, asked.raw);
    await eventually('three parts accepted and the fourth with the server', async () => {
      return (await inboundRecords(dataDir)).some((m) => m.messageId === asked.messageId && m.status === 'sending' && m.sent === 3) || undefined;
    });
    first.child.kill('SIGKILL');
    await first.exited;
    await new Promise<void>((resolve) => stalling.close(() => resolve()));
    expect(accepted).toEqual([1, 2, 3].map((part) => `Re: zip tout (${part}/8)`));

    const smtp = await startSmtpPeer({ port: smtpPort });
    const second = facteurProcess(env);
    try {
      const failed = await second.waitForLog((entry) => entry.msg === 'mail: moved to the failed folder');
      expect(failed.reason).toMatch(/interrupted while a reply was with the mail server \(mail 4 of 8\).*the other 7 were sent/);
      await filedIn(peers.dovecot, 'Failed', asked.messageId);
      expect(smtp.messages.map((mail) => mail.parsed.subject)).toEqual([5, 6, 7, 8].map((part) => `Re: zip tout (${part}/8)`));
      const store = await LowdbStore.open(path.join(dataDir, 'db.json'), { readOnly: true });
      expect(await store.deliveries({ status: 'failed' })).toMatchObject([{ recipient: 'awa@example.cm', lastError: expect.stringContaining('interrupted') }]);
    } finally {
      second.child.kill('SIGKILL');
      await smtp.close();
    }
  });
});

interface FacteurProcess {
  child: ChildProcess;
  /** Resolves with the exit code. */
  exited: Promise<number | null>;
  waitForLog(predicate: (entry: Record<string, unknown>) => boolean, timeoutMs?: number): Promise<Record<string, unknown>>;
}

/** `facteur start` as an operator runs it, in its own process, logging JSON lines on stderr. */
function facteurProcess(env: Record<string, string>): FacteurProcess {
  const child = spawn(process.execPath, [BIN, 'start'], {
    env: {
      PATH: process.env.PATH,
      LOG_LEVEL: 'info',
      FACTEUR_DEMO: 'true',
      FACTEUR_DEMO_UNTIL: process.env.FACTEUR_DEMO_UNTIL,
      HTTP_PORT: '0',
      REMINDERS_ENABLED: 'false',
      ...env,
    },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const logs: Record<string, unknown>[] = [];
  let pending = '';
  child.stderr!.on('data', (chunk: Buffer) => {
    pending += chunk.toString();
    const lines = pending.split('\n');
    pending = lines.pop()!;
    for (const line of lines) if (line.startsWith('{')) logs.push(JSON.parse(line) as Record<string, unknown>);
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return {
    child,
    exited,
    waitForLog: (predicate, timeoutMs = 30_000) => eventually('a log line from facteur start', () => logs.find(predicate), timeoutMs),
  };
}

/** The `imap` processes of the Dovecot whose files are in `dir`: one per open session. */
async function imapProcesses(dir: string): Promise<number[]> {
  const { stdout } = await run('ps', ['-e', '-o', 'pid=,ppid=,comm=,args=']);
  const rows = stdout
    .split('\n')
    .map((line) => line.trim().split(/\s+/))
    .filter((cells) => cells.length >= 3);
  const master = rows.find((cells) => cells.slice(3).join(' ').includes(path.join(dir, 'dovecot.conf')));
  if (!master) throw new Error(`no Dovecot master for ${dir}`);
  return rows.filter((cells) => cells[1] === master[0] && cells[2] === 'imap').map((cells) => Number(cells[0]));
}

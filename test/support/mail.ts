import { randomUUID } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import type { Attachment as ParsedAttachment } from 'mailparser';
import pino from 'pino';
import { afterAll, beforeAll } from 'vitest';
import { createApp, type App } from '../../src/app.js';
import type { Watchdog } from '../../src/channels/email/imap.js';
import type { Channel } from '../../src/channels/channel.js';
import { loadConfig } from '../../src/config.js';
import { appendMessage, listMailbox, startDovecot, type Dovecot, type ImapMessageSummary } from '../peers/dovecot.js';
import { startSmtpPeer, type ReceivedMail, type SmtpPeer } from '../peers/smtp.js';
import { readZip, type ZipEntryRead } from './read.js';

/** Where a customer's mail goes and where Facteur's answers arrive: a private Dovecot and an SMTP peer. */
export interface MailPeers {
  dovecot: Dovecot;
  smtp: SmtpPeer;
  close(): Promise<void>;
}

export async function startMailPeers(): Promise<MailPeers> {
  const [dovecot, smtp] = await Promise.all([startDovecot(), startSmtpPeer()]);
  return {
    dovecot,
    smtp,
    async close() {
      await Promise.all([dovecot.destroy(), smtp.close()]);
    },
  };
}

/**
 * Mail peers and a Facteur on them for the whole test file, `env` added to the peers'
 * settings; both stopped after the file. Read them through the getters once the file runs.
 */
export function mailFacteurForFile(env: Record<string, string> = {}): { peers: () => MailPeers; facteur: () => RunningFacteur } {
  let peers: MailPeers;
  let facteur: RunningFacteur;
  beforeAll(async () => {
    peers = await startMailPeers();
    facteur = await startFacteur({ ...mailEnv(peers), ...env });
  });
  afterAll(async () => {
    await facteur?.stop();
    await peers?.close();
  });
  return { peers: () => peers, facteur: () => facteur };
}

/** The settings that point Facteur at the peers, as an operator would write them in `.env`. */
export function mailEnv(peers: MailPeers): Record<string, string> {
  return {
    IMAP_HOST: peers.dovecot.host,
    IMAP_PORT: String(peers.dovecot.port),
    IMAP_USER: peers.dovecot.user,
    IMAP_PASSWORD: peers.dovecot.password,
    IMAP_TLS: 'false',
    SMTP_HOST: peers.smtp.host,
    SMTP_PORT: String(peers.smtp.port),
    SMTP_TLS: 'false',
  };
}

export interface RunningFacteur {
  app: App;
  dataDir: string;
  mail: Channel;
  /** What Facteur logged, as the JSON objects an operator would read. */
  logs: Record<string, unknown>[];
  /** Stops the mail channel and closes the app; the data folder stays (a restart may reuse it). */
  stop(): Promise<void>;
}

/** Facteur on demo data in `dataDir` (a fresh one by default), its mail channel running, logs kept in memory. */
export async function startFacteur(env: Record<string, string>, options: { dataDir?: string; watchdog?: Watchdog } = {}): Promise<RunningFacteur> {
  const dir = options.dataDir ?? (await mkdtemp(path.join(tmpdir(), 'facteur-mail-')));
  const config = loadConfig({
    FACTEUR_DATA_DIR: dir,
    LOG_LEVEL: 'silent',
    FACTEUR_DEMO: 'true',
    FACTEUR_DEMO_UNTIL: process.env.FACTEUR_DEMO_UNTIL,
    REMINDERS_ENABLED: process.env.REMINDERS_ENABLED,
    ...env,
  });
  const logs: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      logs.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
      done();
    },
  });
  const app = await createApp(config, pino({ level: 'info' }, sink));
  const mail = await app.mailChannel(options.watchdog ? { watchdog: options.watchdog } : {});
  await mail.start();
  return {
    app,
    dataDir: dir,
    mail,
    logs,
    async stop() {
      await mail.stop();
      await app.close();
    },
  };
}

export interface Letter {
  from: string;
  subject?: string;
  body?: string;
  to?: string;
  messageId?: string;
  /** More headers, written as given (Reply-To, In-Reply-To, Auto-Submitted...). */
  headers?: Record<string, string>;
}

/** A message as a customer's mail client writes it, with a fresh Message-ID unless one is given. */
export function letter({ from, subject = '', body = '', to = 'billing@example.test', messageId = `<${randomUUID()}@example.cm>`, headers = {} }: Letter): {
  raw: string;
  messageId: string;
} {
  const head = {
    From: from,
    To: to,
    Subject: subject,
    Date: new Date().toUTCString(),
    'Message-ID': messageId,
    'MIME-Version': '1.0',
    'Content-Type': 'text/plain; charset=utf-8',
    'Content-Transfer-Encoding': '8bit',
    ...headers,
  };
  const lines = Object.entries(head).map(([name, value]) => `${name}: ${value}`);
  return { raw: `${lines.join('\r\n')}\r\n\r\n${body.replace(/\r?\n/g, '\r\n')}\r\n`, messageId };
}

/** Polls until `check` returns something other than undefined, or fails after `timeoutMs` saying what it waited for. */
export async function eventually<T>(what: string, check: () => Promise<T | undefined> | T | undefined, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** The message with this Message-ID once it sits in `mailbox`. */
export function filedIn(dovecot: Dovecot, mailbox: string, messageId: string, timeoutMs?: number): Promise<ImapMessageSummary> {
  return eventually(
    `${messageId} in ${mailbox}`,
    async () => (await listMailbox(dovecot, mailbox).catch(() => [])).find((message) => message.messageId === messageId),
    timeoutMs,
  );
}

/** The first mail the SMTP peer received that answers the message with this Message-ID. */
export function replyTo(smtp: SmtpPeer, messageId: string, timeoutMs = 20_000): Promise<ReceivedMail> {
  return smtp.waitForMessage((mail) => mail.parsed.inReplyTo === messageId, timeoutMs);
}

/** Every mail the SMTP peer received that answers the message with this Message-ID. */
export function repliesTo(smtp: SmtpPeer, messageId: string): ReceivedMail[] {
  return smtp.messages.filter((mail) => mail.parsed.inReplyTo === messageId);
}

/** A received mail's ZIP attachment, read back with yauzl as an unzip tool would. */
export async function zipEntries(attachment: ParsedAttachment): Promise<ZipEntryRead[]> {
  const dir = await mkdtemp(path.join(tmpdir(), 'facteur-zip-'));
  const file = path.join(dir, attachment.filename ?? 'archive.zip');
  try {
    await writeFile(file, attachment.content);
    return await readZip(file);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** A header of a received mail, as its raw text. */
export function header(mail: ReceivedMail, name: string): string | undefined {
  const value = mail.parsed.headers.get(name.toLowerCase());
  return value === undefined ? undefined : typeof value === 'string' ? value : JSON.stringify(value);
}

/** Appends the letter to the billing mailbox, as the customer's server would deliver it; resolves with its Message-ID. */
export async function deliver(peers: MailPeers, message: Letter): Promise<string> {
  const written = letter(message);
  await appendMessage(peers.dovecot, written.raw);
  return written.messageId;
}

/** Results a receiving server named `authservId` writes on a message whose From's `domain` passed DMARC. */
export function dmarcPass(authservId: string, domain: string): Record<string, string> {
  return {
    'Authentication-Results': `${authservId}; spf=pass smtp.mailfrom=${domain}; dkim=pass header.d=${domain}; dmarc=pass (p=quarantine) header.from=${domain}`,
  };
}

/** The 6-digit code a code mail carries in its subject, or null. */
export function codeIn(mail: ReceivedMail): string | null {
  return /\b(\d{6})\b/.exec(mail.parsed.subject ?? '')?.[1] ?? null;
}

/** The latest mail to `address` asking its owner to approve a change whose text matches `change`, once it has arrived. */
export function approvalTo(smtp: SmtpPeer, address: string, change: RegExp): Promise<ReceivedMail> {
  const matches = (mail: ReceivedMail) =>
    mail.envelope.to.includes(address) && /approbation|approval/i.test(mail.parsed.subject ?? '') && change.test(mail.parsed.text ?? '');
  return smtp.waitForMessage(matches).then(() => smtp.messages.filter(matches).at(-1)!);
}

/** What a mail client writes in a reply to `mail`: its subject with Re:, and the thread headers naming it. */
export function replyingTo(mail: ReceivedMail): Pick<Letter, 'subject' | 'headers'> {
  const id = mail.parsed.messageId!;
  const earlier = typeof mail.parsed.references === 'string' ? [mail.parsed.references] : (mail.parsed.references ?? []);
  return { subject: `Re: ${mail.parsed.subject ?? ''}`, headers: { 'In-Reply-To': id, References: [...earlier, id].join(' ') } };
}

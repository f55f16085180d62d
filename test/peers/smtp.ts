/**
 * A real SMTP peer for tests: the `smtp-server` package on 127.0.0.1, plain text, no STARTTLS.
 * Authentication is optional; when the client offers AUTH, any credentials are accepted and
 * recorded, so a test can check the bot logs in with the configured account.
 * Each accepted message is parsed with mailparser and kept in `messages`.
 */
import type net from 'node:net';
import { simpleParser, type Attachment, type ParsedMail } from 'mailparser';
import { SMTPServer, type SMTPServerDataStream, type SMTPServerSession } from 'smtp-server';

export interface ReceivedMail {
  /** SMTP envelope (MAIL FROM / RCPT TO), which may differ from the From/To headers. */
  envelope: { from: string; to: string[] };
  raw: Buffer;
  parsed: ParsedMail;
  /** The files a mail client lists as attached: `parsed.attachments` without the images the HTML part shows inline (the logo). */
  files: Attachment[];
  receivedAt: number;
  /** Credentials the client authenticated with, if it did. */
  auth?: { username: string; password: string };
}

export interface SmtpPeer {
  host: string;
  port: number;
  /** Accepted messages, oldest first. */
  messages: ReceivedMail[];
  /** How many messages were refused through `refuseNext`. */
  refused: number;
  /** Resolves with all messages once at least `count` were accepted. */
  waitFor(count: number, timeoutMs?: number): Promise<ReceivedMail[]>;
  /** Resolves with the first accepted message (already here or to come) matching `predicate`. */
  waitForMessage(predicate: (mail: ReceivedMail) => boolean, timeoutMs?: number): Promise<ReceivedMail>;
  /**
   * Refuses the next `count` messages at the end of DATA with `code`: 4xx is temporary
   * (e.g. 451, the sender should retry), 5xx permanent (e.g. 550, it should give up).
   * With `after`, that many messages are accepted first (the second mail of a message in several).
   */
  refuseNext(count: number, code?: number, message?: string, after?: number): void;
  /**
   * Holds the next message at the end of DATA, unanswered, until the returned function is
   * called: a slow server, for tests of what happens while a mail is on its way. Resolves
   * `arrived` once the held message is in.
   */
  holdNext(): { arrived: Promise<void>; release(): void };
  /** While true, every login is refused with 535, as a server does with the wrong password. */
  refuseLogins: boolean;
  /** Stops listening and drops open connections; pending waits reject. */
  close(): Promise<void>;
}

export interface SmtpPeerOptions {
  /** 0 (default) picks a free port; pass a previous peer's port to "restart" it. */
  port?: number;
  /** Largest accepted message in bytes (advertised with SIZE); default 25 MB. */
  size?: number;
}

type Waiter = { check(): boolean; fail(err: Error): void };

export async function startSmtpPeer(options: SmtpPeerOptions = {}): Promise<SmtpPeer> {
  const messages: ReceivedMail[] = [];
  const waiters = new Set<Waiter>();
  const auths = new Map<string, { username: string; password: string }>(); // by session id
  let refusal = { count: 0, code: 451, message: '', after: 0 };
  let hold: { arrive(): void; released: Promise<void> } | null = null;

  const server = new SMTPServer({
    logger: false,
    disabledCommands: ['STARTTLS'],
    authOptional: true,
    // smtp-server refuses AUTH on a non-TLS connection unless told otherwise.
    allowInsecureAuth: true,
    disableReverseLookup: true,
    size: options.size ?? 25 * 1024 * 1024,
    // close() otherwise waits up to 30 s for clients that keep a pooled connection open.
    closeTimeout: 500,
    onAuth(auth, session, callback) {
      if (peer.refuseLogins) return callback(withCode(new Error('Authentication credentials invalid'), 535));
      auths.set(session.id, { username: auth.username ?? '', password: auth.password ?? '' });
      callback(null, { user: auth.username ?? 'anonymous' });
    },
    onData(stream: SMTPServerDataStream, session: SMTPServerSession, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.once('error', callback);
      // The stream must be read to its end before answering, whatever the answer.
      stream.once('end', async () => {
        if (hold) {
          const { arrive, released } = hold;
          hold = null;
          arrive();
          await released;
        }
        if (stream.sizeExceeded) return callback(withCode(new Error('Message too big'), 552));
        if (refusal.count > 0 && refusal.after > 0) refusal.after--;
        else if (refusal.count > 0) {
          refusal.count--;
          peer.refused++;
          return callback(withCode(new Error(refusal.message), refusal.code));
        }
        const raw = Buffer.concat(chunks);
        const { mailFrom, rcptTo } = session.envelope;
        simpleParser(raw).then((parsed) => {
          const auth = auths.get(session.id);
          messages.push({
            envelope: { from: mailFrom ? mailFrom.address : '', to: rcptTo.map((r) => r.address) },
            raw,
            parsed,
            files: attachedFiles(parsed),
            receivedAt: Date.now(),
            ...(auth ? { auth } : {}),
          });
          for (const w of waiters) if (w.check()) waiters.delete(w);
          callback(null);
        }, callback);
      });
    },
  });
  server.on('error', () => {}); // a client dropping mid-session must not crash the test run

  await new Promise<void>((resolve, reject) => {
    server.server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const { port } = server.server.address() as net.AddressInfo;

  /** Resolves with `pick()` as soon as it is defined, now or after a later message. */
  function waitUntil<T>(pick: () => T | undefined, timeoutMs: number, what: string): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        waiters.delete(waiter);
        const got = messages.map((m) => JSON.stringify(m.parsed.subject ?? '')).join(', ');
        reject(
          new Error(
            `SMTP peer: timed out after ${timeoutMs} ms waiting for ${what}; ` +
              `received ${messages.length} (subjects: ${got || 'none'}), refused ${peer.refused}`,
          ),
        );
      }, timeoutMs);
      const waiter: Waiter = {
        check() {
          const value = pick();
          if (value === undefined) return false;
          clearTimeout(timer);
          resolve(value);
          return true;
        },
        fail(err) {
          clearTimeout(timer);
          reject(err);
        },
      };
      if (!waiter.check()) waiters.add(waiter);
    });
  }

  const peer: SmtpPeer = {
    host: '127.0.0.1',
    port,
    messages,
    refused: 0,
    refuseLogins: false,
    holdNext() {
      let release!: () => void;
      let arrive!: () => void;
      const released = new Promise<void>((resolve) => (release = resolve));
      const arrived = new Promise<void>((resolve) => (arrive = resolve));
      hold = { arrive, released };
      return { arrived, release };
    },
    waitFor(count, timeoutMs = 5000) {
      return waitUntil(() => (messages.length >= count ? [...messages] : undefined), timeoutMs, `${count} message(s)`);
    },
    waitForMessage(predicate, timeoutMs = 5000) {
      return waitUntil(() => messages.find(predicate), timeoutMs, 'a message matching the predicate');
    },
    refuseNext(count, code = 451, message, after = 0) {
      const text = message ?? (code < 500 ? 'Try again later' : 'Mailbox unavailable');
      refusal = { count, code, message: text, after };
    },
    close() {
      for (const w of waiters) w.fail(new Error('SMTP peer closed while waiting'));
      waiters.clear();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  return peer;
}

/** What a mail client lists as attachments: every part but the images of a multipart/related that the HTML shows by cid. */
export function attachedFiles(parsed: ParsedMail): Attachment[] {
  return parsed.attachments.filter((attachment) => !attachment.related);
}

function withCode(err: Error, responseCode: number): Error & { responseCode: number } {
  return Object.assign(err, { responseCode });
}

import { setTimeout } from 'node:timers/promises';
import type { ImapFlow } from 'imapflow';
import type { ImapSettings } from '../../config.js';
import type { Logger } from '../../log.js';
import { handleSafely, type MailPipeline } from './pipeline.js';
import { MAX_MESSAGE_BYTES } from './read.js';
import { Wake } from './wake.js';
import type { MailWatcher } from './watcher.js';
import { MINUTE_MS } from '../../time.js';

export interface ImapWatcherOptions {
  imap: ImapSettings;
  folders: { processed: string; failed: string };
  pipeline: MailPipeline;
  log: Logger;
  watchdog?: Watchdog;
}

/**
 * How long IDLE may stay silent before a NOOP checks the connection is alive, and how long
 * that NOOP may go unanswered before the connection is taken for dead, whatever the socket says.
 */
export interface Watchdog {
  everyMs: number;
  timeoutMs: number;
}

const WATCHDOG: Watchdog = { everyMs: MINUTE_MS, timeoutMs: 15_000 };
const BACKOFF_FIRST_MS = 1_000;
const BACKOFF_MAX_MS = MINUTE_MS;
/** Messages fetched per FETCH: a catch-up on thousands of unseen messages never holds them all. */
const BATCH = 10;

/**
 * Watches the billing mailbox: catches up on unseen mail at each connection, then IDLEs
 * and handles what arrives. Each handled message is marked seen and moved to the
 * Processed or Failed folder (created when missing), so the mailbox holds only what is
 * still to do.
 *
 * A closed ImapFlow cannot be reused and does not reconnect by itself: every connection
 * is a fresh client, and a dropped one (error, close, or a NOOP left unanswered while
 * IDLE seemed fine) is replaced after a growing delay. Messages are fetched with
 * `fetchAll` and handled afterwards, since a command issued inside a fetch iterator
 * deadlocks the connection.
 */
export class ImapWatcher implements MailWatcher {
  private readonly wake = new Wake();
  private stopping = false;
  private running: Promise<void> | undefined;
  private readonly watchdog: Watchdog;
  /** Ends a reconnection delay early on stop, and only on stop: a late 'close' of the old client must not. */
  private readonly stopped = new AbortController();
  /** Logged in, the mailbox open, idling or handling mail: what `/readyz` calls up. */
  private watching = false;

  constructor(private readonly options: ImapWatcherOptions) {
    this.watchdog = options.watchdog ?? WATCHDOG;
  }

  start(): void {
    this.running ??= this.run().catch((error: unknown) => this.options.log.error({ err: error }, 'mail: the IMAP watcher stopped on an unexpected error'));
  }

  state(): { up: boolean; detail: string } {
    const { host, mailbox } = this.options.imap;
    return this.watching ? { up: true, detail: `watching ${mailbox} on ${host}` } : { up: false, detail: `not connected to ${host}: reconnecting` };
  }

  async stop(): Promise<void> {
    this.stopping = true;
    this.stopped.abort();
    this.wake.up();
    await this.running;
  }

  private async run(): Promise<void> {
    const { imap, log } = this.options;
    let failures = 0;
    while (!this.stopping) {
      try {
        await this.session(() => {
          failures = 0;
        });
      } catch (error) {
        // A refused login will not cure itself like a dropped connection: it is the operator's to fix.
        if ((error as { authenticationFailed?: boolean }).authenticationFailed)
          log.error({ host: imap.host, user: imap.user }, 'IMAP login refused: check IMAP_USER and IMAP_PASSWORD');
        else log.warn({ err: error, host: imap.host, mailbox: imap.mailbox }, 'IMAP connection lost');
      }
      if (this.stopping) break;
      const delay = Math.min(BACKOFF_MAX_MS, BACKOFF_FIRST_MS * 2 ** failures++);
      log.info({ host: imap.host, inMs: delay }, 'IMAP: reconnecting');
      await setTimeout(delay, undefined, { signal: this.stopped.signal }).catch(() => {});
    }
  }

  /** One connection, from login to its end: resolves on stop, throws when the connection is lost. */
  private async session(connected: () => void): Promise<void> {
    const { imap, folders, log } = this.options;
    // Loaded with the first connection: a Facteur on the local inbox folder never loads imapflow (~30 MB).
    const client = new (await import('imapflow')).ImapFlow({
      host: imap.host,
      port: imap.port,
      secure: imap.tls,
      auth: { user: imap.user, pass: imap.password },
      logger: false,
      disableAutoIdle: true,
    });
    // Without an 'error' listener a dropped socket would crash the process.
    client.on('error', (error: Error) => log.warn({ err: error }, 'IMAP error'));
    client.on('close', () => this.wake.up());
    client.on('exists', () => this.wake.up());
    await client.connect();
    try {
      // The watched folder too, when it is not the inbox: a bounce folder may not exist before its first report.
      for (const folder of [...(imap.mailbox.toUpperCase() === 'INBOX' ? [] : [imap.mailbox]), folders.processed, folders.failed])
        await client.mailboxCreate(folder);
      await client.mailboxOpen(imap.mailbox);
      await this.fileSettled(client);
      connected();
      this.watching = true;
      log.info({ host: imap.host, mailbox: imap.mailbox }, 'IMAP: watching');
      while (!this.stopping) {
        await this.drain(client);
        // IDLE lasts until the next command breaks it; its end is not waited for.
        client.idle().catch(() => {});
        const woken = await this.wake.sleep(Math.min(this.watchdog.everyMs, this.options.pipeline.msUntilDue()));
        if (!client.usable) throw new Error('IMAP connection closed');
        if (!woken) await noop(client, this.watchdog.timeoutMs);
      }
    } finally {
      this.watching = false;
      await Promise.race([client.logout(), sleep(this.watchdog.timeoutMs)]).catch(() => {});
      client.close();
    }
  }

  /**
   * Files the messages, seen or not, whose handling is over: a process stopped after
   * closing a record and marking its message seen, but before moving it. A seen message with
   * no record was read by a person, and is left alone.
   */
  private async fileSettled(client: ImapFlow): Promise<void> {
    const mailbox = client.mailbox;
    if (!mailbox) return;
    const seen = (await client.search({ seen: true }, { uid: true })) || [];
    for (const uid of seen) {
      const where = await this.options.pipeline.settled(`imap:${mailbox.path}:${mailbox.uidValidity}:${uid}`);
      if (where) await client.messageMove(String(uid), where === 'processed' ? this.options.folders.processed : this.options.folders.failed, { uid: true });
    }
  }

  /** Handles every unseen message, oldest first, and files each where the pipeline says. */
  private async drain(client: ImapFlow): Promise<void> {
    const { pipeline, folders } = this.options;
    const mailbox = client.mailbox;
    if (!mailbox) throw new Error('IMAP: no mailbox selected');
    const keyOf = (uid: number) => `imap:${mailbox.path}:${mailbox.uidValidity}:${uid}`;
    const unseen = ((await client.search({ seen: false }, { uid: true })) || []).filter((uid) => pipeline.due(keyOf(uid))).sort((a, b) => a - b);
    for (let start = 0; start < unseen.length && !this.stopping; start += BATCH) {
      const batch = unseen.slice(start, start + BATCH);
      const messages = await client.fetchAll(batch.join(','), { uid: true, source: { maxLength: MAX_MESSAGE_BYTES } }, { uid: true });
      for (const message of messages) {
        if (this.stopping) return;
        // A message another session moved away meanwhile (another Facteur on the same mailbox) comes back without its UID or body.
        if (typeof message.uid !== 'number' || !Buffer.isBuffer(message.source)) continue;
        const uid = message.uid;
        // More of the message only when the pipeline asks (a customer's PDF to check, cut by the first MiB): a command of its own, outside the fetch.
        const more = async (maxBytes: number) => {
          const whole = await client.fetchOne(String(uid), { uid: true, source: { maxLength: maxBytes } }, { uid: true });
          return whole && Buffer.isBuffer(whole.source) ? whole.source : message.source!;
        };
        const disposition = await handleSafely(pipeline, this.options.log, keyOf(uid), message.source, more);
        if (disposition === 'later') continue;
        // Processed mail is marked read; failed mail stays unread for staff to notice.
        if (disposition === 'processed') await client.messageFlagsAdd(String(message.uid), ['\\Seen'], { uid: true });
        await client.messageMove(String(message.uid), disposition === 'processed' ? folders.processed : folders.failed, { uid: true });
      }
    }
  }
}

/** The watchdog: a silent IDLE may hide a dead connection, which only an unanswered command reveals. */
async function noop(client: ImapFlow, timeoutMs: number): Promise<void> {
  const answered = await Promise.race([client.noop().then(() => true), sleep(timeoutMs).then(() => false)]);
  if (!answered) {
    client.close();
    throw new Error(`IMAP: NOOP unanswered for ${timeoutMs} ms`);
  }
}

function sleep(ms: number): Promise<void> {
  return setTimeout(ms, undefined, { ref: false });
}

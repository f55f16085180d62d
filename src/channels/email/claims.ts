import { randomUUID } from 'node:crypto';
import type { Reply } from '../../assistant/reply.js';
import type { Logger } from '../../log.js';
import type { InboundMessage, Store } from '../../store/store.js';
import { isMachineFault, isOwnMailFault, isPermanent } from '../../faults.js';
import { MINUTE_MS, HOUR_MS } from '../../time.js';

/** Where a watcher puts a message once the pipeline is through with it, or `later` to leave it for a retry. */
export type Disposition = 'processed' | 'failed' | 'later';

/** Times handling may start for one message, crashes included, before it goes to Failed. */
const MAX_ATTEMPTS = 8;
const RETRY_FIRST_MS = MINUTE_MS;
/** A wait for the machine (a full disk, a refused login) is not the message's: it is tried again soon, and not counted against it. */
const MACHINE_RETRY_MS = 5_000;
const RETRY_MAX_MS = HOUR_MS;
/** What claiming a message found: what to do with it. */
type ClaimOutcome = 'duplicate' | 'processed' | 'failed' | 'busy' | 'exhausted' | 'inDoubt' | 'claimed';
/** What claiming decided, with the record written (null: none) and what the decision was made on. */
interface Seen {
  outcome: ClaimOutcome;
  record: InboundMessage | null;
  /** The key of the copy already handled, for a duplicate. */
  original?: string;
  /** The record as found, for one closed before. */
  found?: InboundMessage;
}

/**
 * Where several processes share the store, a message one of them claimed is left to it for
 * this long after its last step; past it, that process is taken for dead and the message
 * handled again (its claim says which replies went out).
 */
const CLAIM_LEASE_MS = 5 * MINUTE_MS;

/** The message as claiming it needs it: what finds another copy of it. */
export interface ClaimedMail {
  messageId: string | null;
  sender: string;
}

/**
 * Exactly-once bookkeeping of inbound messages: the message is claimed in the store before
 * anything is sent, each reply is marked `sending` while the mail server has it and counted
 * once accepted, and the record is closed before the message is moved. After a crash, a
 * claimed message is handled again (nothing went out), a closed one is only moved, and one
 * caught while `sending` goes to Failed: the server may have accepted that reply, and a second
 * answer is worse than a message staff look at. Retries wait out a growing delay, kept here.
 */
export class Claims {
  /** Who claims messages in the store's records: this process. */
  private readonly instance = randomUUID();
  /** Replies kept for a retry after a failed send, so the assistant acts only once per message in this process. */
  private readonly pendingReplies = new Map<string, Reply>();
  private readonly retryAt = new Map<string, number>();
  /**
   * Records this process knows better than the store, by key: what a write that failed could
   * not tell it (an attempt taken back as the machine's fault, a reply that did not go after all).
   */
  private readonly unwritten = new Map<string, InboundMessage>();

  constructor(
    private readonly store: Store,
    private readonly log: Logger,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** False while a message waits out its retry delay: watchers need not even fetch it. */
  due(key: string): boolean {
    return (this.retryAt.get(key) ?? 0) <= this.now().getTime();
  }

  /**
   * How long until the next message waiting out a delay is due, so that a watcher asleep
   * wakes for it; Infinity when none waits. Delays already over do not count: their
   * message was handled in the round just done, or is gone from the mailbox.
   */
  msUntilDue(): number {
    const now = this.now().getTime();
    const next = Math.min(...[...this.retryAt.values()].filter((at) => at > now));
    return Number.isFinite(next) ? next - now : Infinity;
  }

  /**
   * Takes the message, or says what to do with one met before: only move it (closed),
   * give up on it (caught while sending, or tried too often), or handle it again (claimed).
   * A store that cannot take the claim is no fault of the message: it waits, uncounted.
   */
  async claim(key: string, mail: ClaimedMail): Promise<Claim | Disposition> {
    try {
      return await this.take(key, mail);
    } catch (error) {
      return this.machineWait(key, error as Error);
    }
  }

  private async take(key: string, mail: ClaimedMail): Promise<Claim | Disposition> {
    const now = this.now();
    const at = now.toISOString();
    const fresh: InboundMessage = {
      key,
      messageId: mail.messageId,
      sender: mail.sender,
      customerId: null,
      status: 'claimed',
      attempts: 0,
      sent: 0,
      inDoubt: [],
      reason: null,
      claimedBy: null,
      receivedAt: at,
      updatedAt: at,
    };
    const lease = this.store.shared ? CLAIM_LEASE_MS : 0;
    const decided = (outcome: ClaimOutcome, record: InboundMessage | null, seen: Partial<Seen> = {}) => ({ record, result: { ...seen, outcome, record } });
    // Decided on the record as it is when written: of two processes taking the message at once, the second sees the first's claim.
    const seen = await this.store.updateInbound(key, mail.messageId === null ? null : { messageId: mail.messageId, sender: mail.sender }, (found) => {
      const copy = found !== undefined && found.key !== key;
      if (copy && (found.status === 'replied' || found.status === 'ignored')) {
        return decided('duplicate', { ...fresh, status: 'ignored', reason: `another copy of ${found.key}, already handled` }, { original: found.key });
      }
      // A copy of a message that failed is that message handed back (moved to the mailbox again
      // by an operator, or by `facteur inbox retry`): it is handled anew. Found under another key
      // and unfinished, it is the same message seen again after the mailbox was rebuilt (a new
      // UIDVALIDITY): it is carried on with, not dropped as a duplicate.
      const known = found && found.claimedBy === this.instance ? (this.unwritten.get(found.key) ?? found) : found;
      const current = known && !(copy && known.status === 'failed') ? known : fresh;
      const claimed = { ...current, claimedBy: this.instance, updatedAt: at };
      // Another live process's, finished or not: it files the message itself, and two moves would file it twice.
      if (this.othersFresh(current, now, lease)) return decided('busy', null, { found: current });
      if (current.status === 'replied' || current.status === 'ignored' || current.status === 'failed') {
        // Closed by this process while the store could not be told: written now, before the message is moved.
        return decided(current.status === 'failed' ? 'failed' : 'processed', current !== found ? claimed : null, { found: current });
      }
      if (current.attempts >= MAX_ATTEMPTS) {
        return decided('exhausted', {
          ...claimed,
          status: 'failed',
          reason: `no answer could be sent in ${MAX_ATTEMPTS} attempts: ${current.reason ?? 'unknown error'}`,
        });
      }
      if (current.status === 'sending') {
        // Only the reply that was with the server is in doubt: the ones after it are still owed.
        const part = current.sent + 1;
        return decided('inDoubt', { ...claimed, status: 'claimed', sent: part, inDoubt: [...current.inDoubt, part], attempts: current.attempts + 1 });
      }
      return decided('claimed', { ...claimed, status: 'claimed', attempts: current.attempts + 1 });
    });
    const { record } = seen;
    // Written, the record carries what this process knew better than the store.
    if (record) this.unwritten.delete(record.key);
    switch (seen.outcome) {
      case 'duplicate':
        this.log.info({ key, messageId: mail.messageId, original: seen.original }, 'mail: duplicate, not answered again');
        return 'processed';
      case 'processed':
        return seen.outcome;
      case 'failed':
        // Closed as failed before, by a process that stopped before moving it.
        this.filedAsFailed(seen.found!);
        return 'failed';
      case 'busy':
        this.log.debug({ key }, 'mail: another Facteur is handling it');
        return 'later';
      case 'exhausted':
        this.forget(key);
        this.filedAsFailed(record!);
        return 'failed';
      case 'inDoubt':
        this.log.warn({ key, part: record!.sent }, 'mail: a reply was with the mail server when Facteur stopped; it is not sent again, the ones after it are');
        return this.claimOf(key, record!);
      case 'claimed':
        return this.claimOf(key, record!);
    }
  }

  /**
   * Where a message whose handling is over belongs, whatever its flags: a process that
   * stopped after closing its record but before moving it left it in the mailbox, seen.
   */
  async settled(key: string): Promise<'processed' | 'failed' | undefined> {
    const record = await this.store.inboundMessage(key, null);
    if (!record || this.othersFresh(record, this.now(), this.store.shared ? CLAIM_LEASE_MS : 0)) return undefined;
    if (record.status === 'replied' || record.status === 'ignored') return 'processed';
    if (record.status !== 'failed') return undefined;
    this.filedAsFailed(record);
    return 'failed';
  }

  private claimOf(key: string, record: InboundMessage): Claim {
    return new Claim(key, record, { store: this.store, now: this.now, unwritten: this.unwritten, replies: this.pendingReplies });
  }

  /** The message answered: done with, unless a reply of it was caught with the mail server by a crash (then it goes to Failed). */
  async answered(claim: Claim): Promise<Disposition> {
    const { inDoubt, sent } = claim.record;
    if (inDoubt.length > 0) {
      const others = sent > inDoubt.length ? `; the other ${sent - inDoubt.length} were sent` : '';
      return await this.giveUp(
        claim,
        `interrupted while a reply was with the mail server (mail ${inDoubt.join(', ')} of ${sent}): it may or may not have arrived, so it is not sent again${others}`,
      );
    }
    this.forget(claim.key);
    return 'processed';
  }

  /** Every message that goes to the Failed folder is logged, with why: staff find it there, the operator in the log. */
  private filedAsFailed(record: InboundMessage): void {
    this.log.error({ key: record.key, messageId: record.messageId, reason: record.reason }, 'mail: moved to the failed folder');
  }

  /** A record another process wrote within its claim's lease: that process is alive, and the message is its own. */
  private othersFresh(record: InboundMessage, now: Date, lease: number): boolean {
    return record.claimedBy !== null && record.claimedBy !== this.instance && Date.parse(record.updatedAt) + lease > now.getTime();
  }

  /** An answer that failed: the machine's fault waits soon and uncounted, a refusal gives up, anything else is retried later and later. */
  async attemptFailed(claim: Claim, error: Error & { responseCode?: number }): Promise<Disposition> {
    const { key } = claim;
    const reason = error.message;
    if (isMachineFault(error) || isOwnMailFault(error)) {
      // Not the message's fault: the attempt its claim counted is taken back.
      await claim.amend({ attempts: claim.record.attempts - 1, reason });
      return this.machineWait(key, error);
    }
    if (isPermanent(error)) return this.giveUp(claim, `the mail server refused the reply: ${reason}`);
    const delay = Math.min(RETRY_MAX_MS, RETRY_FIRST_MS * 2 ** (claim.record.attempts - 1));
    this.retryAt.set(key, this.now().getTime() + delay);
    await claim.update({ reason });
    this.log.warn({ key, err: error, attempt: claim.record.attempts, retryInMs: delay }, 'mail: answer not sent, will try again');
    return 'later';
  }

  /** The message waits for the machine (a full disk, the store unreachable, Facteur's own mail login refused), tried again soon. */
  private machineWait(key: string, error: Error): Disposition {
    this.retryAt.set(key, this.now().getTime() + MACHINE_RETRY_MS);
    const what = isOwnMailFault(error)
      ? 'the mail server refused Facteur itself: check SMTP_USER and SMTP_PASSWORD'
      : 'the machine cannot answer now (no space left?)';
    this.log.error({ key, err: error }, `mail: ${what}; the message waits`);
    return 'later';
  }

  private async giveUp(claim: Claim, reason: string): Promise<Disposition> {
    await claim.close('failed', reason);
    this.forget(claim.key);
    this.filedAsFailed(claim.record);
    return 'failed';
  }

  /** A message that cannot be read as mail: recorded as failed at once, never retried. */
  async unreadable(key: string, reason: string): Promise<Disposition> {
    const at = this.now().toISOString();
    const record: InboundMessage = {
      key,
      messageId: null,
      sender: null,
      customerId: null,
      status: 'failed',
      attempts: 1,
      sent: 0,
      inDoubt: [],
      reason,
      claimedBy: this.instance,
      receivedAt: at,
      updatedAt: at,
    };
    await this.store.save({ inbound: [record] });
    this.log.error({ key, reason }, 'mail: unreadable message moved to the failed folder');
    return 'failed';
  }

  private forget(key: string): void {
    this.pendingReplies.delete(key);
    this.retryAt.delete(key);
  }
}

/** What the claims of one process share. */
interface Ledger {
  store: Store;
  now: () => Date;
  /** The records that the store could not be told (see Claims.unwritten). */
  unwritten: Map<string, InboundMessage>;
  /** The replies made, by the watcher's key (see Claims.pendingReplies). */
  replies: Map<string, Reply>;
}

/** The record of the message being handled, written to the store at each step. */
export class Claim {
  constructor(
    /** The message's key in its watcher's mailbox (the record's may be another copy's, carried on with). */
    readonly key: string,
    public record: InboundMessage,
    private readonly ledger: Ledger,
  ) {}

  /** The reply this process already made for the message, or the one `make` makes, kept until the message is done with. */
  async replyOnce(make: () => Promise<Reply>): Promise<Reply> {
    const reply = this.ledger.replies.get(this.key) ?? (await make());
    this.ledger.replies.set(this.key, reply);
    return reply;
  }

  /** Changes kept until the next write: not every fact is worth a write of the whole store. */
  note(changes: Partial<InboundMessage>): void {
    this.record = { ...this.record, ...changes };
  }

  /** Written first, then kept: a write that fails leaves the record as the store holds it. */
  async update(changes: Partial<InboundMessage>): Promise<void> {
    const next = { ...this.record, ...changes, updatedAt: this.ledger.now().toISOString() };
    await this.ledger.store.save({ inbound: [next] });
    this.record = next;
    this.ledger.unwritten.delete(next.key);
  }

  /**
   * A fact this process knows whether or not the store can be told (an attempt that was the
   * machine's fault, a reply that did not go): kept in any case, and carried by the record's
   * next write, here or at the message's next claim.
   */
  async amend(changes: Partial<InboundMessage>): Promise<void> {
    await this.keep(changes).catch(() => undefined);
  }

  /** As `amend`, but a write that fails is thrown once the fact is kept: the caller must not go on as if the store knew it. */
  async keep(changes: Partial<InboundMessage>): Promise<void> {
    const next = { ...this.record, ...changes, updatedAt: this.ledger.now().toISOString() };
    this.record = next;
    try {
      await this.ledger.store.save({ inbound: [next] });
      this.ledger.unwritten.delete(next.key);
    } catch (error) {
      this.ledger.unwritten.set(next.key, next);
      throw error;
    }
  }

  /**
   * Sends each mail of an answer not yet accepted by the server, counting them as they are:
   * marked `sending` while the server has one, so that a crash then leaves it in doubt.
   */
  async sendEach<M>(mails: M[], sendOne: (mail: M, part: number) => Promise<void>): Promise<void> {
    for (let part = this.record.sent; part < mails.length; part++) {
      await this.update({ status: 'sending' });
      try {
        await sendOne(mails[part]!, part);
      } catch (error) {
        await this.amend({ status: 'claimed' });
        throw error;
      }
      const last = part === mails.length - 1;
      // The server took it: that is so whatever the store can be told, and no retry sends it again.
      await this.keep({ status: last ? 'replied' : 'claimed', sent: part + 1, reason: null });
    }
    if (this.record.status !== 'replied') await this.close('replied', null);
  }

  close(status: 'replied' | 'ignored' | 'failed', reason: string | null): Promise<void> {
    return this.update({ status, reason });
  }
}

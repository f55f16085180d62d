import { randomUUID } from 'node:crypto';
import { describeFailure, isMachineFault, isMoot, isOwnMailFault, isPermanent } from '../faults.js';
import type { Logger } from '../log.js';
import { publish } from '../observe.js';
import type { Store } from '../store/store.js';
import type { CarriedFile } from '../billing/files.js';
import type { Delivery, DeliveryChannel, DeliveryLink, DeliveryParts, DeliveryQuery, DeliveryReason } from '../billing/delivery.js';

export interface RetryPolicy {
  /** Attempts before a delivery is left failed for staff. */
  maxAttempts: number;
  /** Wait before the second attempt; it doubles with each attempt after that. */
  baseDelayMs: number;
}

export interface NewDelivery {
  customerId: string;
  invoices: string[];
  channel: DeliveryChannel;
  recipient: string;
  /** A mail's copies (the invoice contacts). */
  cc?: string[];
  reason: DeliveryReason;
  attachPdf: boolean;
  requestedBy?: string | null;
  /** A reminder's invoices and the offsets they are reminded of. */
  reminded?: Record<string, number>;
  links?: DeliveryLink[];
  /** The files an answer carries (a channel's own send, see `track`), known before it leaves. */
  files?: CarriedFile[];
}

/** Told after each attempt: the record as it now stands, and how far the batch is. */
export type AttemptDone = (delivery: Delivery, done: number, total: number) => void;

/**
 * Sends what a delivery record describes; `newMessageId` names it before the first attempt.
 * `progress` records how far a message sent as several mails is, as each mail is taken;
 * what it returns says with what Message-ID, and which files the message carried.
 */
export interface Dispatch {
  newMessageId(delivery: NewDelivery): string | null;
  send(delivery: Delivery, progress: (sent: Progress) => Promise<void>): Promise<Sent>;
}

/** How far a message sent as several mails is: its cut and the mails taken, and the files they carried. */
export interface Progress {
  parts: DeliveryParts;
  files: CarriedFile[];
}

/**
 * A message the server took: its Message-ID, the files it carried (by their SHA-256) and the
 * download links, for the delivery log, and what the log should say of it (a mail sent again
 * without its files); whether each copy had its own return path (VERP), the addresses left out
 * because they bounce, and copies the server refused, the recipient's having gone.
 */
export interface Sent {
  messageId: string;
  files?: CarriedFile[];
  links?: DeliveryLink[];
  note?: string | null;
  verp?: boolean;
  withheld?: string[];
  refused?: string[];
}

/**
 * The delivery log. A record is written before a message leaves and updated after, so a
 * crash at any point leaves a record that says what to do on restart: a `pending` record
 * is sent again — with the message id chosen at recording time, so that a message the
 * server had in fact accepted before the crash shows once in the customer's mailbox.
 * Failures are retried with exponential backoff, then left `failed` for staff.
 */
export class Deliveries {
  /** Ids being attempted right now in this process. */
  private readonly inFlight = new Set<string>();

  /**
   * What became of deliveries that the store could not be told (a full disk, a read-only
   * file system): a mail the server took is sent, whatever its record could say. Kept here,
   * laid over what the store says, and written as soon as it can be; a delivery whose outcome
   * is kept so is never attempted again by this process. The next send or push run writes it.
   */
  private readonly unwritten = new Map<string, Partial<Delivery>>();

  constructor(
    private readonly store: Store,
    private readonly dispatch: Dispatch,
    private readonly policy: RetryPolicy,
    private readonly log: Logger,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** Records new deliveries as pending, with other changes that must land with them (e.g. invoices marked announced). */
  async record(specs: NewDelivery[], alongside: { announced?: string[] } = {}): Promise<Delivery[]> {
    const deliveries = specs.map((spec) => this.draft(spec, 'pending'));
    await this.store.save({ deliveries, ...alongside });
    return deliveries;
  }

  /**
   * One attempt at a recorded delivery; returns the record as it now stands. Nothing is
   * written before the send: a record still pending after a crash is sent again, with
   * the message id it was given, whether or not the server had taken it.
   */
  async attempt(delivery: Delivery): Promise<Delivery> {
    const attempts = delivery.attempts + 1;
    let sent: Sent;
    const progress = async ({ parts, files }: Progress) => {
      await this.write(delivery, { parts, ...filesOf({ files }), updatedAt: this.now().toISOString() });
    };
    try {
      sent = await this.dispatch.send({ ...delivery, attempts }, progress);
    } catch (error) {
      const reason = describeFailure(error);
      if (isMoot(error)) return this.update(delivery, { status: 'cancelled', attempts, lastError: reason, nextAttemptAt: null });
      if (isOwnMailFault(error) || isMachineFault(error)) {
        // Not the message's fault (Facteur's own login refused, a full disk): it counts no attempt, however long it lasts, and waits for the next run.
        const what = isOwnMailFault(error)
          ? 'the mail server refused Facteur itself: check SMTP_USER and SMTP_PASSWORD'
          : 'the machine cannot send now (no space left?)';
        this.log.error({ delivery: delivery.id, reason }, `${what}; the delivery waits`);
        return this.update(delivery, {
          status: 'pending',
          lastError: reason,
          nextAttemptAt: new Date(this.now().getTime() + this.policy.baseDelayMs).toISOString(),
        });
      }
      const final = isPermanent(error) || attempts >= this.policy.maxAttempts;
      this.log.warn({ delivery: delivery.id, customer: delivery.customerId, channel: delivery.channel, attempts, final, reason }, 'delivery failed');
      const retryAt = new Date(this.now().getTime() + this.policy.baseDelayMs * 2 ** (attempts - 1)).toISOString();
      return this.update(delivery, { status: final ? 'failed' : 'pending', attempts, lastError: reason, nextAttemptAt: final ? null : retryAt });
    }
    if (sent.refused)
      this.log.warn(
        { delivery: delivery.id, customer: delivery.customerId, refused: sent.refused },
        'delivery sent, but the mail server refused some of its copies',
      );
    // Outside the try: the message is out, and a store that cannot say so must not make it a failed send.
    return this.update(delivery, {
      status: 'sent',
      attempts,
      lastError: sent.note ?? null,
      nextAttemptAt: null,
      ...(sent.links ? { links: sent.links } : {}),
      ...sentFacts(sent),
    });
  }

  /** Attempts every pending delivery whose time has come (a crash's leftovers among them), `concurrency` at a time. */
  async runDue(concurrency: number, onDone?: AttemptDone, stop?: AbortSignal): Promise<Delivery[]> {
    return this.attemptAll(await this.store.deliveries({ status: 'pending', dueAt: this.now().toISOString() }), concurrency, onDone, stop);
  }

  /**
   * Attempts the deliveries, `concurrency` at a time. One already being attempted in this
   * process (a staff resend while the scheduled push runs) is left to that attempt. Once
   * `stop` is aborted no further one begins: those left stay pending, for the next run.
   */
  async attemptAll(deliveries: Delivery[], concurrency: number, onDone?: AttemptDone, stop?: AbortSignal): Promise<Delivery[]> {
    const known = new Map(this.unwritten);
    await this.writeKept();
    const mine = deliveries
      .filter((delivery) => !this.inFlight.has(delivery.id) && (known.get(delivery.id)?.status ?? 'pending') === 'pending')
      .map((delivery) => ({ ...delivery, ...known.get(delivery.id) }));
    for (const delivery of mine) this.inFlight.add(delivery.id);
    const results: Delivery[] = [];
    let next = 0;
    const worker = async () => {
      while (next < mine.length && !stop?.aborted) {
        const delivery = mine[next++]!;
        try {
          results.push(await this.attempt(delivery));
        } finally {
          this.inFlight.delete(delivery.id);
        }
        onDone?.(results.at(-1)!, results.length, mine.length);
      }
    };
    await Promise.all(Array.from({ length: Math.min(concurrency, mine.length) }, worker));
    for (const delivery of mine.slice(next)) this.inFlight.delete(delivery.id);
    return results;
  }

  /**
   * A message a channel sends itself (the answer to a mail), recorded around the send
   * like every other: `sending` with its Message-ID before, `sent` or `failed` after. The
   * channel keeps its own retry policy, so a failure is recorded and thrown back to it.
   */
  async track(spec: NewDelivery, send: (delivery: Delivery) => Promise<Sent>): Promise<Delivery> {
    const delivery = { ...this.draft(spec, 'sending'), attempts: 1, nextAttemptAt: null };
    await this.writeKept();
    await this.store.save({ deliveries: [delivery] });
    try {
      const sent = await send(delivery);
      // What the channel says went (a mail sent again without its files) replaces what it meant to send.
      return await this.update(delivery, {
        status: 'sent',
        lastError: sent.note ?? null,
        ...sentFacts(sent),
        ...(sent.files?.length === 0 ? { files: undefined } : {}),
      });
    } catch (error) {
      await this.update(delivery, { status: 'failed', lastError: describeFailure(error) });
      throw error;
    }
  }

  /**
   * Files handed over in this process (written for the person at the console): recorded once
   * they are written, as sent, with the SHA-256 of each, so that a copy is recognised later.
   * Nothing was sent anywhere, so nothing is left to retry.
   */
  async handedOver(spec: NewDelivery): Promise<Delivery> {
    const delivery: Delivery = { ...this.draft(spec, 'sending'), status: 'sent', attempts: 1, nextAttemptAt: null };
    await this.writeKept();
    await this.store.save({ deliveries: [delivery] });
    publish('delivery', { channel: delivery.channel, reason: delivery.reason, status: delivery.status });
    return delivery;
  }

  /**
   * At start-up: an answer a channel was sending when the last process died is `sending`
   * still. Its outcome is unknown (the channel does not send it again): it is failed, for
   * staff to see. Those changed within `leaseMs` are left alone: where several processes
   * share the store, one of them may be sending it right now.
   */
  async settleInterrupted(leaseMs: number): Promise<number> {
    const before = new Date(this.now().getTime() - leaseMs).toISOString();
    const interrupted = (await this.store.deliveries({ status: 'sending' })).filter((delivery) => leaseMs === 0 || delivery.updatedAt < before);
    for (const delivery of interrupted) {
      await this.update(delivery, { status: 'failed', lastError: 'interrupted while with the mail server: it may or may not have been delivered' });
    }
    return interrupted.length;
  }

  /** Staff asked for another try: failed deliveries go back to pending with a fresh set of attempts. */
  async retry(ids: string[]): Promise<Delivery[]> {
    const at = this.now().toISOString();
    const reset: Delivery[] = [];
    for (const id of ids) {
      // Only a failed one goes back: one another process is sending meanwhile is left to it.
      const updated = await this.store.updateDelivery(id, (d) =>
        d.status === 'failed' ? { ...d, status: 'pending', attempts: 0, nextAttemptAt: at, updatedAt: at } : d,
      );
      if (updated?.status === 'pending' && updated.updatedAt === at) reset.push(updated);
    }
    return reset;
  }

  private draft(spec: NewDelivery, status: 'pending' | 'sending'): Delivery {
    const at = this.now().toISOString();
    return {
      id: randomUUID(),
      ...spec,
      requestedBy: spec.requestedBy ?? null,
      status,
      attempts: 0,
      lastError: null,
      messageId: this.dispatch.newMessageId(spec),
      createdAt: at,
      updatedAt: at,
      nextAttemptAt: at,
    };
  }

  list(query: DeliveryQuery = {}): Promise<Delivery[]> {
    return this.store.deliveries(query);
  }

  private async update(delivery: Delivery, change: Partial<Delivery>): Promise<Delivery> {
    const updated = await this.write(delivery, { ...change, updatedAt: this.now().toISOString() });
    // Every call that sets a status ends an attempt: sent, failed, or pending again for a retry.
    if (change.status) publish('delivery', { channel: delivery.channel, reason: delivery.reason, status: change.status });
    return updated;
  }

  /**
   * Writes a change of a delivery, with whatever was kept of it before. A store the machine
   * keeps from writing (see `isMachineFault`) does not undo what happened: the change is kept
   * (see `unwritten`) and the record returned as it now stands.
   */
  private async write(delivery: Delivery, change: Partial<Delivery>): Promise<Delivery> {
    const known = { ...this.unwritten.get(delivery.id), ...change };
    try {
      const updated = await this.store.updateDelivery(delivery.id, (current) => ({ ...current, ...known }));
      this.unwritten.delete(delivery.id);
      return updated ?? { ...delivery, ...known };
    } catch (error) {
      if (!isMachineFault(error)) throw error;
      this.unwritten.set(delivery.id, known);
      this.log.error(
        { delivery: delivery.id, status: known.status, err: error },
        'the delivery log cannot be written now (no space left?): what became of the delivery is kept, and written once it can be',
      );
      return { ...delivery, ...known };
    }
  }

  /** Writes what was kept of earlier deliveries, as far as the store now allows. */
  private async writeKept(): Promise<void> {
    for (const [id, change] of this.unwritten) {
      await this.store
        .updateDelivery(id, (current) => ({ ...current, ...change }))
        .then(
          () => this.unwritten.delete(id),
          (error: unknown) => {
            if (!isMachineFault(error)) throw error;
          },
        );
    }
  }
}

/** What a send adds to the record: its Message-ID, the files it carried, and the facts a report read back later is checked against. */
function sentFacts(sent: Sent): Partial<Delivery> {
  return { messageId: sent.messageId, ...filesOf(sent), ...(sent.verp ? { verp: true } : {}), ...(sent.withheld ? { withheld: sent.withheld } : {}) };
}

/** The files a send carried, as the record keeps them: none, no field. */
function filesOf(sent: Pick<Sent, 'files'>): Pick<Delivery, 'files'> {
  return sent.files?.length ? { files: sent.files } : {};
}

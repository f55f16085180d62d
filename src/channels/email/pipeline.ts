import type { Logger } from '../../log.js';
import { readMail, UnreadableMail, type InboundMail, type MoreOfMessage } from './read.js';
import { publish } from '../../observe.js';
import { Claims, type Disposition } from './claims.js';
import { Senders, type SendersOptions } from './senders.js';

export type { Disposition } from './claims.js';
export type MailPipelineOptions = SendersOptions;

/**
 * Everything between a raw inbound message and its answer, the same for the IMAP
 * mailbox and the local inbox folder; the watchers only fetch messages and file them
 * where `handle` says. The message is read, claimed exactly once (`Claims`), and answered
 * as who is asking deserves (`Senders`).
 */
export class MailPipeline {
  private readonly claims: Claims;
  private readonly senders: Senders;

  constructor(options: MailPipelineOptions) {
    this.claims = new Claims(options.store, options.log);
    this.senders = new Senders(options);
  }

  /** False while a message waits out its retry delay: watchers need not even fetch it. */
  due(key: string): boolean {
    return this.claims.due(key);
  }

  /** How long until the next message waiting out a delay is due (see `Claims.msUntilDue`). */
  msUntilDue(): number {
    return this.claims.msUntilDue();
  }

  /** Where a message whose handling is over belongs (see `Claims.settled`). */
  settled(key: string): Promise<'processed' | 'failed' | undefined> {
    return this.claims.settled(key);
  }

  async handle(key: string, raw: Buffer, more?: MoreOfMessage): Promise<Disposition> {
    if (!this.claims.due(key)) return 'later';
    let mail: InboundMail;
    try {
      mail = await readMail(raw);
    } catch (error) {
      if (!(error instanceof UnreadableMail)) throw error;
      return this.claims.unreadable(key, error.message);
    }
    const claim = await this.claims.claim(key, mail);
    if (typeof claim === 'string') return claim;
    try {
      await this.senders.answer(claim, mail, raw, more);
      return await this.claims.answered(claim);
    } catch (error) {
      return this.claims.attemptFailed(claim, error as Error & { responseCode?: number });
    }
  }
}

/**
 * `pipeline.handle` for a watcher's loop: an error it could not deal with itself (the
 * store cannot be written) is logged and the message left where it is, for the next round.
 */
export async function handleSafely(pipeline: MailPipeline, log: Logger, key: string, raw: Buffer, more?: MoreOfMessage): Promise<Disposition> {
  let disposition: Disposition;
  try {
    disposition = await pipeline.handle(key, raw, more);
  } catch (error) {
    log.error({ err: error, key }, 'mail: could not be handled, left for the next round');
    disposition = 'later';
  }
  publish('inbound', { outcome: disposition });
  return disposition;
}

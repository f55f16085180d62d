import type { ChannelState } from '../channel.js';

/** A source of inbound mail feeding the pipeline: the IMAP mailbox, or the local inbox folder. */
export interface MailWatcher {
  /** Catches up on what is waiting, then keeps watching until `stop`. */
  start(): void;
  /** Finishes the message under way, then stops. */
  stop(): Promise<void>;
  /** Whether it is watching now (for `/readyz`), in a few words. */
  state(): ChannelState;
}

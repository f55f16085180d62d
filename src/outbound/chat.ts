import type { PayLink } from '../billing/pay-link.js';
import type { Attachment } from '../documents/attachment.js';

/** A direct message to a linked chat account, described without any chat library. */
export interface DirectMessage {
  text: string;
  attachments: Attachment[];
  /** The pay pages of the unpaid invoices it is about, shown under it (buttons on Discord). */
  pay?: PayLink[];
  /** The same for every attempt at one message (a delivery's id), so that a repeat after a crash is not posted twice. */
  key?: string;
}

/**
 * The outbound port for direct messages (Discord DMs). A refusal that retrying cannot
 * cure (the user blocks DMs from the bot) is thrown as a `Fault` whose code says so (see faults.ts).
 */
export interface DirectMessenger {
  send(userId: string, message: DirectMessage): Promise<{ messageId: string }>;
}

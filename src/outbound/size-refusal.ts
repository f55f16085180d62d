import { isSizeRefusal } from '../faults.js';
import type { OutboundMail } from './mail.js';

/**
 * Sends `mail`; when the server refuses it for its size (552, 5.3.4: a customer's server
 * takes less than MAIL_SIZE_LIMIT_MB lets through) while it carries files, sends `without()`
 * at once — the same mail without its files, saying so and how to get them. The customer
 * still reads the message and learns why its files did not come, where a failure would leave
 * them with nothing (an answer filed in Failed, an announcement retried to the same refusal).
 * Every mail to a customer that carries files goes through here: answers and the push's messages.
 * Resolves with what the server said of the mail it took, and the refusal when there was one.
 */
export async function sendOrWithoutFiles<T>(
  send: (mail: OutboundMail) => Promise<T>,
  mail: OutboundMail,
  without: () => OutboundMail,
): Promise<{ sent: T; refused: Error | null }> {
  try {
    return { sent: await send(mail), refused: null };
  } catch (error) {
    if (!isSizeRefusal(error) || (mail.attachments ?? []).length === 0) throw error;
    return { sent: await send(without()), refused: error as Error };
  }
}

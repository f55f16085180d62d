import type { Logger } from '../log.js';
import type { Mailer } from '../outbound/mail.js';

export interface StaffNoticePorts {
  mailer: Mailer;
  /** FACTEUR_STAFF_EMAILS: one mail to all of them. */
  staffEmails: string[];
  /** The Discord channel staff read (DISCORD_STAFF_CHANNEL_ID), and how to post there. */
  channel: { id: string; post(channelId: string, notice: { subject: string; text: string }): Promise<unknown> } | null;
  log: Logger;
}

/**
 * How the core tells support staff something: a mail to the staff addresses and a message in
 * the staff's Discord channel, whichever are configured. Telling them never fails the request
 * that led to it (a customer's claim is recorded and answered whatever staff's mail does): a
 * notice that reaches no one is logged, with what it said, for the operator to read.
 */
export function staffNotices(ports: StaffNoticePorts): (notice: { subject: string; text: string }) => Promise<void> {
  return async (notice) => {
    const { mailer, staffEmails, channel, log } = ports;
    const sends: Promise<unknown>[] = [];
    if (staffEmails.length > 0) sends.push(mailer.send({ to: staffEmails.join(', '), subject: notice.subject, text: notice.text, headers: { 'Auto-Submitted': 'auto-generated' } }));
    if (channel) sends.push(channel.post(channel.id, notice));
    if (sends.length === 0) log.warn({ event: 'staff.notice.nobody', subject: notice.subject }, 'no staff address nor Discord staff channel is configured: this notice reached no one (FACTEUR_STAFF_EMAILS, DISCORD_STAFF_CHANNEL_ID)');
    const results = await Promise.allSettled(sends);
    for (const result of results) if (result.status === 'rejected') log.error({ err: result.reason, event: 'staff.notice.failed', subject: notice.subject }, 'a notice to staff could not be sent');
  };
}

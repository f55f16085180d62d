import type { Customer } from '../billing/types.js';
import type { Logger } from '../log.js';
import type { Catalog } from '../templates/catalog.js';
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
    if (staffEmails.length > 0)
      sends.push(mailer.send({ to: staffEmails.join(', '), subject: notice.subject, text: notice.text, headers: { 'Auto-Submitted': 'auto-generated' } }));
    if (channel) sends.push(channel.post(channel.id, notice));
    if (sends.length === 0)
      log.warn(
        { event: 'staff.notice.nobody', subject: notice.subject },
        'no staff address nor Discord staff channel is configured: this notice reached no one (FACTEUR_STAFF_EMAILS, DISCORD_STAFF_CHANNEL_ID)',
      );
    const results = await Promise.allSettled(sends);
    for (const result of results)
      if (result.status === 'rejected')
        log.error({ err: result.reason, event: 'staff.notice.failed', subject: notice.subject }, 'a notice to staff could not be sent');
  };
}

/**
 * Invoices whose PDF was not sent (PDF_SOURCE=billing, and the billing system has not sent
 * it): the log names them with the customer and what was being sent, and staff are told, to
 * have the billing system send them. The customer is told in their own words by whoever answers them.
 */
export async function tellPdfsMissing(
  ports: { catalog: Catalog; log: Logger; tellStaff: (notice: { subject: string; text: string }) => Promise<void> },
  customer: Pick<Customer, 'id' | 'email'>,
  numbers: string[],
  what: string,
): Promise<void> {
  ports.log.warn(
    { event: 'pdf.missing', customer: customer.id, invoices: numbers, what },
    'PDF_SOURCE=billing: the billing system has not sent these invoices\u2019 PDFs, so they were not sent',
  );
  const params = { numbers: numbers.join(', '), count: numbers.length, customer: customer.email };
  await ports.tellStaff({ subject: ports.catalog.t('fr', 'staff.pdfMissing.subject', params), text: ports.catalog.t('fr', 'staff.pdfMissing.text', params) });
}

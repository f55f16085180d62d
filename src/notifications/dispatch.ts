import type { Documents } from '../assistant/context.js';
import type { CarriedFile } from '../billing/files.js';
import type { Logger } from '../log.js';
import type { Invoice, IsoDate } from '../billing/types.js';
import type { DirectMessenger } from '../outbound/chat.js';
import type { Mailer } from '../outbound/mail.js';
import type { Store } from '../store/store.js';
import type { Catalog } from '../templates/catalog.js';
import { invoiceMessage, reminderMessage } from './compose.js';
import { accountStatement } from '../billing/statement.js';
import type { Delivery, DeliveryReason } from '../store/delivery.js';
import type { Dispatch } from './deliveries.js';
import { tellPdfsMissing } from './staff-notice.js';

export interface DispatchPorts {
  store: Store;
  documents: Documents;
  catalog: Catalog;
  mailer: Mailer;
  /** Absent when Discord is not configured. */
  chat?: DirectMessenger;
  /** Today in the provider's time zone: how late a reminded invoice is. */
  today: () => IsoDate;
  /** Whether reminders carry the account statement (REMINDERS_STATEMENT). */
  reminderStatement?: boolean;
  /** Where a PDF left out (PDF_SOURCE=billing, none from the billing system yet) is logged, and staff told. */
  log: Logger;
  tellStaff: (notice: { subject: string; text: string }) => Promise<void>;
}

/**
 * Turns a delivery record into the message it describes and hands it to its channel.
 * The message is built from the record at each attempt (invoices, reason, toggle), so a
 * retry after a restart sends the same thing without the message having been stored.
 */
export function createDispatch(ports: DispatchPorts): Dispatch {
  return {
    newMessageId: (delivery) => (delivery.channel === 'email' ? ports.mailer.newMessageId() : null),
    async send(delivery: Delivery) {
      const customer = await ports.store.customerById(delivery.customerId);
      if (!customer) throw Object.assign(new Error(`customer ${delivery.customerId} is no longer in the store`), { permanent: true });
      const found = new Map((await ports.store.invoicesByNumber(delivery.invoices)).map((invoice) => [invoice.number, invoice]));
      const owned = delivery.invoices.flatMap((number) => found.get(number) ?? []).filter((invoice) => invoice.customerId === customer.id);
      if (owned.length === 0) throw Object.assign(new Error('none of its invoices belongs to the customer any more'), { permanent: true });
      const invoices = owned.filter((invoice) => stillToSay(delivery.reason, invoice));
      if (invoices.length === 0) throw Object.assign(new Error(`nothing left to ${delivery.reason === 'reminder' ? 'remind of' : 'announce'}: ${owned.map((i) => i.number).join(', ')} ${delivery.reason === 'reminder' ? 'paid or cancelled' : 'cancelled'} meanwhile`), { moot: true });
      // The message still goes: the customer hears of the invoice, and is told its PDF comes later.
      const notYet = delivery.attachPdf ? await ports.documents.missingPdfs(invoices) : [];
      if (notYet.length > 0) await tellPdfsMissing(ports, customer, notYet, `delivery ${delivery.id} (${delivery.reason})`);
      const { subject, letter, text } =
        delivery.reason === 'reminder'
          ? reminderMessage(ports.catalog, customer, invoices, ports.today(), { pdfs: delivery.attachPdf, statement: ports.reminderStatement ?? false }, notYet)
          : invoiceMessage(ports.catalog, customer, invoices, delivery.reason, delivery.attachPdf, notYet);
      const attachments = delivery.attachPdf ? await Promise.all(invoices.filter((invoice) => !notYet.includes(invoice.number)).map((invoice) => ports.documents.pdfAttachment(invoice, customer))) : [];
      // The statement of everything owed, not only what this reminder names: the document a customer pays from.
      if (delivery.reason === 'reminder' && ports.reminderStatement) {
        const unpaid = await ports.store.invoices(customer.id, { status: 'unpaid' });
        attachments.push(await ports.documents.statementAttachment(accountStatement(customer.id, unpaid, ports.today(), null), customer));
      }
      const files: CarriedFile[] = attachments.flatMap((attachment) => attachment.files);
      if (delivery.channel === 'email') {
        const sent = await ports.mailer.send({
          to: delivery.recipient,
          ...(delivery.cc ? { cc: delivery.cc } : {}),
          subject,
          letter,
          attachments,
          ...(delivery.messageId ? { messageId: delivery.messageId } : {}),
          deliveryId: delivery.id,
          headers: { 'Auto-Submitted': 'auto-generated' },
        });
        return { ...sent, files };
      }
      if (!ports.chat) throw Object.assign(new Error('Discord is not configured (DISCORD_TOKEN)'), { permanent: true });
      return { ...(await ports.chat.send(delivery.recipient, { text: `${subject}\n\n${text}`, attachments, key: delivery.id })), files };
    },
  };
}

/**
 * Whether the message still says something of this invoice when it leaves, not when it was
 * recorded: a reminder only of what is unpaid; an announcement not of an invoice cancelled
 * before the customer heard of it (one paid meanwhile is announced, as paid: it is still theirs
 * to receive). A resend or an answer sends what was asked.
 */
function stillToSay(reason: DeliveryReason, invoice: Invoice): boolean {
  if (reason === 'reminder') return invoice.status === 'unpaid';
  if (reason === 'push') return invoice.status !== 'cancelled';
  return true;
}

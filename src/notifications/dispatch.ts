import type { Documents } from '../documents/port.js';
import type { CarriedFile } from '../billing/files.js';
import { payLinks } from '../billing/pay-link.js';
import { accountStatement } from '../billing/statement.js';
import type { Customer, Invoice, IsoDate } from '../billing/types.js';
import type { Attachment } from '../documents/attachment.js';
import { describeFailure, Fault } from '../faults.js';
import type { LinkMaker } from '../download-links/links.js';
import type { Logger } from '../log.js';
import { deliveryLinks } from '../download-links/offer.js';
import type { DirectMessenger } from '../outbound/chat.js';
import type { Mailer, OutboundMail } from '../outbound/mail.js';
import { sendOrWithoutFiles } from '../outbound/size-refusal.js';
import type { Delivery, DeliveryReason } from '../billing/delivery.js';
import type { Store, Suppression } from '../store/store.js';
import type { Catalog } from '../templates/catalog.js';
import { invoiceWords, reminderWords, wholeMessage, type InvoiceWords } from './compose.js';
import type { Dispatch, Progress, Sent } from './deliveries.js';
import { tellPdfsMissing } from './staff-notice.js';
import { cutIntoMails, invoiceFiles, partLetter, recordedMails, type MailPart } from './mails.js';

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
  /** MAIL_SIZE_LIMIT_MB: the files one mail carries at most, before encoding. */
  mailLimitBytes: number;
  /** Download links for a ZIP over that limit (PUBLIC_URL); null: it is split over several mails. */
  links: LinkMaker | null;
}

/**
 * Turns a delivery record into the message it describes and hands it to its channel.
 * The message is built from the record at each attempt (invoices, reason, toggle), so a
 * retry after a restart sends the same thing without the message having been stored; only
 * the cut of a message into several mails is recorded (`progress`), once its first mail is
 * out, so that a later attempt sends the rest as they were cut, and none twice.
 */
export function createDispatch(ports: DispatchPorts): Dispatch {
  return {
    newMessageId: (delivery) => (delivery.channel === 'email' ? ports.mailer.newMessageId() : null),
    async send(delivery: Delivery, progress: (sent: Progress) => Promise<void>): Promise<Sent> {
      const customer = await ports.store.customerById(delivery.customerId);
      if (!customer) throw new Fault('ENOCUSTOMER', `customer ${delivery.customerId} is no longer in the store`);
      const found = new Map((await ports.store.invoicesByNumber(delivery.invoices)).map((invoice) => [invoice.number, invoice]));
      const owned = delivery.invoices.flatMap((number) => found.get(number) ?? []).filter((invoice) => invoice.customerId === customer.id);
      if (owned.length === 0) throw new Fault('ENOTTHEIRS', 'none of its invoices belongs to the customer any more');
      // Checked before anything is laid out: a mail nobody may receive is failed at once, for staff to see why.
      const withheld = delivery.channel === 'email' ? await suppressedAmong(ports.store, [delivery.recipient, ...(delivery.cc ?? [])]) : [];
      const invoices = owned.filter((invoice) => stillToSay(delivery.reason, invoice));
      if (invoices.length === 0)
        throw new Fault(
          'ENOTHINGLEFT',
          `nothing left to ${delivery.reason === 'reminder' ? 'remind of' : 'announce'}: ${owned.map((i) => i.number).join(', ')} ${delivery.reason === 'reminder' ? 'paid or cancelled' : 'cancelled'} meanwhile`,
        );
      if (withheld.length > 0 && withheld.length === 1 + (delivery.cc ?? []).length) throw new Fault('EWITHHELD', heldBack(withheld));
      // The message still goes: the customer hears of the invoice, and is told its PDF comes later.
      const notYet = delivery.attachPdf ? await ports.documents.missingPdfs(invoices) : [];
      if (notYet.length > 0) await tellPdfsMissing(ports, customer, notYet, `delivery ${delivery.id} (${delivery.reason})`);
      const words =
        delivery.reason === 'reminder'
          ? reminderWords(ports.catalog, customer, invoices, ports.today(), notYet)
          : invoiceWords(ports.catalog, customer, invoices, delivery.reason, notYet);
      const filed = invoices.filter((invoice) => !notYet.includes(invoice.number));
      // The statement of everything owed, not only what this reminder names: the document a customer pays from.
      const statement =
        delivery.reason === 'reminder' && ports.reminderStatement
          ? await ports.documents.statementAttachment(
              accountStatement(customer.id, await ports.store.invoices(customer.id, { status: 'unpaid' }), ports.today(), null),
              customer,
            )
          : null;
      if (delivery.channel === 'email')
        return sendMails(
          ports,
          delivery,
          { words, invoices, filed, customer, statement, withheld: withheld.map((suppression) => suppression.address) },
          progress,
        );
      if (!ports.chat) throw new Fault('ENOCHANNEL', 'Discord is not configured (DISCORD_TOKEN)');
      const attachments = [
        ...(statement ? [statement] : []),
        ...(delivery.attachPdf && filed.length > 0 ? (await invoiceFiles(ports.documents, filed, customer)).files : []),
      ];
      const { subject, text } = wholeMessage(words, delivery.attachPdf, statement !== null);
      // The pay pages of the invoices it is about, as a mail of them has its buttons.
      const pay = payLinks(invoices, (number) => ports.catalog.t(customer.locale, 'pay.button', { number }));
      return {
        ...(await ports.chat.send(delivery.recipient, { text: `${subject}\n\n${text}`, attachments, pay, key: delivery.id })),
        files: attachments.flatMap((attachment) => attachment.files),
      };
    },
  };
}

/** The suppressions of those of `addresses` whose mail bounces. */
async function suppressedAmong(store: Store, addresses: string[]): Promise<Suppression[]> {
  return (await Promise.all(addresses.map((address) => store.suppression(address)))).filter((found): found is Suppression => found !== undefined);
}

/** Why a mail was not sent: every address it was for bounces. */
function heldBack(suppressions: Suppression[]): string {
  const each = suppressions.map(
    (s) => `${s.address} (${s.kind === 'complaint' ? 'reported as spam' : `bounced ${s.status} ${s.diagnostic}`.trim()}, since ${s.since.slice(0, 10)})`,
  );
  return `not sent: mail to ${each.join(', ')} is held back; when it works again, facteur suppressions --lift ADDRESS`;
}

/**
 * A message's mails, sent in order from the first the server has not taken yet: cut within
 * MAIL_SIZE_LIMIT_MB (see cutIntoMails), each later one threaded under the first. A mail the
 * server refuses for its size goes again at once without its files (sendOrWithoutFiles),
 * saying so, and how to ask for them: the customer still learns of every invoice, and the
 * delivery says what happened (its last error, the delivery still sent).
 */
async function sendMails(
  ports: DispatchPorts,
  delivery: Delivery,
  message: { words: InvoiceWords; invoices: Invoice[]; filed: Invoice[]; customer: Customer; statement: Attachment | null; withheld: string[] },
  progress: (sent: Progress) => Promise<void>,
): Promise<Sent> {
  const { words, invoices, filed, customer, statement, withheld } = message;
  // Addresses whose mail bounces are left out of the envelope; the headers still name everyone the mail is for.
  const deliverTo = withheld.length > 0 ? [delivery.recipient, ...(delivery.cc ?? [])].filter((address) => !withheld.includes(address.toLowerCase())) : null;
  // What the mailer says of each mail: whether its copies had their own return paths, and copies the server refused.
  let verp = false;
  const copiesRefused = new Set<string>();
  const send = async (outbound: OutboundMail) => {
    const took = await ports.mailer.send(outbound);
    verp ||= took.verp === true;
    for (const address of took.refused ?? []) copiesRefused.add(address);
  };
  const recorded = delivery.parts && delivery.parts.sent > 0 ? delivery.parts : null;
  const { parts, links } = recorded
    ? { parts: await recordedMails(recorded.invoices, recorded.sent, invoices, filed, customer, ports.documents), links: [] }
    : await cutIntoMails({
        invoices,
        filed,
        customer,
        attachPdf: delivery.attachPdf,
        statement,
        documents: ports.documents,
        catalog: ports.catalog,
        limitBytes: ports.mailLimitBytes,
        links: ports.links,
      });
  const cut = parts.map((part) => part.invoices.map((invoice) => invoice.number));
  const first = delivery.messageId ?? ports.mailer.newMessageId();
  // What the mails the server took carried, those of an earlier attempt included.
  const files: CarriedFile[] = recorded ? [...(delivery.files ?? [])] : [];
  const refused: string[] = [];
  let reason = '';
  for (let index = recorded?.sent ?? 0; index < parts.length; index++) {
    const part = parts[index]!;
    if (part.invoices.length === 0) continue;
    const mail = (shown: MailPart): OutboundMail => ({
      to: delivery.recipient,
      ...(delivery.cc ? { cc: delivery.cc } : {}),
      ...partLetter(words, shown, index, parts.length, ports.catalog),
      attachments: shown.files,
      messageId: index === 0 ? first : partMessageId(first, index),
      ...(index > 0 ? { inReplyTo: first, references: [first] } : {}),
      deliveryId: delivery.id,
      ...(deliverTo ? { deliverTo } : {}),
      headers: { 'Auto-Submitted': 'auto-generated' },
    });
    const { refused: refusal } = await sendOrWithoutFiles(send, mail(part), () => mail({ ...part, files: [], says: 'refused', statement: false }));
    if (refusal) {
      reason = describeFailure(refusal);
      refused.push(`${index + 1}/${parts.length}`);
    } else files.push(...part.files.flatMap((file) => file.files));
    if (parts.length > 1) await progress({ parts: { invoices: cut, sent: index + 1 }, files });
  }
  const note = refused.length > 0 ? `${reason}: ${parts.length > 1 ? `mail ${refused.join(', ')}` : 'the mail'} sent again without its files` : null;
  return {
    messageId: first,
    files,
    ...(links.length > 0 ? { links: deliveryLinks(links) } : {}),
    note,
    ...(verp ? { verp } : {}),
    ...(withheld.length > 0 ? { withheld } : {}),
    ...(copiesRefused.size > 0 ? { refused: [...copiesRefused] } : {}),
  };
}

/** The Message-ID of a message's later mail: the first's with the mail's number, so that an attempt after a crash sends it with the same one. */
function partMessageId(first: string, index: number): string {
  return first.replace('@', `.${index + 1}@`);
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

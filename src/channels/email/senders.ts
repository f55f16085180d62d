import type { AttachedFile } from '../../assistant/actions/verify.js';
import type { Assistant } from '../../assistant/assistant.js';
import type { Reply } from '../../assistant/reply.js';
import type { Locale } from '../../billing/types.js';
import type { MailSettings } from '../../config.js';
import type { Logger } from '../../log.js';
import type { Mailer, OutboundMail } from '../../outbound/mail.js';
import { sendOrWithoutFiles } from '../../outbound/size-refusal.js';
import type { Store } from '../../store/store.js';
import type { Catalog } from '../../templates/catalog.js';
import { automaticReason, wantsNoAnswer } from './automatic.js';
import { composeReplies, withoutFiles } from './compose.js';
import { dmarcVerdict, type DmarcVerdict } from './dmarc.js';
import { awaitsConfirmationFrom } from '../../billing/changes.js';
import { describeFailure } from '../../faults.js';
import { MAX_MESSAGE_BYTES, readMail, type InboundMail, type MoreOfMessage } from './read.js';
import { ownLines, type Request as Reading } from '../../assistant/reading/request.js';
import { readZones } from './zones.js';
import type { StaffDesk } from '../../assistant/staff.js';
import type { Deliveries } from '../../notifications/deliveries.js';
import type { LinkMaker } from '../../download-links/links.js';
import type { DeliveryLink } from '../../billing/delivery.js';
import { conversationOf, repliedTo } from './thread.js';
import { readReport } from './report.js';
import type { Bounces } from '../../notifications/bounces.js';
import { liftProven } from '../../notifications/suppressions.js';
import type { Claim } from './claims.js';
import { HOUR_MS, DAY_MS } from '../../time.js';

/** A stranger is told their address is unknown once a week at most: a forged From makes the answer backscatter. */
const STRANGER_QUIET_MS = 7 * DAY_MS;
/** The language of a stranger who writes none we recognise: most customers write French. */
const STRANGER_LOCALE: Locale = 'fr';

export interface SendersOptions {
  store: Store;
  assistant: Assistant;
  catalog: Catalog;
  mailer: Mailer;
  log: Logger;
  settings: MailSettings;
  /** Facteur's own addresses (MAIL_FROM, the mailbox's): mail from them is never answered. */
  ownAddresses: string[];
  /** Where answers to customers are recorded, like every message about invoices. */
  deliveries: Deliveries;
  /** Support staff's addresses (FACTEUR_STAFF_EMAILS), whose `renvoyer 1210` goes to the staff desk. */
  staff: { emails: string[]; desk: StaffDesk };
  /** FACTEUR_PDF_MAX_MB: a customer's PDF to be checked is fetched whole up to this size. */
  pdfMaxBytes: number;
  /** Makes download links for ZIPs over the size limit (PUBLIC_URL); null: such ZIPs are split over several mails. */
  downloadLinks: LinkMaker | null;
  /** Where delivery reports (bounces, complaints) are read back. */
  bounces: Bounces;
  /** The bounce folder's pipeline (MAIL_BOUNCE_FOLDER): reports are read, anything else is filed unanswered. */
  reportsOnly?: boolean;
}

/**
 * Who is asking, and what they get: automatic mail and delivery reports are never answered;
 * staff are heard only with DMARC passing; a stranger learns only that the address is unknown,
 * and rarely; a customer's request goes to the assistant with the trust their address and
 * DMARC earn. Each answer is sent through the message's claim, which counts what went out.
 */
export class Senders {
  private readonly now = () => new Date();
  private readonly ownAddresses: Set<string>;
  private readonly staffAddresses: Set<string>;

  constructor(private readonly options: SendersOptions) {
    this.ownAddresses = new Set(options.ownAddresses.map((address) => address.toLowerCase()));
    this.staffAddresses = new Set(options.staff.emails.map((address) => address.toLowerCase()));
  }

  /**
   * Decides whether and how to answer, then sends the answer to the sender, who is on a
   * customer's record (or, for a code coming back, the new address the owner approved).
   * What the sender may ask depends on what vouches for them: an address on record alone
   * may ask for what goes back to it; DMARC, when checked and passing, vouches for the customer's
   * domain (see `Request.trust`), never for words they did not write (see `Request.words`).
   */
  async answer(claim: Claim, mail: InboundMail, raw: Buffer, more?: MoreOfMessage): Promise<void> {
    const { store, log, settings, assistant } = this.options;
    const automatic = automaticReason(mail, this.ownAddresses);
    if (automatic || this.options.reportsOnly) {
      // A report is machine mail: read for what it says of Facteur's deliveries, never answered.
      const report = await readReport(raw).catch(() => null);
      if (report) {
        const done = await this.options.bounces.read(report);
        log.info({ key: claim.record.key, sender: mail.sender, outcome: done }, 'mail: delivery report read');
        return claim.close('ignored', `delivery report: ${done}`);
      }
    }
    if (!automatic && this.options.reportsOnly) {
      log.info({ key: claim.record.key, sender: mail.sender }, 'mail: not a delivery report, in the bounce folder: not answered');
      return claim.close('ignored', 'not a delivery report (the bounce folder is never answered)');
    }
    if (automatic) {
      log.info({ key: claim.record.key, sender: mail.sender, reason: automatic }, 'mail: automatic message, not answered');
      return claim.close('ignored', `automatic: ${automatic}`);
    }
    const zones = readZones(mail);
    // The customer's own words alone: a subject (« Facture 1291 – accusé de réception ») asks nothing they say needs no answer.
    if (wantsNoAnswer(ownLines(zones).join('\n'))) {
      log.info({ key: claim.record.key, sender: mail.sender }, 'mail: asks nothing and wants no answer, not answered');
      return claim.close('ignored', 'asks nothing: no answer wanted');
    }
    const dmarc = settings.dmarcAuthservId === null ? null : dmarcVerdict(mail, settings.dmarcAuthservId);
    const onRecord = await store.customerByAddress(mail.sender);
    // An invoice contact is no identity: its mail is a stranger's unless the customer let it
    // ask, and even then it is never the owner's (trust stays 'address', below).
    const contactOf = onRecord ? undefined : await store.customerByAskingContact(mail.sender);
    // Read once, in the context of the customer's mail it answers when the sender is known, and handed to the assistant as read.
    const request = await assistant.readMessage({ zones, context: { channel: 'mail' } }, onRecord ?? contactOf, repliedTo(mail));
    if (await this.asksStaff(mail, request)) return this.answerStaff(claim, mail, request, dmarc);
    const confirming = !onRecord && !contactOf && request.command?.intent === 'confirm' ? await store.customerByPendingAddress(mail.sender) : undefined;
    const customer = onRecord ?? contactOf ?? (confirming && awaitsConfirmationFrom(confirming, mail.sender, this.now()) ? confirming : undefined);
    if (!customer) return this.answerStranger(claim, mail, request, dmarc, raw, more);
    claim.note({ customerId: customer.id });
    if (dmarc === 'fail' && claim.record.sent === 0) {
      // Our server says the From is forged: answering would only mail the customer what a forger asked for.
      log.warn({ key: claim.record.key, customer: customer.id }, 'mail: DMARC failed for an address on record, not answered');
      return claim.close('ignored', 'DMARC failed: the From is likely forged');
    }
    if (claim.record.sent === 0) {
      const answered = await store.answeredInbound({ since: this.ago(HOUR_MS), sender: mail.sender });
      if (answered >= settings.repliesPerHour) {
        log.warn({ key: claim.record.key, customer: customer.id, limit: settings.repliesPerHour }, 'mail: reply limit reached, not answered');
        return claim.close('ignored', `reply limit: ${answered} replies in the last hour`);
      }
    }
    if (onRecord) await this.provenWorking(mail);
    // A DMARC pass proves the From's domain, which vouches for the customer only from an address on record.
    const trust = onRecord && dmarc === 'pass' ? 'domain' : 'address';
    const reply = await claim.replyOnce(async () =>
      assistant.handle({
        customerId: customer.id,
        text: request.text,
        command: request.command,
        ...(request.locale ? { locale: request.locale } : {}),
        conversation: conversationOf(mail),
        sender: mail.sender,
        trust,
        words: request.words,
        ...(mail.inReplyTo ? { inReplyTo: mail.inReplyTo } : {}),
        ...(mail.pdfs.length > 0 ? { documents: await this.pdfsToCheck(mail, raw, request, more) } : {}),
      }),
    );
    await this.send(claim, reply, mail);
    log.info({ key: claim.record.key, customer: customer.id, trust, outcome: reply.outcome, mails: claim.record.sent }, 'mail: answered');
  }

  /**
   * A suppressed address that replies to a mail Facteur sent it since it bounced has received
   * that mail (its Message-ID is in no one else's hands): mail to it goes again. Writing from an
   * address proves nothing of its inbox; answering what arrived there does.
   */
  private async provenWorking(mail: InboundMail): Promise<void> {
    const { store, log } = this.options;
    const suppression = await store.suppression(mail.sender);
    if (!suppression) return;
    for (const id of [mail.inReplyTo, ...mail.references].filter((one): one is string => one !== null).slice(-10)) {
      const [delivery] = await store.deliveries({ messageId: id });
      const sentThere = delivery?.channel === 'email' && [delivery.recipient, ...(delivery.cc ?? [])].some((address) => address.toLowerCase() === mail.sender);
      if (!delivery || !sentThere || delivery.createdAt <= suppression.since || delivery.status !== 'sent') continue;
      await liftProven(store, log, mail.sender, delivery.createdAt, { delivery: delivery.id });
      return;
    }
  }

  /** A resend from a staff address, or a code for one held (unless that address is also a customer's, with changes of their own). */
  private async asksStaff(mail: InboundMail, request: Reading): Promise<boolean> {
    if (!this.staffAddresses.has(mail.sender)) return false;
    if (request.command?.intent === 'resend') return true;
    if (request.command?.intent !== 'confirm') return false;
    return Boolean((await this.options.store.heldRequest(staffId(mail)))?.codeHash) || !(await this.options.store.customerByAddress(mail.sender));
  }

  /**
   * A request from staff. A From address is forged in seconds and a resend reaches any
   * customer, so staff mail is heard only with DMARC checked and passing; either way a
   * resend only ever goes to the address on the customer's record.
   */
  private async answerStaff(claim: Claim, mail: InboundMail, request: Reading, dmarc: DmarcVerdict | null): Promise<void> {
    const { settings, catalog, staff, log, store } = this.options;
    const locale = request.locale ?? STRANGER_LOCALE;
    if (dmarc !== 'pass') {
      const why = dmarc === null ? 'staff requests by mail are off without MAIL_DMARC_AUTHSERV_ID' : 'DMARC did not pass';
      log.warn({ event: 'staff.refused', key: claim.record.key, sender: mail.sender, reason: why }, 'mail: staff request refused');
      // Never when our server says the From is forged, else once a day: a refusal to each would be a loop for anyone to start.
      const quiet = dmarc === 'fail' || (await store.answeredInbound({ since: this.ago(DAY_MS), sender: mail.sender })) > 0;
      if (claim.record.sent === 0 && quiet) return claim.close('ignored', `staff request refused: ${why}`);
      return this.send(
        claim,
        { locale, outcome: 'refused', text: [catalog.t(locale, dmarc === null ? 'staff.mailOff' : 'staff.unverified')], attachments: [] },
        mail,
      );
    }
    // A resend is an action on other customers' mail: a reply's subject (someone else's words) never asks one.
    if (request.words !== 'own') return this.send(claim, { locale, outcome: 'refused', text: [catalog.t(locale, 'staff.notOwnWords')], attachments: [] }, mail);
    const { command } = request;
    // Named after this message, so that handling it again after a failed answer or a crash resends nothing twice.
    const requestedBy = `${staffId(mail)} ${claim.record.key}`;
    const reply = await claim.replyOnce(() =>
      command?.intent === 'confirm'
        ? staff.desk.confirmHeld(staffId(mail), requestedBy, command.code, locale)
        : staff.desk.resendMany(staffId(mail), requestedBy, command?.intent === 'resend' ? command.numbers : [], locale, settings.staffMaxResends),
    );
    await this.send(claim, reply, mail);
  }

  /** Why a stranger is not answered, or null: a failed DMARC, one answer a week, a few strangers an hour in all. */
  private async strangerSilence(mail: InboundMail, dmarc: DmarcVerdict | null, perHour: number): Promise<string | null> {
    const { store } = this.options;
    if (dmarc !== null && dmarc !== 'pass') return 'DMARC did not pass';
    if ((await store.answeredInbound({ since: this.ago(STRANGER_QUIET_MS), sender: mail.sender, strangers: true })) > 0) return 'already told this week';
    if ((await store.answeredInbound({ since: this.ago(HOUR_MS), strangers: true })) >= perHour) return `${perHour} strangers answered this hour`;
    return null;
  }

  /**
   * A stranger learns nothing but that the address is unknown, and rarely: the From may be
   * a victim's, whom the answer would reach. Never when DMARC is checked and did not pass,
   * once a week per address, and a few an hour in all.
   */
  private async answerStranger(
    claim: Claim,
    mail: InboundMail,
    request: Reading,
    dmarc: DmarcVerdict | null,
    raw: Buffer,
    more?: MoreOfMessage,
  ): Promise<void> {
    const { settings, log, catalog } = this.options;
    const silence = claim.record.sent > 0 ? null : await this.strangerSilence(mail, dmarc, settings.strangerRepliesPerHour);
    if (silence !== null) {
      log.info({ key: claim.record.key, sender: mail.sender, reason: silence }, 'mail: unknown sender, not answered');
      return claim.close('ignored', `unknown sender: ${silence}`);
    }
    log.info({ key: claim.record.key, sender: mail.sender }, 'mail: unknown sender, told so');
    // Within the strangers' budget, a PDF they ask about (or send with nothing else) is checked for staff: a forgery in our name often reaches no customer.
    if (claim.record.sent === 0 && mail.pdfs.length > 0 && asksCheck(request))
      await this.options.assistant.checkStrangersCopies(await this.pdfsToCheck(mail, raw, request, more), { sender: mail.sender, channel: 'email' });
    const locale = request.locale ?? STRANGER_LOCALE;
    await this.send(claim, { locale, outcome: 'refused', text: [catalog.t(locale, 'email.unknownSender', { address: mail.sender })], attachments: [] }, mail);
  }

  /**
   * The message's PDFs, whole: when the first MAX_MESSAGE_BYTES cut one and the words ask for
   * a check (or ask nothing else), the message is fetched again up to what one PDF at the limit
   * takes once encoded (FACTEUR_PDF_MAX_MB), once. Past that, a PDF has no bytes: too large.
   */
  private async pdfsToCheck(mail: InboundMail, raw: Buffer, request: Reading, more?: MoreOfMessage): Promise<AttachedFile[]> {
    if (!more || !asksCheck(request) || mail.pdfs.every((pdf) => pdf.bytes !== null) || raw.length < MAX_MESSAGE_BYTES) return mail.pdfs;
    const limit = MAX_MESSAGE_BYTES + Math.ceil((this.options.pdfMaxBytes * 4) / 3) + 64 * 1024;
    return (await readMail(await more(limit), limit)).pdfs;
  }

  private ago(ms: number): string {
    return new Date(this.now().getTime() - ms).toISOString();
  }

  /** Sends each mail of the reply not yet accepted by the server, counting them as they are. */
  private async send(claim: Claim, reply: Reply, mail: InboundMail): Promise<void> {
    const { catalog, settings } = this.options;
    const { mails, links } = await composeReplies(reply, mail, mail.sender, catalog, settings.sizeLimitBytes, this.options.downloadLinks);
    await claim.sendEach(mails, (outbound, part) => this.sendOne(claim, reply, outbound, part === 0 ? links : []));
  }

  /**
   * One mail of an answer; to a customer, it is recorded in the delivery log around the send, with the download links and files it
   * carries. A server that refuses it for its size gets it again without its files (sendOrWithoutFiles), and the record says so.
   */
  private async sendOne(claim: Claim, reply: Reply, outbound: OutboundMail, links: DeliveryLink[]): Promise<void> {
    const { mailer, deliveries } = this.options;
    const customerId = claim.record.customerId;
    if (customerId === null) {
      await sendOrWithoutFiles(
        (mail) => mailer.send(mail),
        outbound,
        () => withoutFiles(outbound, this.options.catalog),
      );
      return;
    }
    const attachPdf = (outbound.attachments ?? []).length > 0;
    const files = (outbound.attachments ?? []).flatMap((attachment) => attachment.files);
    const spec = {
      customerId,
      invoices: reply.invoices ?? [],
      channel: 'email' as const,
      recipient: outbound.to,
      reason: 'request' as const,
      attachPdf,
      ...(links.length > 0 ? { links } : {}),
      ...(files.length > 0 ? { files } : {}),
    };
    await deliveries.track(spec, async (delivery) => {
      const addressed = { ...outbound, ...(delivery.messageId ? { messageId: delivery.messageId } : {}), deliveryId: delivery.id };
      const { sent, refused } = await sendOrWithoutFiles(
        (mail) => mailer.send(mail),
        addressed,
        () => withoutFiles(addressed, this.options.catalog),
      );
      return refused ? { ...sent, files: [], note: `${describeFailure(refused)}: the mail sent again without its files` } : sent;
    });
  }
}

/** Whether the words ask for the attached PDFs to be checked, or ask nothing else (a forward under its subject, a greeting). */
function asksCheck(request: Reading): boolean {
  const intent = request.command?.intent;
  return intent === undefined || intent === 'verify' || intent === 'smalltalk' || request.words === 'quoted';
}

/** How a staff member who writes to the inbox is named in the staff records. */
function staffId(mail: InboundMail): string {
  return `email:${mail.sender}`;
}

import { randomUUID } from 'node:crypto';
import type { AttachedFile } from '../../assistant/actions/verify.js';
import type { Assistant } from '../../assistant/assistant.js';
import type { Reply } from '../../assistant/reply.js';
import type { Locale } from '../../billing/types.js';
import type { MailSettings } from '../../config.js';
import type { Logger } from '../../log.js';
import type { Mailer, OutboundMail } from '../../outbound/mail.js';
import { sendOrWithoutFiles } from '../../outbound/size-refusal.js';
import type { InboundMessage, Store } from '../../store/store.js';
import type { Catalog } from '../../templates/catalog.js';
import { automaticReason, wantsNoAnswer } from './automatic.js';
import { composeReplies, withoutFiles } from './compose.js';
import { dmarcVerdict, type DmarcVerdict } from './dmarc.js';
import { awaitsConfirmationFrom } from '../../billing/changes.js';
import { describeFailure, isMachineFault, isOwnMailFault, isPermanent } from '../../faults.js';
import { MAX_MESSAGE_BYTES, readMail, UnreadableMail, type InboundMail, type MoreOfMessage } from './read.js';
import { findRequest, type MailRequest } from './request.js';
import { ownLines } from '../../assistant/reading/request.js';
import { readZones } from './zones.js';
import { parse } from '../../assistant/reading/read.js';
import type { StaffDesk } from '../../assistant/staff.js';
import type { Deliveries } from '../../notifications/deliveries.js';
import type { LinkMaker } from '../../download-links/links.js';
import type { DeliveryLink } from '../../billing/delivery.js';
import { conversationOf, repliedTo } from './thread.js';
import { readReport } from './report.js';
import type { Bounces } from '../../notifications/bounces.js';
import { liftProven } from '../../notifications/suppressions.js';
import { publish } from '../../observe.js';
import { MINUTE_MS, HOUR_MS, DAY_MS } from '../../time.js';

/** Where a watcher puts a message once the pipeline is through with it, or `later` to leave it for a retry. */
export type Disposition = 'processed' | 'failed' | 'later';

/** Times handling may start for one message, crashes included, before it goes to Failed. */
const MAX_ATTEMPTS = 8;
const RETRY_FIRST_MS = MINUTE_MS;
/** A wait for the machine (a full disk, a refused login) is not the message's: it is tried again soon, and not counted against it. */
const MACHINE_RETRY_MS = 5_000;
const RETRY_MAX_MS = HOUR_MS;
/** A stranger is told their address is unknown once a week at most: a forged From makes the answer backscatter. */
const STRANGER_QUIET_MS = 7 * DAY_MS;
/** What claiming a message found: what to do with it. */
type ClaimOutcome = 'duplicate' | 'processed' | 'failed' | 'busy' | 'exhausted' | 'inDoubt' | 'claimed';

/**
 * Where several processes share the store, a message one of them claimed is left to it for
 * this long after its last step; past it, that process is taken for dead and the message
 * handled again (its claim says which replies went out).
 */
const CLAIM_LEASE_MS = 5 * MINUTE_MS;
/** The language of a stranger who writes none we recognise: most customers write French. */
const STRANGER_LOCALE: Locale = 'fr';

export interface MailPipelineOptions {
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
 * Everything between a raw inbound message and its answer, the same for the IMAP
 * mailbox and the local inbox folder; the watchers only fetch messages and file them
 * where `handle` says.
 *
 * Exactly once: the message is claimed in the store before anything is sent, each reply
 * is marked `sending` while the mail server has it and counted once accepted, and the
 * record is closed before the message is moved. After a crash, a claimed message is
 * handled again (nothing went out), a closed one is only moved, and one caught while
 * `sending` goes to Failed: the server may have accepted that reply, and a second answer
 * is worse than a message staff look at.
 */
export class MailPipeline {
  private readonly now = () => new Date();
  /** Who claims messages in the store's records: this process. */
  private readonly instance = randomUUID();
  private readonly ownAddresses: Set<string>;
  private readonly staffAddresses: Set<string>;
  /** Replies kept for a retry after a failed send, so the assistant acts only once per message in this process. */
  private readonly pendingReplies = new Map<string, Reply>();
  private readonly retryAt = new Map<string, number>();
  /**
   * Records this process knows better than the store, by key: what a write that failed could
   * not tell it (an attempt taken back as the machine's fault, a reply that did not go after all).
   */
  private readonly unwritten = new Map<string, InboundMessage>();

  constructor(private readonly options: MailPipelineOptions) {
    this.ownAddresses = new Set(options.ownAddresses.map((address) => address.toLowerCase()));
    this.staffAddresses = new Set(options.staff.emails.map((address) => address.toLowerCase()));
  }

  /** False while a message waits out its retry delay: watchers need not even fetch it. */
  due(key: string): boolean {
    return (this.retryAt.get(key) ?? 0) <= this.now().getTime();
  }

  /**
   * How long until the next message waiting out a delay is due, so that a watcher asleep
   * wakes for it; Infinity when none waits. Delays already over do not count: their
   * message was handled in the round just done, or is gone from the mailbox.
   */
  msUntilDue(): number {
    const now = this.now().getTime();
    const next = Math.min(...[...this.retryAt.values()].filter((at) => at > now));
    return Number.isFinite(next) ? next - now : Infinity;
  }

  async handle(key: string, raw: Buffer, more?: MoreOfMessage): Promise<Disposition> {
    if (!this.due(key)) return 'later';
    let mail: InboundMail;
    try {
      mail = await readMail(raw);
    } catch (error) {
      if (!(error instanceof UnreadableMail)) throw error;
      return this.unreadable(key, error.message);
    }
    let claim: Claim | Disposition;
    try {
      claim = await this.claim(key, mail);
    } catch (error) {
      // Nothing was written, so nothing is counted: the store could not take the claim, which is no fault of the message.
      return this.machineWait(key, error as Error);
    }
    if (typeof claim === 'string') return claim;
    try {
      await this.answer(claim, mail, key, raw, more);
      const { inDoubt, sent } = claim.record;
      if (inDoubt.length > 0) {
        const others = sent > inDoubt.length ? `; the other ${sent - inDoubt.length} were sent` : '';
        return await this.giveUp(claim, key, `interrupted while a reply was with the mail server (mail ${inDoubt.join(', ')} of ${sent}): it may or may not have arrived, so it is not sent again${others}`);
      }
      this.forget(key);
      return 'processed';
    } catch (error) {
      return this.attemptFailed(claim, key, error as Error & { responseCode?: number });
    }
  }

  /**
   * Takes the message, or says what to do with one met before: only move it (closed),
   * give up on it (caught while sending, or tried too often), or handle it again (claimed).
   */
  private async claim(key: string, mail: InboundMail): Promise<Claim | Disposition> {
    const now = this.now();
    const at = now.toISOString();
    const fresh: InboundMessage = {
      key,
      messageId: mail.messageId,
      sender: mail.sender,
      customerId: null,
      status: 'claimed',
      attempts: 0,
      sent: 0,
      inDoubt: [],
      reason: null,
      claimedBy: null,
      receivedAt: at,
      updatedAt: at,
    };
    const lease = this.options.store.shared ? CLAIM_LEASE_MS : 0;
    const seen: { outcome: ClaimOutcome; original: string; found?: InboundMessage } = { outcome: 'claimed', original: '' };
    // Decided on the record as it is when written: of two processes taking the message at once, the second sees the first's claim.
    const record = await this.options.store.updateInbound(key, mail.messageId === null ? null : { messageId: mail.messageId, sender: mail.sender }, (found) => {
      const copy = found !== undefined && found.key !== key;
      if (copy && (found.status === 'replied' || found.status === 'ignored')) {
        [seen.outcome, seen.original] = ['duplicate', found.key];
        return { ...fresh, status: 'ignored', reason: `another copy of ${found.key}, already handled` };
      }
      // A copy of a message that failed is that message handed back (moved to the mailbox again
      // by an operator, or by `facteur inbox retry`): it is handled anew. Found under another key
      // and unfinished, it is the same message seen again after the mailbox was rebuilt (a new
      // UIDVALIDITY): it is carried on with, not dropped as a duplicate.
      const known = found && found.claimedBy === this.instance ? (this.unwritten.get(found.key) ?? found) : found;
      const current = known && !(copy && known.status === 'failed') ? known : fresh;
      seen.found = current;
      const claimed = { ...current, claimedBy: this.instance, updatedAt: at };
      // Another live process's, finished or not: it files the message itself, and two moves would file it twice.
      if (this.othersFresh(current, now, lease)) seen.outcome = 'busy';
      else if (current.status === 'replied' || current.status === 'ignored' || current.status === 'failed') {
        seen.outcome = current.status === 'failed' ? 'failed' : 'processed';
        // Closed by this process while the store could not be told: written now, before the message is moved.
        if (current !== found) return claimed;
      }
      else if (current.attempts >= MAX_ATTEMPTS) {
        seen.outcome = 'exhausted';
        return { ...claimed, status: 'failed', reason: `no answer could be sent in ${MAX_ATTEMPTS} attempts: ${current.reason ?? 'unknown error'}` };
      } else if (current.status === 'sending') {
        // Only the reply that was with the server is in doubt: the ones after it are still owed.
        seen.outcome = 'inDoubt';
        const part = current.sent + 1;
        return { ...claimed, status: 'claimed', sent: part, inDoubt: [...current.inDoubt, part], attempts: current.attempts + 1 };
      } else return { ...claimed, status: 'claimed', attempts: current.attempts + 1 };
      return null;
    });
    // Written, the record carries what this process knew better than the store.
    if (record) this.unwritten.delete(record.key);
    switch (seen.outcome) {
      case 'duplicate':
        this.options.log.info({ key, messageId: mail.messageId, original: seen.original }, 'mail: duplicate, not answered again');
        return 'processed';
      case 'processed':
        return seen.outcome;
      case 'failed':
        // Closed as failed before, by a process that stopped before moving it.
        this.filedAsFailed(seen.found!);
        return 'failed';
      case 'busy':
        this.options.log.debug({ key }, 'mail: another Facteur is handling it');
        return 'later';
      case 'exhausted':
        this.forget(key);
        this.filedAsFailed(record!);
        return 'failed';
      case 'inDoubt':
        this.options.log.warn({ key, part: record!.sent }, 'mail: a reply was with the mail server when Facteur stopped; it is not sent again, the ones after it are');
        return new Claim(this.options.store, record!, this.now, this.unwritten);
      case 'claimed':
        return new Claim(this.options.store, record!, this.now, this.unwritten);
    }
  }

  /**
   * Where a message whose handling is over belongs, whatever its flags: a process that
   * stopped after closing its record but before moving it left it in the mailbox, seen.
   */
  async settled(key: string): Promise<'processed' | 'failed' | undefined> {
    const record = await this.options.store.inboundMessage(key, null);
    if (!record || this.othersFresh(record, this.now(), this.options.store.shared ? CLAIM_LEASE_MS : 0)) return undefined;
    if (record.status === 'replied' || record.status === 'ignored') return 'processed';
    if (record.status !== 'failed') return undefined;
    this.filedAsFailed(record);
    return 'failed';
  }

  /** Every message that goes to the Failed folder is logged, with why: staff find it there, the operator in the log. */
  private filedAsFailed(record: InboundMessage): void {
    this.options.log.error({ key: record.key, messageId: record.messageId, reason: record.reason }, 'mail: moved to the failed folder');
  }

  /** A record another process wrote within its claim's lease: that process is alive, and the message is its own. */
  private othersFresh(record: InboundMessage, now: Date, lease: number): boolean {
    return record.claimedBy !== null && record.claimedBy !== this.instance && Date.parse(record.updatedAt) + lease > now.getTime();
  }

  /**
   * Decides whether and how to answer, then sends the answer to the sender, who is on a
   * customer's record (or, for a code coming back, the new address the owner approved).
   * What the sender may ask depends on what vouches for them: an address on record alone
   * may ask for what goes back to it; DMARC, when checked and passing, vouches for the customer's
   * domain (see `Request.trust`), never for words they did not write (see `Request.words`).
   */
  private async answer(claim: Claim, mail: InboundMail, key: string, raw: Buffer, more?: MoreOfMessage): Promise<void> {
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
    const request = findRequest(zones, this.options.assistant.today());
    // The customer's own words alone: a subject (« Facture 1291 – accusé de réception ») asks nothing they say needs no answer.
    if (wantsNoAnswer(ownLines(zones).join('\n'))) {
      log.info({ key: claim.record.key, sender: mail.sender }, 'mail: asks nothing and wants no answer, not answered');
      return claim.close('ignored', 'asks nothing: no answer wanted');
    }
    const dmarc = settings.dmarcAuthservId === null ? null : dmarcVerdict(mail, settings.dmarcAuthservId);
    if (await this.asksStaff(mail, request)) return this.answerStaff(claim, mail, request, dmarc, key);
    const onRecord = await store.customerByAddress(mail.sender);
    // An invoice contact is no identity: its mail is a stranger's unless the customer let it
    // ask, and even then it is never the owner's (trust stays 'address', below).
    const contactOf = onRecord ? undefined : await store.customerByAskingContact(mail.sender);
    const confirming = request.intent === 'confirm' ? await store.customerByPendingAddress(mail.sender) : undefined;
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
    const reply =
      this.pendingReplies.get(key) ??
      (await assistant.handle({
        customerId: customer.id,
        text: request.text,
        conversation: conversationOf(mail),
        sender: mail.sender,
        trust,
        words: request.words,
        message: { zones, context: { channel: 'mail' } },
        replyingTo: repliedTo(mail),
        ...(mail.inReplyTo ? { inReplyTo: mail.inReplyTo } : {}),
        ...(mail.pdfs.length > 0 ? { documents: await this.pdfsToCheck(mail, raw, request, more) } : {}),
      }));
    this.pendingReplies.set(key, reply);
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
  private async asksStaff(mail: InboundMail, request: MailRequest): Promise<boolean> {
    if (!this.staffAddresses.has(mail.sender)) return false;
    if (request.intent === 'resend') return true;
    if (request.intent !== 'confirm') return false;
    return Boolean((await this.options.store.heldRequest(staffId(mail)))?.codeHash) || !(await this.options.store.customerByAddress(mail.sender));
  }

  /**
   * A request from staff. A From address is forged in seconds and a resend reaches any
   * customer, so staff mail is heard only with DMARC checked and passing; either way a
   * resend only ever goes to the address on the customer's record.
   */
  private async answerStaff(claim: Claim, mail: InboundMail, request: MailRequest, dmarc: DmarcVerdict | null, key: string): Promise<void> {
    const { settings, catalog, staff, log, store } = this.options;
    const locale = request.locale ?? STRANGER_LOCALE;
    if (dmarc !== 'pass') {
      const why = dmarc === null ? 'staff requests by mail are off without MAIL_DMARC_AUTHSERV_ID' : 'DMARC did not pass';
      log.warn({ event: 'staff.refused', key: claim.record.key, sender: mail.sender, reason: why }, 'mail: staff request refused');
      // Never when our server says the From is forged, else once a day: a refusal to each would be a loop for anyone to start.
      const quiet = dmarc === 'fail' || (await store.answeredInbound({ since: this.ago(DAY_MS), sender: mail.sender })) > 0;
      if (claim.record.sent === 0 && quiet) return claim.close('ignored', `staff request refused: ${why}`);
      return this.send(claim, { locale, outcome: 'refused', text: [catalog.t(locale, dmarc === null ? 'staff.mailOff' : 'staff.unverified')], attachments: [] }, mail);
    }
    // A resend is an action on other customers' mail: a reply's subject (someone else's words) never asks one.
    if (request.words !== 'own') return this.send(claim, { locale, outcome: 'refused', text: [catalog.t(locale, 'staff.notOwnWords')], attachments: [] }, mail);
    const command = parse(request.text, this.options.assistant.today()).command;
    // Named after this message, so that handling it again after a failed answer or a crash resends nothing twice.
    const requestedBy = `${staffId(mail)} ${claim.record.key}`;
    const reply =
      this.pendingReplies.get(key) ??
      (command?.intent === 'confirm'
        ? await staff.desk.confirmHeld(staffId(mail), requestedBy, command.code, locale)
        : await staff.desk.resendMany(staffId(mail), requestedBy, command?.intent === 'resend' ? command.numbers : [], locale, settings.staffMaxResends));
    this.pendingReplies.set(key, reply);
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
  private async answerStranger(claim: Claim, mail: InboundMail, request: MailRequest, dmarc: DmarcVerdict | null, raw: Buffer, more?: MoreOfMessage): Promise<void> {
    const { store, settings, log, catalog } = this.options;
    const silence = claim.record.sent > 0 ? null : await this.strangerSilence(mail, dmarc, settings.strangerRepliesPerHour);
    if (silence !== null) {
      log.info({ key: claim.record.key, sender: mail.sender, reason: silence }, 'mail: unknown sender, not answered');
      return claim.close('ignored', `unknown sender: ${silence}`);
    }
    log.info({ key: claim.record.key, sender: mail.sender }, 'mail: unknown sender, told so');
    // Within the strangers' budget, a PDF they ask about (or send with nothing else) is checked for staff: a forgery in our name often reaches no customer.
    if (claim.record.sent === 0 && mail.pdfs.length > 0 && asksCheck(request)) await this.options.assistant.checkStrangersCopies(await this.pdfsToCheck(mail, raw, request, more), { sender: mail.sender, channel: 'email' });
    const locale = request.locale ?? STRANGER_LOCALE;
    await this.send(claim, { locale, outcome: 'refused', text: [catalog.t(locale, 'email.unknownSender', { address: mail.sender })], attachments: [] }, mail);
  }

  /**
   * The message's PDFs, whole: when the first MAX_MESSAGE_BYTES cut one and the words ask for
   * a check (or ask nothing else), the message is fetched again up to what one PDF at the limit
   * takes once encoded (FACTEUR_PDF_MAX_MB), once. Past that, a PDF has no bytes: too large.
   */
  private async pdfsToCheck(mail: InboundMail, raw: Buffer, request: MailRequest, more?: MoreOfMessage): Promise<AttachedFile[]> {
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
    for (let part = claim.record.sent; part < mails.length; part++) {
      await claim.update({ status: 'sending' });
      try {
        await this.sendOne(claim, reply, mails[part]!, part === 0 ? links : []);
      } catch (error) {
        await claim.amend({ status: 'claimed' });
        throw error;
      }
      const last = part === mails.length - 1;
      // The server took it: that is so whatever the store can be told, and no retry sends it again.
      await claim.keep({ status: last ? 'replied' : 'claimed', sent: part + 1, reason: null });
    }
    if (claim.record.status !== 'replied') await claim.close('replied', null);
  }

  /**
   * One mail of an answer; to a customer, it is recorded in the delivery log around the send, with the download links and files it
   * carries. A server that refuses it for its size gets it again without its files (sendOrWithoutFiles), and the record says so.
   */
  private async sendOne(claim: Claim, reply: Reply, outbound: OutboundMail, links: DeliveryLink[]): Promise<void> {
    const { mailer, deliveries } = this.options;
    const customerId = claim.record.customerId;
    if (customerId === null) {
      await sendOrWithoutFiles((mail) => mailer.send(mail), outbound, () => withoutFiles(outbound, this.options.catalog));
      return;
    }
    const attachPdf = (outbound.attachments ?? []).length > 0;
    const files = (outbound.attachments ?? []).flatMap((attachment) => attachment.files);
    const spec = { customerId, invoices: reply.invoices ?? [], channel: 'email' as const, recipient: outbound.to, reason: 'request' as const, attachPdf, ...(links.length > 0 ? { links } : {}), ...(files.length > 0 ? { files } : {}) };
    await deliveries.track(spec, async (delivery) => {
      const addressed = { ...outbound, ...(delivery.messageId ? { messageId: delivery.messageId } : {}), deliveryId: delivery.id };
      const { sent, refused } = await sendOrWithoutFiles((mail) => mailer.send(mail), addressed, () => withoutFiles(addressed, this.options.catalog));
      return refused ? { ...sent, files: [], note: `${describeFailure(refused)}: the mail sent again without its files` } : sent;
    });
  }

  private async attemptFailed(claim: Claim, key: string, error: Error & { responseCode?: number }): Promise<Disposition> {
    const reason = error.message;
    if (isMachineFault(error) || isOwnMailFault(error)) {
      // Not the message's fault: the attempt its claim counted is taken back.
      await claim.amend({ attempts: claim.record.attempts - 1, reason });
      return this.machineWait(key, error);
    }
    if (isPermanent(error)) return this.giveUp(claim, key, `the mail server refused the reply: ${reason}`);
    const delay = Math.min(RETRY_MAX_MS, RETRY_FIRST_MS * 2 ** (claim.record.attempts - 1));
    this.retryAt.set(key, this.now().getTime() + delay);
    await claim.update({ reason });
    this.options.log.warn({ key, err: error, attempt: claim.record.attempts, retryInMs: delay }, 'mail: answer not sent, will try again');
    return 'later';
  }

  /** The message waits for the machine (a full disk, the store unreachable, Facteur's own mail login refused), tried again soon. */
  private machineWait(key: string, error: Error): Disposition {
    this.retryAt.set(key, this.now().getTime() + MACHINE_RETRY_MS);
    const what = isOwnMailFault(error) ? 'the mail server refused Facteur itself: check SMTP_USER and SMTP_PASSWORD' : 'the machine cannot answer now (no space left?)';
    this.options.log.error({ key, err: error }, `mail: ${what}; the message waits`);
    return 'later';
  }

  private async giveUp(claim: Claim, key: string, reason: string): Promise<Disposition> {
    await claim.close('failed', reason);
    this.forget(key);
    this.filedAsFailed(claim.record);
    return 'failed';
  }

  private async unreadable(key: string, reason: string): Promise<Disposition> {
    const at = this.now().toISOString();
    const record: InboundMessage = { key, messageId: null, sender: null, customerId: null, status: 'failed', attempts: 1, sent: 0, inDoubt: [], reason, claimedBy: this.instance, receivedAt: at, updatedAt: at };
    await this.options.store.save({ inbound: [record] });
    this.options.log.error({ key, reason }, 'mail: unreadable message moved to the failed folder');
    return 'failed';
  }

  private forget(key: string): void {
    this.pendingReplies.delete(key);
    this.retryAt.delete(key);
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

/** Whether the words ask for the attached PDFs to be checked, or ask nothing else (a forward under its subject, a greeting). */
function asksCheck(request: MailRequest): boolean {
  return request.intent === null || request.intent === 'verify' || request.intent === 'smalltalk' || request.words === 'quoted';
}

/** How a staff member who writes to the inbox is named in the staff records. */
function staffId(mail: InboundMail): string {
  return `email:${mail.sender}`;
}

/** The record of the message being handled, written to the store at each step. */
class Claim {
  constructor(
    private readonly store: Store,
    public record: InboundMessage,
    private readonly now: () => Date,
    /** The pipeline's records that the store could not be told (see MailPipeline.unwritten). */
    private readonly unwritten: Map<string, InboundMessage>,
  ) {}

  /** Changes kept until the next write: not every fact is worth a write of the whole store. */
  note(changes: Partial<InboundMessage>): void {
    this.record = { ...this.record, ...changes };
  }

  /** Written first, then kept: a write that fails leaves the record as the store holds it. */
  async update(changes: Partial<InboundMessage>): Promise<void> {
    const next = { ...this.record, ...changes, updatedAt: this.now().toISOString() };
    await this.store.save({ inbound: [next] });
    this.record = next;
    this.unwritten.delete(next.key);
  }

  /**
   * A fact this process knows whether or not the store can be told (an attempt that was the
   * machine's fault, a reply that did not go): kept in any case, and carried by the record's
   * next write, here or at the message's next claim.
   */
  async amend(changes: Partial<InboundMessage>): Promise<void> {
    await this.keep(changes).catch(() => undefined);
  }

  /** As `amend`, but a write that fails is thrown once the fact is kept: the caller must not go on as if the store knew it. */
  async keep(changes: Partial<InboundMessage>): Promise<void> {
    const next = { ...this.record, ...changes, updatedAt: this.now().toISOString() };
    this.record = next;
    try {
      await this.store.save({ inbound: [next] });
      this.unwritten.delete(next.key);
    } catch (error) {
      this.unwritten.set(next.key, next);
      throw error;
    }
  }

  close(status: 'replied' | 'ignored' | 'failed', reason: string | null): Promise<void> {
    return this.update({ status, reason });
  }
}

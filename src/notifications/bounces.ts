import type { Customer } from '../billing/types.js';
import type { Logger } from '../log.js';
import { publish } from '../observe.js';
import type { DirectMessenger } from '../outbound/chat.js';
import { deliveryIdOf, VERP_DAYS, type Verp } from '../outbound/verp.js';
import type { BounceKind, Delivery } from '../billing/delivery.js';
import type { Store, Suppression } from '../store/store.js';
import type { Catalog } from '../templates/catalog.js';
import type { CodeMail } from './code-mail.js';
import { DAY_MS } from '../time.js';

/**
 * A delivery report as the mail channel read it (RFC 3464 delivery status, RFC 5965 feedback),
 * without any mail library: what it says, and where it says which mail it is about.
 */
export interface BounceReport {
  type: 'delivery-status' | 'feedback';
  /** VERP tokens found where a report echoes the return path (its To, Delivered-To, the returned message's Return-Path, a feedback report's Original-Mail-From). */
  tokens: string[];
  /** The Message-ID of the message it returns (whole or its headers), if it returns one. */
  returnedMessageId: string | null;
  /** One per recipient block of a delivery status; a feedback report's Original-Rcpt-To, when it names one. */
  recipients: ReportedRecipient[];
  /** A feedback report's type (abuse, fraud, not-spam…). */
  feedbackType: string | null;
}

export interface ReportedRecipient {
  /** Final-Recipient, lower case, the `rfc822;` dropped. */
  address: string | null;
  /** Original-Recipient: the address as the sender gave it, before forwarding. */
  original: string | null;
  /** failed, delayed, delivered, relayed, expanded. */
  action: string;
  /** The enhanced status code, 5.1.1. */
  status: string;
  diagnostic: string;
}

export interface BouncePorts {
  store: Store;
  /** Reads return paths' tokens; null without MAIL_RETURN_PATH (reports are then matched by the Message-ID they return). */
  verp: Verp | null;
  catalog: Catalog;
  log: Logger;
  tellStaff: (notice: { subject: string; text: string }) => Promise<void>;
  /** Where a customer may still be told: their linked Discord accounts; absent without Discord. */
  chat?: DirectMessenger;
  codeMail: CodeMail;
  /** Soft bounces in a row that count as a hard one (MAIL_SOFT_BOUNCES). */
  softBounces: number;
  now?: () => Date;
}

/** What a report matched: the delivery, and which of its addresses it is about. */
type Match = { delivery: Delivery; address: string } | { refused: string };

/**
 * Delivery reports read back: a report is acted on only when it proves it is about a mail
 * Facteur sent — a valid token for that delivery and address, or, for mail sent without one,
 * the Message-ID it returns with a recipient of that mail. A report that proves nothing (forged
 * reports are easy to write) changes nothing and is logged. A hard bounce marks the delivery
 * `bounced` and suppresses the address; a complaint suppresses it; soft bounces are noted and
 * suppress once `softBounces` come in a row. When an address becomes suppressed, staff are told
 * and so is the customer, where they can still be reached.
 */
export class Bounces {
  private readonly now: () => Date;

  constructor(private readonly ports: BouncePorts) {
    this.now = ports.now ?? (() => new Date());
  }

  /** Acts on a report; resolves with what it did, in a few words for the inbound record. */
  async read(report: BounceReport): Promise<string> {
    const match = await this.match(report);
    if ('refused' in match) {
      publish('bounce', { kind: 'unmatched' });
      this.ports.log.warn(
        { event: 'bounce.unmatched', type: report.type, reason: match.refused, messageId: report.returnedMessageId },
        'delivery report matching nothing Facteur sent: nothing changed',
      );
      return `report ignored: ${match.refused}`;
    }
    const { delivery, address } = match;
    const verdict = this.verdict(report, address);
    if (!verdict) return `report about ${address} that needs nothing done`;
    publish('bounce', { kind: verdict.kind });
    const at = this.now().toISOString();
    const bounce = { address, kind: verdict.kind, status: verdict.status, diagnostic: verdict.diagnostic, at };
    // A report that did not get there ends the delivery (the recipient's copy, when the address is the delivery's own).
    const lost = verdict.failed && address === delivery.recipient.toLowerCase();
    const updated = await this.ports.store.updateDelivery(delivery.id, (current) => {
      const known = (current.bounces ?? []).some((b) => b.address === address && b.kind === bounce.kind && b.status === bounce.status);
      if (known) return current;
      return {
        ...current,
        bounces: [...(current.bounces ?? []), bounce],
        ...(lost ? { status: 'bounced' as const, lastError: `${verdict.status} ${verdict.diagnostic}`.trim(), nextAttemptAt: null } : {}),
        updatedAt: at,
      };
    });
    if (lost) publish('delivery', { channel: delivery.channel, reason: delivery.reason, status: 'bounced' });
    this.ports.log.info(
      {
        event: 'bounce',
        delivery: delivery.id,
        customer: delivery.customerId,
        address,
        kind: verdict.kind,
        status: verdict.status,
        diagnostic: verdict.diagnostic,
      },
      `delivery report: ${verdict.kind} bounce`,
    );
    const suppressAs =
      verdict.kind === 'hard'
        ? 'bounce'
        : verdict.kind === 'complaint'
          ? 'complaint'
          : (await this.softInARow(updated ?? delivery, address))
            ? 'softBounces'
            : null;
    if (suppressAs)
      await this.suppress({
        address,
        customerId: delivery.customerId,
        kind: suppressAs,
        status: verdict.status,
        diagnostic: verdict.diagnostic,
        deliveryId: delivery.id,
        since: at,
      });
    return `${verdict.kind === 'complaint' ? 'complaint' : `${verdict.kind} bounce`} of ${address} for delivery ${delivery.id}${suppressAs ? ', address suppressed' : ''}`;
  }

  /**
   * The delivery and address a report is about, or why it proves nothing. A token is checked
   * against the delivery it names and each of its addresses; every token the report carries
   * must agree, and so must the Message-ID it returns. Without any token, the returned Message-ID
   * names the delivery only when that mail left without one (before MAIL_RETURN_PATH, or
   * without it) and the report names one of its recipients.
   */
  private async match(report: BounceReport): Promise<Match> {
    const { store, verp } = this.ports;
    if (report.tokens.length > 0) {
      if (!verp) return { refused: 'a token, but MAIL_RETURN_PATH is not set' };
      const found: { delivery: Delivery; address: string }[] = [];
      // A report carries its token in a few headers; more is no report of ours.
      for (const token of report.tokens.slice(0, 8)) {
        const id = deliveryIdOf(token);
        const delivery = id ? await store.delivery(id) : undefined;
        if (!delivery || delivery.channel !== 'email') return { refused: 'a token naming no mail Facteur sent' };
        const verdict = verp.verify(token, addressesOf(delivery));
        if (!verdict.ok) return { refused: { malformed: 'a malformed token', forged: 'a forged token', expired: 'an expired token' }[verdict.why] };
        found.push({ delivery, address: verdict.claims.recipient });
      }
      const [first] = found;
      if (found.some((one) => one.delivery.id !== first!.delivery.id || one.address !== first!.address)) return { refused: 'tokens naming different mails' };
      if (report.returnedMessageId && firstMailOf(report.returnedMessageId) !== first!.delivery.messageId)
        return { refused: 'its token and the Message-ID it returns name different mails' };
      return first!;
    }
    if (!report.returnedMessageId) return { refused: 'no token and no returned Message-ID' };
    const [delivery] = await store.deliveries({ messageId: firstMailOf(report.returnedMessageId) });
    if (!delivery || delivery.channel !== 'email') return { refused: 'its Message-ID names no mail Facteur sent' };
    if (delivery.verp) return { refused: 'no token, for a mail that left with one' };
    if (Date.parse(delivery.createdAt) + VERP_DAYS * DAY_MS < this.now().getTime()) return { refused: `about a mail sent over ${VERP_DAYS} days ago` };
    const addresses = addressesOf(delivery);
    const named = report.recipients.flatMap((r) => [r.address, r.original]).find((address) => address !== null && addresses.includes(address));
    if (!named) return { refused: 'it names none of the mail\u2019s recipients' };
    return { delivery, address: named };
  }

  /** What the report says of `address`: the kind of bounce, or null when it needs nothing done (delivered, relayed, not spam). */
  private verdict(report: BounceReport, address: string): { kind: BounceKind; failed: boolean; status: string; diagnostic: string } | null {
    if (report.type === 'feedback') {
      if (report.feedbackType === 'not-spam') return null;
      return { kind: 'complaint', failed: false, status: report.feedbackType ?? 'abuse', diagnostic: 'the recipient reported the mail as spam' };
    }
    const blocks = report.recipients;
    // The block about the token's address; a forwarded address's report names where it was forwarded, so one block alone stands for it.
    const block = blocks.find((b) => b.address === address || b.original === address) ?? (blocks.length === 1 ? blocks[0] : undefined);
    if (!block) return null;
    const permanent = block.status.startsWith('5');
    if (block.action === 'failed') return { kind: permanent ? 'hard' : 'soft', failed: true, status: block.status, diagnostic: block.diagnostic };
    if (block.action === 'delayed') return { kind: 'soft', failed: false, status: block.status, diagnostic: block.diagnostic };
    return null;
  }

  /** Whether the last `softBounces` mails to the address, up to this one, all bounced. */
  private async softInARow(delivery: Delivery, address: string): Promise<boolean> {
    const n = this.ports.softBounces;
    const mails = (await this.ports.store.deliveries({ customerId: delivery.customerId }))
      .filter(
        (d) =>
          d.channel === 'email' &&
          d.createdAt <= delivery.createdAt &&
          addressesOf(d).includes(address) &&
          d.status !== 'pending' &&
          d.status !== 'failed' &&
          d.status !== 'cancelled',
      )
      .slice(-n);
    return mails.length === n && mails.every((d) => (d.bounces ?? []).some((b) => b.address === address));
  }

  /** Suppresses the address unless it is already; only then are staff and the customer told, once. */
  private async suppress(suppression: Suppression): Promise<void> {
    const fresh = await this.ports.store.updateSuppression(suppression.address, (found) =>
      found ? { suppression: found, result: false } : { suppression, result: true },
    );
    if (!fresh) return;
    this.ports.log.warn(
      { event: 'suppressed', address: suppression.address, customer: suppression.customerId, kind: suppression.kind, status: suppression.status },
      'mail to this address is held back: it bounces',
    );
    const customer = suppression.customerId ? await this.ports.store.customerById(suppression.customerId) : undefined;
    await this.tellStaff(suppression, customer);
    if (customer) await this.tellCustomer(suppression, customer);
  }

  private async tellStaff(suppression: Suppression, customer: Customer | undefined): Promise<void> {
    const { catalog } = this.ports;
    const params = {
      address: suppression.address,
      customer: customer?.email ?? '?',
      name: customer?.name ?? '?',
      kind: suppression.kind,
      status: suppression.status,
      diagnostic: suppression.diagnostic,
      date: new Date(suppression.since),
    };
    await this.ports.tellStaff({ subject: catalog.t('fr', 'staff.bounce.subject', params), text: catalog.t('fr', 'staff.bounce.text', params) });
  }

  /**
   * Where the customer can still be reached: their linked Discord accounts, and their login
   * email when it is another address that does not bounce. A customer reachable nowhere sees it
   * in their notifications tab the next time they ask.
   */
  private async tellCustomer(suppression: Suppression, customer: Customer): Promise<void> {
    const { catalog, chat, codeMail, log, store } = this.ports;
    const params = { address: suppression.address, kind: suppression.kind, diagnostic: suppression.diagnostic, name: customer.name };
    const told: string[] = [];
    for (const userId of chat ? (customer.links.discord ?? []) : []) {
      await chat!
        .send(userId, { text: catalog.t(customer.locale, 'bounce.dm', params), attachments: [], key: `bounce:${suppression.address}:${suppression.since}` })
        .then(
          () => told.push(`discord:${userId}`),
          (error: unknown) =>
            log.warn({ err: error, event: 'bounce.dm.failed', customer: customer.id }, 'the customer could not be told by Discord that their address bounces'),
        );
    }
    const login = customer.email.toLowerCase();
    if (login !== suppression.address && !(await store.suppression(login))) {
      await codeMail.notice(login, customer.locale, 'mail.bounced', params).then(
        () => told.push(login),
        (error: unknown) =>
          log.warn({ err: error, event: 'bounce.mail.failed', customer: customer.id }, 'the customer could not be told by mail that their address bounces'),
      );
    }
    log.info(
      { event: 'bounce.told', customer: customer.id, address: suppression.address, told },
      told.length > 0
        ? 'the customer was told their address bounces'
        : 'the customer could be told nowhere that their address bounces: their notifications tab says it',
    );
  }
}

/**
 * The Message-ID a delivery keeps for one of its mails: a message cut into several mails sends
 * the later ones as `<id.2@domain>`, `<id.3@domain>` (notifications/dispatch.ts), under the first's `<id@domain>`.
 */
function firstMailOf(messageId: string): string {
  return messageId.replace(/\.\d{1,3}@/, '@');
}

/** A mail delivery's addresses, lower case: its recipient, then its copies. */
function addressesOf(delivery: Delivery): string[] {
  return [delivery.recipient, ...(delivery.cc ?? [])].map((address) => address.toLowerCase());
}

import { z } from 'zod';
import type { Reply } from '../assistant/reply.js';
import { checkCode, issueCode } from '../billing/codes.js';
import type { Customer, Locale } from '../billing/types.js';
import type { Logger } from '../log.js';
import type { CodeMail } from '../notifications/code-mail.js';
import { liftProven } from '../notifications/suppressions.js';
import type { LinkAttempt, Store } from '../store/store.js';
import type { Catalog, Params } from '../templates/catalog.js';
import { MINUTE_MS, HOUR_MS, DAY_MS } from '../time.js';

/** A link code is good for this long. */
export const LINK_CODE_MINUTES = 10;
/**
 * Digits of a link code: a right guess makes the guesser the account's owner, and anyone
 * can open Discord accounts to guess with, so it is longer than a code that only confirms
 * an address.
 */
export const LINK_CODE_DIGITS = 8;
/** Codes one chat account may ask for in an hour: each is a mail to a customer. */
export const LINK_REQUESTS_PER_HOUR = 5;
/** Wrong codes for one customer in a day, from all chat accounts together, before no code goes to that customer until the day has passed. */
export const LINK_FAILURES_PER_CUSTOMER = 10;
/** Wrong codes in a row that lock linking for the account… */
export const LINK_MAX_FAILURES = 5;
/** …for this long. */
export const LINK_LOCK_MINUTES = 60;

/** How a user of the chat network asks for a code and gives it, in their language, as their client shows it (`/lier adresse`, `/link code`). */
export interface LinkCommands {
  request: string;
  confirm: string;
}

export interface LinkingServices {
  store: Store;
  codeMail: CodeMail;
  catalog: Catalog;
  log: Logger;
  now: () => Date;
  /** The linking commands named in the answers, so that they are the ones the user's client offers. */
  commands: (locale: Locale) => LinkCommands;
}

/**
 * Links chat accounts of one network (`discord`) to customers. Whoever asks names the
 * address of a client area; an 8-digit code goes to the customer's address on record, and
 * the account is linked when the code comes back. The answer to a request is the same
 * whether the address is known or not, and so is the answer to the codes given after it,
 * so nothing tells a stranger which addresses are customers'. Codes are stored hashed,
 * expire, are good once; wrong tries in a row lock linking for the chat account a while,
 * and wrong tries for one customer, from however many chat accounts, stop codes for that
 * customer for a day.
 *
 * It answers with a `Reply`, like the assistant, so a channel renders both the same way.
 */
export class AccountLinks {
  constructor(
    private readonly network: string,
    private readonly services: LinkingServices,
  ) {}

  /** The customer this chat account is linked to. */
  customer(userId: string): Promise<Customer | undefined> {
    return this.services.store.customerByLink(this.network, userId);
  }

  /** What an account that is not linked is told when it asks for anything else. */
  howTo(locale: Locale): Reply {
    return this.reply(locale, 'link.howTo', {}, 'refused');
  }

  /**
   * Sends a code to the customer whose login or notification address is `requested`.
   * `account` names the chat account in the mail (its user name), so the customer knows who asks.
   */
  async request(userId: string, requested: string, account: string, locale: Locale): Promise<Reply> {
    const address = requested.trim().toLowerCase();
    if (!z.email().safeParse(address).success) return this.reply(locale, 'address.invalid', { address: requested }, 'refused');
    const now = this.services.now();
    const known = await this.services.store.customerByAddress(address);
    // Asked whether the address is known or not, so that both take the same time.
    const stopped = (await this.failuresToday(known?.id ?? '', now)) >= LINK_FAILURES_PER_CUSTOMER;
    // No code goes out for a customer whose codes are stopped today, nor past the address's share of code mails: the
    // account then holds a code for nobody, and the answers stay those of an unknown address.
    const customer = known && !stopped && this.services.codeMail.allows(address, 'link.mail') ? known : undefined;
    const { code, codeHash, expiresAt } = issueCode(this.subject(userId, customer?.id ?? null), now, LINK_CODE_MINUTES, LINK_CODE_DIGITS);
    const outcome = await this.services.store.updateLinkAttempt<'sent' | 'locked' | 'tooMany'>(this.account(userId), (attempt) => {
      if (locked(attempt, now)) return { attempt: null, result: 'locked' };
      const requestedAt = since(attempt?.requestedAt ?? [], now, HOUR_MS);
      if (requestedAt.length >= LINK_REQUESTS_PER_HOUR) return { attempt: null, result: 'tooMany' };
      const next: LinkAttempt = {
        account: this.account(userId),
        customerId: customer?.id ?? null,
        codeHash,
        expiresAt,
        mailedTo: customer ? address : null,
        failures: attempt?.failures ?? 0,
        lockedUntil: null,
        requestedAt: [...requestedAt, now.toISOString()],
        failedFor: recentFailures(attempt, now),
        updatedAt: now.toISOString(),
      };
      return { attempt: next, result: 'sent' };
    });
    if (outcome === 'locked') return this.locked(locale, await this.services.store.linkAttempt(this.account(userId)), now);
    if (outcome === 'tooMany') return this.reply(locale, 'link.tooMany', {}, 'refused');
    this.services.log.info(
      { account: this.account(userId), customer: known?.id ?? null, mailed: customer !== undefined, event: 'link.requested' },
      'link code requested',
    );
    if (customer) {
      // Not awaited: an answer that came later for a known address than for an unknown one would tell them apart.
      this.mail(customer, address, account, code).catch((error: unknown) =>
        this.services.log.error({ err: error, account: this.account(userId), customer: customer.id }, 'link code mail failed'),
      );
    }
    return this.reply(locale, 'link.codeSent', { address, minutes: LINK_CODE_MINUTES, digits: LINK_CODE_DIGITS });
  }

  /**
   * Links the account when `code` is the one on its way. A wrong one counts against the
   * chat account and, when the code was mailed for a customer, against that customer. The
   * code is checked and used up, or the wrong try counted, in one change of the record: of
   * codes given at once, one at most links, and every wrong one counts.
   */
  async confirm(userId: string, code: string, locale: Locale): Promise<Reply> {
    const now = this.services.now();
    const account = this.account(userId);
    const seen = await this.services.store.linkAttempt(account);
    const customer = seen?.customerId ? await this.services.store.customerById(seen.customerId) : undefined;
    const stopped = (await this.failuresToday(seen?.customerId ?? '', now)) >= LINK_FAILURES_PER_CUSTOMER;
    const given = code.trim();
    const outcome = await this.services.store.updateLinkAttempt<LinkOutcome>(account, (attempt) => {
      if (locked(attempt, now)) return { attempt: null, result: { kind: 'locked' } };
      if (!attempt || attempt.codeHash === null) return { attempt: null, result: { kind: 'nothing' } };
      // A code asked for another customer since the look above is no code for the customer looked at: a wrong try.
      const same = attempt.customerId === (seen?.customerId ?? null);
      const check =
        same && !stopped && new RegExp(`^\\d{${LINK_CODE_DIGITS}}$`).test(given)
          ? checkCode({ codeHash: attempt.codeHash, expiresAt: attempt.expiresAt, attempts: 0 }, this.subject(userId, attempt.customerId), given, now)
          : 'wrong';
      const base = { ...attempt, updatedAt: now.toISOString() };
      if (check === 'expired') return { attempt: { ...base, codeHash: null }, result: { kind: 'expired' } };
      if (check === 'ok' && customer)
        return {
          attempt: { ...base, codeHash: null, failures: 0 },
          result: { kind: 'ok', mailedTo: attempt.mailedTo ?? null, sentAt: attempt.requestedAt.at(-1) ?? base.updatedAt },
        };
      // Counted in the record written either way, so that a code for a customer and one for nobody take the same time.
      const failedFor = [...recentFailures(attempt, now), ...(attempt.customerId === null ? [] : [{ customerId: attempt.customerId, at: now.toISOString() }])];
      const failures = attempt.failures + 1;
      if (failures >= LINK_MAX_FAILURES) {
        const lockedUntil = new Date(now.getTime() + LINK_LOCK_MINUTES * MINUTE_MS).toISOString();
        return { attempt: { ...base, codeHash: null, failures: 0, lockedUntil, failedFor }, result: { kind: 'lockedNow', until: lockedUntil } };
      }
      return { attempt: { ...base, failures, failedFor }, result: { kind: 'wrong', left: LINK_MAX_FAILURES - failures } };
    });
    switch (outcome.kind) {
      case 'locked':
        return this.locked(locale, await this.services.store.linkAttempt(account), now);
      case 'nothing':
        return this.reply(locale, 'link.nothing', {}, 'refused');
      case 'expired':
        return this.reply(locale, 'link.expired', {}, 'refused');
      case 'ok':
        await this.link(userId, customer!.id);
        this.services.log.info({ account, customer: customer!.id, event: 'link.done' }, 'chat account linked');
        // The code reached that mailbox: an address of the customer's that bounced before receives again.
        if (outcome.mailedTo) await liftProven(this.services.store, this.services.log, outcome.mailedTo, outcome.sentAt, { customer: customer!.id, account });
        return this.reply(locale, 'link.done', { name: customer!.name });
      case 'lockedNow':
        this.services.log.warn({ account, event: 'link.locked', until: outcome.until }, 'linking locked after wrong codes');
        return this.reply(locale, 'link.locked', { minutes: LINK_LOCK_MINUTES }, 'refused');
      case 'wrong':
        return this.reply(locale, 'link.wrong', { left: outcome.left }, 'refused');
    }
  }

  async unlink(userId: string, locale: Locale): Promise<Reply> {
    const customer = await this.customer(userId);
    if (!customer) return this.reply(locale, 'link.notLinked', {}, 'refused');
    await this.services.store.updateCustomer(customer.id, (current) => this.without(current, userId));
    this.services.log.info({ account: this.account(userId), customer: customer.id, event: 'link.removed' }, 'chat account unlinked');
    return this.reply(locale, 'link.unlinked', { name: customer.name });
  }

  /** The account linked to this customer, and to no other it was linked to before. */
  private async link(userId: string, customerId: string): Promise<void> {
    const previous = await this.customer(userId);
    if (previous && previous.id !== customerId) await this.services.store.updateCustomer(previous.id, (current) => this.without(current, userId));
    await this.services.store.updateCustomer(customerId, (current) => {
      const ids = current.links[this.network] ?? [];
      return ids.includes(userId) ? current : { ...current, links: { ...current.links, [this.network]: [...ids, userId] } };
    });
  }

  private without(customer: Customer, userId: string): Customer {
    return { ...customer, links: { ...customer.links, [this.network]: (customer.links[this.network] ?? []).filter((id) => id !== userId) } };
  }

  /** The wrong codes given for this customer today, by every chat account: past a share, its codes stop. */
  private failuresToday(customerId: string, now: Date): Promise<number> {
    return this.services.store.linkFailuresFor(customerId, new Date(now.getTime() - DAY_MS).toISOString());
  }

  private locked(locale: Locale, attempt: LinkAttempt | undefined, now: Date): Reply {
    const minutes = Math.max(1, Math.ceil((Date.parse(attempt?.lockedUntil ?? now.toISOString()) - now.getTime()) / MINUTE_MS));
    return this.reply(locale, 'link.locked', { minutes }, 'refused');
  }

  /** To the address given, which is on the customer's record (login or confirmed notification address). */
  private async mail(customer: Customer, to: string, account: string, code: string): Promise<void> {
    await this.services.codeMail.send(to, customer.locale, 'link.mail', { name: customer.name, account, code, minutes: LINK_CODE_MINUTES });
  }

  private account(userId: string): string {
    return `${this.network}:${userId}`;
  }

  /** A code links this account to this customer, nothing else. */
  private subject(userId: string, customerId: string | null): string {
    return `link:${this.account(userId)}:${customerId ?? 'nobody'}`;
  }

  private reply(locale: Locale, key: string, params: Params = {}, outcome: Reply['outcome'] = 'answered'): Reply {
    return { locale, outcome, text: [this.services.catalog.t(locale, key, { ...this.services.commands(locale), ...params })], attachments: [] };
  }
}

/** How giving a link code went. */
type LinkOutcome =
  | { kind: 'locked' | 'nothing' | 'expired' }
  | { kind: 'ok'; mailedTo: string | null; sentAt: string }
  | { kind: 'lockedNow'; until: string }
  | { kind: 'wrong'; left: number };

/** The account's wrong codes of the last day, whichever customer they were for. */
function recentFailures(attempt: LinkAttempt | undefined, now: Date): LinkAttempt['failedFor'] {
  const from = new Date(now.getTime() - DAY_MS).toISOString();
  return (attempt?.failedFor ?? []).filter((failure) => failure.at > from);
}

/** The times within `ms` before now. */
function since(times: string[], now: Date, ms: number): string[] {
  const from = new Date(now.getTime() - ms).toISOString();
  return times.filter((at) => at > from);
}

function locked(attempt: LinkAttempt | undefined, now: Date): boolean {
  return attempt?.lockedUntil != null && attempt.lockedUntil > now.toISOString();
}

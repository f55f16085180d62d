import type { Locale } from '../billing/types.js';
import type { Logger } from '../log.js';
import { paragraphs } from '../outbound/letter.js';
import type { Mailer } from '../outbound/mail.js';
import type { Catalog, Params } from '../templates/catalog.js';
import { HOUR_MS } from '../time.js';

/** Mails of one kind with a code an address may receive in an hour: enough for a typo or two, too few to flood it. */
const PER_ADDRESS_PER_HOUR = 3;

/**
 * The mails that carry a one-time code or ask for an approval (a new notification address
 * to confirm, a chat account to link, a change to approve) and the notices beside them,
 * worded from the templates `<template>.subject` and `<template>.body`.
 * Anyone can ask for one to be sent to an address, so each address gets a few an hour at
 * most: a caller is told when one was held back, and it is logged.
 */
export class CodeMail {
  private readonly sent = new Map<string, number[]>();

  constructor(
    private readonly mailer: Mailer,
    private readonly catalog: Catalog,
    private readonly log: Logger,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /**
   * Whether `to` may get another mail of `template` this hour; `send` checks it too, in the
   * same turn. Each kind has its own share, so that link codes asked by strangers on Discord
   * cannot use up the one the owner's approvals need.
   */
  allows(to: string, template: string): boolean {
    const at = this.now().getTime();
    return (this.sent.get(budget(to, template)) ?? []).filter((time) => at - time < HOUR_MS).length < PER_ADDRESS_PER_HOUR;
  }

  /**
   * Sends the mail and resolves with its Message-ID, which a reply names (an approval is
   * given by replying); null, and nothing sent, when the address had its share this hour.
   */
  async send(to: string, locale: Locale, template: string, params: Params): Promise<string | null> {
    const key = budget(to, template);
    const at = this.now().getTime();
    if (!this.allows(to, template)) {
      this.log.warn({ event: 'code.throttled', template, limit: PER_ADDRESS_PER_HOUR }, 'code mail held back: too many to this address this hour');
      return null;
    }
    this.sent.set(key, [...(this.sent.get(key) ?? []).filter((time) => at - time < HOUR_MS), at]);
    return this.write(to, locale, template, params);
  }

  /**
   * A notice of a change made (not asked for): it follows a confirmed change, which nobody
   * can repeat at will, and the owner must not miss it, so it is never held back.
   */
  async notice(to: string, locale: Locale, template: string, params: Params): Promise<void> {
    await this.write(to, locale, template, params);
  }

  private async write(to: string, locale: Locale, template: string, params: Params): Promise<string> {
    const t = (key: string) => this.catalog.t(locale, key, params);
    const messageId = this.mailer.newMessageId();
    const letter = { locale, blocks: paragraphs(t(`${template}.body`)), signature: t('mail.signature') };
    await this.mailer.send({ to, subject: t(`${template}.subject`), letter, headers: { 'Auto-Submitted': 'auto-generated' }, messageId });
    return messageId;
  }
}

function budget(to: string, template: string): string {
  return `${template} ${to.toLowerCase()}`;
}

import type { Locale } from '../billing/types.js';
import type { Logger } from '../log.js';
import type { Mailer } from '../outbound/mail.js';
import type { Catalog, Params } from '../templates/catalog.js';

/** Mails with a code an address may receive in an hour: enough for a typo or two, too few to flood it. */
const PER_ADDRESS_PER_HOUR = 3;
const HOUR_MS = 60 * 60_000;

/**
 * The mails that carry a one-time code (a new notification address to confirm, a chat
 * account to link), worded from the templates `<template>.subject` and `<template>.body`.
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

  /** False, and nothing sent, when the address had its share this hour. */
  async send(to: string, locale: Locale, template: string, params: Params): Promise<boolean> {
    const address = to.toLowerCase();
    const at = this.now().getTime();
    const recent = (this.sent.get(address) ?? []).filter((time) => at - time < HOUR_MS);
    if (recent.length >= PER_ADDRESS_PER_HOUR) {
      this.log.warn({ event: 'code.throttled', template, limit: PER_ADDRESS_PER_HOUR }, 'code mail held back: too many to this address this hour');
      return false;
    }
    this.sent.set(address, [...recent, at]);
    const t = (key: string) => this.catalog.t(locale, key, params);
    await this.mailer.send({ to, subject: t(`${template}.subject`), text: `${t(`${template}.body`)}\n\n${t('mail.signature')}`, headers: { 'Auto-Submitted': 'auto-generated' } });
    return true;
  }
}

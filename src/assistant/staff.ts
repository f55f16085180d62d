import { randomUUID } from 'node:crypto';
import { formatDate } from '../billing/money.js';
import type { Locale } from '../billing/types.js';
import type { Logger } from '../log.js';
import type { Deliveries } from '../notifications/deliveries.js';
import type { Delivery, DeliveryChannel } from '../notifications/delivery.js';
import { resend } from '../notifications/resend.js';
import type { Store } from '../store/store.js';
import type { Catalog, Params } from '../templates/catalog.js';
import type { Outcome, Reply } from './reply.js';

export interface StaffServices {
  store: Store;
  deliveries: Deliveries;
  catalog: Catalog;
  log: Logger;
  now: () => Date;
}

/** Rows shown at most in a delivery table: the most recent ones. */
const SHOWN = 15;

/**
 * What support staff can ask, whichever channel they ask from (Discord's `/staff`, a mail
 * to the billing inbox): resend an invoice, a customer's delivery log, the failed
 * deliveries. Channels decide who is staff; this records what staff do (who, what, when)
 * besides the delivery records a resend writes, and words the answers from the templates.
 */
export class StaffDesk {
  constructor(private readonly services: StaffServices) {}

  /** A refusal for someone who is not staff; the attempt is logged by whoever calls it. */
  refused(locale: Locale): Reply {
    return this.reply(locale, [this.t(locale, 'staff.refused')], 'refused');
  }

  /**
   * `once`: the request may be handled again (a mail whose answer could not be sent the
   * first time); what the same `staff` request already resent is reported, not resent.
   */
  async resend(staff: string, number: string, channels: DeliveryChannel[], locale: Locale, options: { once?: boolean } = {}): Promise<Reply> {
    const { store, deliveries, log } = this.services;
    const customer = store.customerById(store.invoice(number)?.customerId ?? '');
    const earlier = options.once ? deliveries.list().filter((d) => d.reason === 'resend' && d.requestedBy === staff && d.invoices.includes(number)) : [];
    if (earlier.length > 0) return this.table(locale, [this.t(locale, 'staff.resent', { number, customer: customer?.email ?? '' })], earlier);
    const result = await resend(store, deliveries, log, { number, channels, requestedBy: staff });
    if (!result.ok) {
      await this.record(staff, 'resend', number, `refused: ${result.problem}`);
      const key = result.problem === 'no-recipient' ? 'staff.noDiscord' : 'staff.unknownInvoice';
      return this.reply(locale, [this.t(locale, key, { number, customer: customer?.email ?? '' })], 'refused');
    }
    await this.record(staff, 'resend', number, result.deliveries.map((d) => `${d.channel}:${d.status}`).join(' '));
    const failed = result.deliveries.some((d) => d.status !== 'sent');
    const text = [this.t(locale, failed ? 'staff.resendFailed' : 'staff.resent', { number, customer: customer?.email ?? '' })];
    return this.table(locale, text, result.deliveries, failed ? 'refused' : 'answered');
  }

  async customerLog(staff: string, address: string, locale: Locale): Promise<Reply> {
    const customer = this.services.store.customerByAddress(address);
    await this.record(staff, 'log', address, customer ? null : 'unknown customer');
    if (!customer) return this.reply(locale, [this.t(locale, 'staff.unknownCustomer', { address })], 'refused');
    const all = this.services.deliveries.list({ customerId: customer.id });
    if (all.length === 0) return this.reply(locale, [this.t(locale, 'staff.logEmpty', { customer: customer.email })]);
    return this.table(locale, [this.t(locale, 'staff.log', { customer: customer.email, count: all.length, shown: Math.min(SHOWN, all.length) })], all.slice(-SHOWN));
  }

  async failed(staff: string, locale: Locale): Promise<Reply> {
    const all = this.services.deliveries.list({ status: 'failed' });
    await this.record(staff, 'failed', null, `${all.length} failed`);
    if (all.length === 0) return this.reply(locale, [this.t(locale, 'staff.failedNone')]);
    return this.table(locale, [this.t(locale, 'staff.failed', { count: all.length, shown: Math.min(SHOWN, all.length) })], all.slice(-SHOWN));
  }

  /** Deliveries as the staff read them, newest first: when, what, how, to whom, how it went. */
  private table(locale: Locale, text: string[], deliveries: Delivery[], outcome: Outcome = 'answered'): Reply {
    const { store } = this.services;
    const columns = ['date', 'invoices', 'customer', 'channel', 'recipient', 'status', 'detail'].map((c) => this.t(locale, `staff.columns.${c}`));
    const rows = deliveries
      .toReversed()
      .map((d) => [
        `${formatDate(d.updatedAt.slice(0, 10), locale)} ${d.updatedAt.slice(11, 16)}`,
        d.invoices.join(' '),
        store.customerById(d.customerId)?.email ?? d.customerId,
        d.channel,
        d.recipient,
        this.t(locale, `staff.status.${d.status}`),
        short(d.lastError ?? '', 60),
      ]);
    return { locale, outcome, text, table: { columns, rows }, attachments: [] };
  }

  private async record(staff: string, action: string, target: string | null, detail: string | null): Promise<void> {
    await this.services.store.save({ staffActions: [{ id: randomUUID(), staff, action, target, detail, at: this.services.now().toISOString() }] });
    this.services.log.info({ event: `staff.${action}`, staff, target, detail }, 'staff action');
  }

  private reply(locale: Locale, text: string[], outcome: Outcome = 'answered'): Reply {
    return { locale, outcome, text, attachments: [] };
  }

  private t(locale: Locale, key: string, params?: Params): string {
    return this.services.catalog.t(locale, key, params);
  }
}

function short(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

import { randomUUID } from 'node:crypto';
import { checkCode, CODE_MAX_ATTEMPTS, issueCode } from '../billing/codes.js';
import { lastDayBefore } from '../billing/dates.js';
import { formatDate } from '../billing/money.js';
import type { Locale } from '../billing/types.js';
import type { Logger } from '../log.js';
import type { Deliveries } from '../notifications/deliveries.js';
import { shownRecipients, type Delivery, type DeliveryChannel } from '../billing/delivery.js';
import { chooseReminded, planRows, type NotReminded, type ReminderPlan } from '../notifications/reminders.js';
import type { PushSummary } from '../notifications/push.js';
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
  /** The provider's time zone (PUSH_TIMEZONE): the day a download link works to is said in it. */
  timeZone: string;
  /**
   * What payment reminders would send now, and a push run that sends them (null when another is
   * under way); both of the invoices `chosen` instead of the day's when given. Null when reminders are off.
   */
  reminders: { plan(chosen?: string[]): Promise<ReminderPlan>; run(chosen?: string[]): Promise<PushSummary | null> } | null;
}

/** How an answer to a held request went: its code, and what it held. */
interface HeldOutcome {
  check: 'none' | 'ok' | 'wrong' | 'over';
  numbers: string[];
  attempts: number;
}

/** Rows shown at most in a delivery table: the most recent ones. */
const SHOWN = 15;
/** Invoices one staff request may remind at once: its answer stays readable, its cost bounded. */
export const MAX_CHOSEN_REMINDERS = 25;
/** A held resend waits this long for its author to confirm it. */
const HELD_MINUTES = 30;

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
    const invoice = await store.invoice(number);
    const customer = invoice && (await store.customerById(invoice.customerId));
    const earlier = options.once ? await store.deliveries({ reason: 'resend', requestedBy: staff, invoice: number }) : [];
    if (earlier.length > 0) return await this.table(locale, [this.t(locale, 'staff.resent', { number, customer: customer?.email ?? '' })], earlier);
    const result = await resend(store, deliveries, log, { number, channels, requestedBy: staff });
    if (!result.ok) {
      await this.record(staff, 'resend', number, `refused: ${result.problem}`);
      const key = result.problem === 'no-recipient' ? 'staff.noDiscord' : 'staff.unknownInvoice';
      return this.reply(locale, [this.t(locale, key, { number, customer: customer?.email ?? '' })], 'refused');
    }
    await this.record(staff, 'resend', number, result.deliveries.map((d) => `${d.channel}:${d.status}`).join(' '));
    const failed = result.deliveries.some((d) => d.status !== 'sent');
    const text = [this.t(locale, failed ? 'staff.resendFailed' : 'staff.resent', { number, customer: customer?.email ?? '' })];
    return await this.table(locale, text, result.deliveries, failed ? 'refused' : 'answered');
  }

  /**
   * Several resends asked in one message (a staff mail: `renvoyer 1210 1214`), each to its
   * customer's address on record, named `request` so that the message handled again
   * resends nothing twice. More than `max` at once are held until the staff member
   * confirms with the code in the answer: a slip, or a stolen mailbox, cannot mail a whole
   * customer base in one message.
   */
  async resendMany(staff: string, request: string, numbers: string[], locale: Locale, max: number): Promise<Reply> {
    const unique = [...new Set(numbers)];
    if (unique.length <= max) return this.resendAll(request, unique, locale);
    const { code, codeHash, expiresAt } = issueCode(heldSubject(staff, unique), this.services.now(), HELD_MINUTES);
    await this.services.store.save({ heldRequests: [{ staff, numbers: unique, codeHash, expiresAt, attempts: 0 }] });
    await this.record(staff, 'resend', unique.join(' '), `held: ${unique.length} invoices, more than ${max}`);
    return this.reply(locale, [this.t(locale, 'staff.confirmMany', { count: unique.length, max, code, minutes: HELD_MINUTES })], 'refused');
  }

  /** The held resend released by its code, given by the staff member who asked; a wrong code counts against it. */
  async confirmHeld(staff: string, request: string, code: string | null, locale: Locale): Promise<Reply> {
    const now = this.services.now();
    // Checked and counted in one change of the record: two answers at once cannot both use the code, nor both escape the count.
    const outcome = await this.services.store.updateHeldRequest<HeldOutcome>(staff, (held) => {
      if (!held || held.codeHash === null) return { held: null, result: { check: 'none', numbers: [], attempts: 0 } };
      const check = code === null ? 'wrong' : checkCode({ ...held, codeHash: held.codeHash }, heldSubject(staff, held.numbers), code, now);
      if (check === 'ok') return { held: { ...held, codeHash: null }, result: { check, numbers: held.numbers, attempts: held.attempts } };
      const attempts = held.attempts + 1;
      const over = check === 'expired' || attempts >= CODE_MAX_ATTEMPTS;
      return { held: { ...held, attempts, ...(over ? { codeHash: null } : {}) }, result: { check: over ? 'over' : 'wrong', numbers: held.numbers, attempts } };
    });
    if (outcome.check === 'none') return this.reply(locale, [this.t(locale, 'staff.heldNothing')], 'refused');
    if (outcome.check === 'ok') return this.resendAll(request, outcome.numbers, locale);
    await this.record(staff, 'confirm', outcome.numbers.join(' '), outcome.check === 'over' ? 'held resend given up' : 'wrong code');
    if (outcome.check === 'over') return this.reply(locale, [this.t(locale, 'staff.heldExpired')], 'refused');
    return this.reply(locale, [this.t(locale, 'staff.heldWrong', { left: CODE_MAX_ATTEMPTS - outcome.attempts })], 'refused');
  }

  /** Each resend by email, once per `request`, and one answer with all their delivery rows. */
  private async resendAll(request: string, numbers: string[], locale: Locale): Promise<Reply> {
    const replies: Reply[] = [];
    for (const number of numbers) replies.push(await this.resend(request, number, ['email'], locale, { once: true }));
    const table = replies.find((reply) => reply.table)?.table;
    return {
      locale,
      outcome: replies.every((reply) => reply.outcome === 'answered') ? 'answered' : 'refused',
      text: replies.flatMap((reply) => reply.text),
      attachments: [],
      ...(table ? { table: { ...table, rows: replies.flatMap((reply) => reply.table?.rows ?? []) } } : {}),
    };
  }

  async customerLog(staff: string, address: string, locale: Locale): Promise<Reply> {
    const customer = await this.services.store.customerByAddress(address);
    await this.record(staff, 'log', address, customer ? null : 'unknown customer');
    if (!customer) return this.reply(locale, [this.t(locale, 'staff.unknownCustomer', { address })], 'refused');
    const all = await this.services.store.deliveries({ customerId: customer.id });
    if (all.length === 0) return this.reply(locale, [this.t(locale, 'staff.logEmpty', { customer: customer.email })]);
    return this.table(
      locale,
      [this.t(locale, 'staff.log', { customer: customer.email, count: all.length, shown: Math.min(SHOWN, all.length) })],
      all.slice(-SHOWN),
    );
  }

  async failed(staff: string, locale: Locale): Promise<Reply> {
    // Bounced deliveries never reached their reader either.
    const all = await this.services.store.deliveries({ status: ['failed', 'bounced'] });
    await this.record(staff, 'failed', null, `${all.length} failed`);
    if (all.length === 0) return this.reply(locale, [this.t(locale, 'staff.failedNone')]);
    return this.table(locale, [this.t(locale, 'staff.failed', { count: all.length, shown: Math.min(SHOWN, all.length) })], all.slice(-SHOWN));
  }

  /** The reminders due now: listed, or (`send`) sent with the push's run. */
  async reminders(staff: string, locale: Locale, send: boolean): Promise<Reply> {
    const { reminders } = this.services;
    if (!reminders) return this.reply(locale, [this.t(locale, 'staff.reminders.off')], 'refused');
    const plan = await reminders.plan();
    await this.record(staff, send ? 'reminders' : 'reminders-plan', null, `${plan.invoices} invoices, ${plan.customers} customers`);
    if (send) {
      await reminders.run();
      return this.reply(locale, [this.t(locale, 'staff.reminders.sent', { invoices: plan.invoices, customers: plan.customers })]);
    }
    const text = [
      this.t(locale, 'staff.reminders.plan', { invoices: plan.invoices, customers: plan.customers, skipped: plan.skippedOffsets, optedOut: plan.optedOut }),
    ];
    return await this.planTable(locale, text, plan);
  }

  /**
   * The reminders of the invoices staff name, now (`send`) or only listed, as `facteur reminders
   * NUMBER…` does: each unpaid one at its days from its due date, whatever the schedule; the
   * rest refused with why (unknown, paid, cancelled, the customer turned reminders off or
   * cannot be reached), in one answer with the deliveries the run made.
   */
  async remindChosen(staff: string, numbers: string[], locale: Locale, send: boolean): Promise<Reply> {
    const { reminders, store } = this.services;
    if (!reminders) return this.reply(locale, [this.t(locale, 'staff.reminders.off')], 'refused');
    const unique = [...new Set(numbers)];
    const action = send ? 'reminders' : 'reminders-plan';
    if (unique.length > MAX_CHOSEN_REMINDERS) {
      await this.record(staff, action, null, `refused: ${unique.length} invoices, more than ${MAX_CHOSEN_REMINDERS}`);
      return this.reply(locale, [this.t(locale, 'staff.reminders.tooMany', { count: unique.length, max: MAX_CHOSEN_REMINDERS })], 'refused');
    }
    const { chosen, refused } = await chooseReminded(store, unique);
    const refusals = (left: NotReminded[]) => {
      const all = [...refused, ...left];
      const list = all.map(({ number, why }) => this.t(locale, 'staff.reminders.why', { number, why })).join(', ');
      return all.length > 0 ? [this.t(locale, 'staff.reminders.refused', { list })] : [];
    };
    if (chosen.length === 0) {
      await this.record(staff, action, unique.join(' '), 'none remindable');
      return this.reply(locale, [this.t(locale, 'staff.reminders.noneSent'), ...refusals([])], 'refused');
    }
    if (!send) {
      const plan = await reminders.plan(chosen);
      await this.record(staff, action, unique.join(' '), `${plan.invoices} invoices, ${plan.customers} customers`);
      const text = [this.t(locale, 'staff.reminders.chosenPlan', { invoices: plan.invoices, customers: plan.customers }), ...refusals(plan.leftOut)];
      return await this.planTable(locale, text, plan);
    }
    const since = this.services.now().toISOString();
    const summary = await reminders.run(chosen);
    const plan = summary?.reminders;
    await this.record(staff, action, unique.join(' '), plan ? `${plan.invoices} invoices, ${plan.customers} customers` : 'busy');
    if (!plan) return this.reply(locale, [this.t(locale, 'staff.reminders.busy'), ...refusals([])], 'refused');
    const text = refusals(plan.leftOut);
    if (plan.invoices === 0) return this.reply(locale, [this.t(locale, 'staff.reminders.noneSent'), ...text], 'refused');
    const made = (await store.deliveries({ reason: 'reminder', since })).filter((d) => d.invoices.some((number) => chosen.includes(number)));
    const failed = made.some((d) => d.status !== 'sent');
    const sent = this.t(locale, 'staff.reminders.chosenSent', { invoices: plan.invoices, customers: plan.customers });
    return await this.table(locale, [sent, ...text], made, failed || text.length > 0 ? 'refused' : 'answered');
  }

  /** A reminder plan as staff read it: per customer, the invoices with their days from the due date, and where they go. */
  private async planTable(locale: Locale, text: string[], plan: ReminderPlan): Promise<Reply> {
    const rows = planRows(plan).slice(0, SHOWN);
    if (rows.length === 0) return this.reply(locale, text);
    const emails = new Map<string, string>();
    for (const row of rows) emails.set(row.customerId, (await this.services.store.customerById(row.customerId))?.email ?? row.customerId);
    const columns = ['customer', 'invoices', 'recipient'].map((c) => this.t(locale, `staff.columns.${c}`));
    return { ...this.reply(locale, text), table: { columns, rows: rows.map((row) => [emails.get(row.customerId)!, row.invoices, row.recipients.join(', ')]) } };
  }

  /** Deliveries as the staff read them, newest first: when, what, how, to whom, how it went. */
  private async table(locale: Locale, text: string[], deliveries: Delivery[], outcome: Outcome = 'answered'): Promise<Reply> {
    const { store } = this.services;
    const columns = ['date', 'invoices', 'customer', 'channel', 'recipient', 'status', 'detail'].map((c) => this.t(locale, `staff.columns.${c}`));
    const emails = new Map<string, string>();
    for (const id of new Set(deliveries.map((d) => d.customerId))) emails.set(id, (await store.customerById(id))?.email ?? id);
    const rows = deliveries
      .toReversed()
      .map((d) => [
        `${formatDate(d.updatedAt.slice(0, 10), locale)} ${d.updatedAt.slice(11, 16)}`,
        d.invoices.join(' '),
        emails.get(d.customerId)!,
        d.channel,
        shownRecipients(d),
        this.t(locale, 'staff.status', { status: d.status }),
        short(
          d.lastError ??
            (d.links ?? [])
              .map((link) => this.t(locale, 'staff.linkDetail', { id: link.id, date: lastDayBefore(link.expiresAt, this.services.timeZone) }))
              .join(', '),
          60,
        ),
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

/** A code releases this staff member's resend of these invoices, nothing else. */
function heldSubject(staff: string, numbers: string[]): string {
  return `staff-resend:${staff}:${numbers.join(',')}`;
}

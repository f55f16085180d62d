import { addDays, dayIn, daysBetween } from '../billing/dates.js';
import { reminderDue } from '../billing/reminders.js';
import type { Invoice, IsoDate } from '../billing/types.js';
import type { Logger } from '../log.js';
import type { Store } from '../store/store.js';
import type { NewDelivery } from './deliveries.js';
import { shownRecipients } from '../billing/delivery.js';
import { recipientsOf } from './recipients.js';

export interface ReminderOptions {
  /** Days from the due date a reminder is sent on (REMINDER_DAYS), in order. */
  offsets: number[];
  /** Whether a customer's "no reminders" is honoured (REMINDERS_OPT_OUT). */
  optOut: boolean;
  /** Whether a chat channel is configured, for DMs to customers who opted in. */
  chat: boolean;
  /** Days an invoice's reminders wait after its customer says it is paid (REMINDER_CLAIM_DAYS). */
  claimDays: number;
  /** Today in the provider's time zone, and that zone (PUSH_TIMEZONE), in which the day Facteur met the store is told. */
  today: () => IsoDate;
  timeZone: string;
}

/** What a reminder run plans: one delivery per customer and channel, and what it left out and why. */
export interface ReminderPlan {
  specs: NewDelivery[];
  /** Invoices reminded of, and their customers. */
  invoices: number;
  customers: number;
  /** Offsets that came due unsent (while the service was stopped, or before an invoice was imported): only the latest is sent. */
  skippedOffsets: number;
  /** Unpaid invoices whose offsets all came before Facteur met the store: reminded only when staff choose them. */
  beforeMeeting: number;
  /** Customers who turned reminders off, or who have no address nor chat to reach. */
  optedOut: number;
  unreachable: number;
  /** The invoices of those customers, each with why: what staff who chose them are told. */
  leftOut: NotReminded[];
}

/** An invoice staff named that is not reminded, and why. */
export interface NotReminded {
  number: string;
  why: 'unknown' | 'paid' | 'cancelled' | 'optedOut' | 'unreachable';
}

/**
 * Which unpaid invoices are owed a reminder today, grouped into one message per customer (and
 * channel): each invoice at the latest of its offsets that has come since Facteur met the store
 * and is past the last one reminded of (see `reminderDue`), so a run is idempotent and the first
 * one does not flood; or the invoices staff choose.
 * The push job records and sends them with its own deliveries, under its lock: one run at a
 * time across every instance, and none of them sends a pending record another is sending.
 */
export class Reminders {
  constructor(
    private readonly store: Store,
    private readonly log: Logger,
    private readonly options: ReminderOptions,
  ) {}

  /** The day reminders are planned for. */
  today(): IsoDate {
    return this.options.today();
  }

  /**
   * The reminders due today; or, when staff name invoices (`chosen`), those of them that are
   * unpaid, whatever their offsets and when Facteur met them, each at its days from its due date
   * today (which later offsets do not pass: the schedule does not remind it again), and without
   * waiting on a payment the customer announced (staff checked it).
   */
  async plan(chosen?: string[]): Promise<ReminderPlan> {
    const today = this.options.today();
    const { offsets } = this.options;
    const unpaid = chosen ? await this.unpaidOf(chosen) : await this.store.unpaidDueBy(addDays(today, -Math.min(...offsets)));
    const since = await this.store.announcingSince();
    const metOn = since ? dayIn(new Date(since), this.options.timeZone) : today;
    const last = await this.store.remindedOffsets(unpaid.map((invoice) => invoice.number));
    const byCustomer = new Map<string, { invoice: Invoice; offset: number }[]>();
    let skippedOffsets = 0;
    let beforeMeeting = 0;
    for (const invoice of unpaid) {
      const due = chosen ? { offset: daysBetween(invoice.dueAt, today), skipped: 0 } : reminderDue(invoice, offsets, today, last.get(invoice.number), metOn);
      if (!due) {
        if (reminderDue(invoice, offsets, today, last.get(invoice.number))) beforeMeeting++;
        continue;
      }
      skippedOffsets += due.skipped;
      const list = byCustomer.get(invoice.customerId) ?? [];
      byCustomer.set(invoice.customerId, [...list, { invoice, offset: due.offset }]);
    }
    const plan: ReminderPlan = { specs: [], invoices: 0, customers: 0, skippedOffsets, beforeMeeting, optedOut: 0, unreachable: 0, leftOut: [] };
    for (const [customerId, all] of byCustomer) {
      const customer = await this.store.customerById(customerId);
      if (!customer) continue;
      if (this.options.optOut && customer.notifications.reminders === false) {
        plan.optedOut++;
        plan.leftOut.push(...all.map(({ invoice }) => ({ number: invoice.number, why: 'optedOut' as const })));
        continue;
      }
      // What the customer says is paid waits while staff check, then is reminded again if it was not.
      const waitSince = addDays(today, -this.options.claimDays);
      const claimed = new Set(chosen ? [] : (customer.paymentClaims ?? []).filter((claim) => claim.at.slice(0, 10) > waitSince).map((claim) => claim.number));
      const due = all.filter(({ invoice }) => !claimed.has(invoice.number));
      if (due.length === 0) continue;
      const recipients = recipientsOf(customer, this.options.chat);
      if (recipients.length === 0) {
        plan.unreachable++;
        plan.leftOut.push(...due.map(({ invoice }) => ({ number: invoice.number, why: 'unreachable' as const })));
        continue;
      }
      // Overdue first, the longest overdue at the top: unpaidDueBy's order.
      const reminded = Object.fromEntries(due.map(({ invoice, offset }) => [invoice.number, offset]));
      const base = {
        customerId,
        invoices: due.map(({ invoice }) => invoice.number),
        reason: 'reminder' as const,
        attachPdf: customer.notifications.attachPdf,
        reminded,
      };
      for (const recipient of recipients) plan.specs.push({ ...base, ...recipient });
      plan.invoices += due.length;
      plan.customers++;
    }
    if (beforeMeeting > 0)
      this.log.info(
        { event: 'reminders.beforeMeeting', invoices: beforeMeeting, metOn },
        'overdue invoices that fell due before Facteur met them are not reminded unless staff choose to (facteur reminders NUMBER…)',
      );
    if (plan.skippedOffsets > 0)
      this.log.info(
        { event: 'reminders.skipped', offsets: plan.skippedOffsets },
        'reminders that came due unsent are not sent late: only the latest of each invoice goes',
      );
    if (plan.unreachable > 0)
      this.log.warn({ event: 'reminders.unreachable', customers: plan.unreachable }, 'customers with invoices to remind have no notification address');
    return plan;
  }

  /** The unpaid invoices among these numbers, the longest overdue first, as `unpaidDueBy` gives them. */
  private async unpaidOf(numbers: string[]): Promise<Invoice[]> {
    const found = await this.store.invoicesByNumber(numbers);
    return found.filter((invoice) => invoice.status === 'unpaid').sort((a, b) => a.dueAt.localeCompare(b.dueAt) || a.number.localeCompare(b.number));
  }
}

/**
 * The invoices staff named (`facteur reminders NUMBER…`, `/staff reminders numbers:`) split into
 * those a reminder can be about, each once, in the order given, and those it cannot: unknown,
 * paid or cancelled. What the plan of the chosen leaves out (`leftOut`) is the rest of the refusals.
 */
export async function chooseReminded(store: Store, numbers: string[]): Promise<{ chosen: string[]; refused: NotReminded[] }> {
  const found = new Map((await store.invoicesByNumber(numbers)).map((invoice) => [invoice.number, invoice]));
  const chosen: string[] = [];
  const refused: NotReminded[] = [];
  for (const number of new Set(numbers)) {
    const status = found.get(number)?.status;
    if (status === 'unpaid') chosen.push(number);
    else refused.push({ number, why: status ?? 'unknown' });
  }
  return { chosen, refused };
}

/** A plan as staff read it: per customer, the invoices with their days from the due date (`1266 (+7)`), and where it goes. */
export function planRows(plan: ReminderPlan): { customerId: string; invoices: string; recipients: string[] }[] {
  const rows = new Map<string, { customerId: string; invoices: string; recipients: string[] }>();
  for (const spec of plan.specs) {
    const offsets = Object.entries(spec.reminded ?? {}).map(([number, offset]) => `${number} (${offset > 0 ? '+' : ''}${offset})`);
    const row = rows.get(spec.customerId) ?? { customerId: spec.customerId, invoices: offsets.join(', '), recipients: [] };
    row.recipients.push(`${spec.channel} ${shownRecipients(spec)}`);
    rows.set(spec.customerId, row);
  }
  return [...rows.values()];
}

import { addDays } from '../billing/dates.js';
import { reminderDue } from '../billing/reminders.js';
import type { Invoice, IsoDate } from '../billing/types.js';
import type { Logger } from '../log.js';
import type { Store } from '../store/store.js';
import type { NewDelivery } from './deliveries.js';
import { shownRecipients } from '../store/delivery.js';
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
  /** Today in the provider's time zone. */
  today: () => IsoDate;
}

/** What a reminder run plans: one delivery per customer and channel, and what it left out and why. */
export interface ReminderPlan {
  specs: NewDelivery[];
  /** Invoices reminded of, and their customers. */
  invoices: number;
  customers: number;
  /** Offsets that came due unsent (before reminders met the store, or while it was stopped): only the latest is sent. */
  skippedOffsets: number;
  /** Customers who turned reminders off, or who have no address nor chat to reach. */
  optedOut: number;
  unreachable: number;
}

/**
 * Which unpaid invoices are owed a reminder today, grouped into one message per customer (and
 * channel): each invoice at the latest of its offsets that has come and is past the last one
 * reminded of (see `reminderDue`), so a run is idempotent and the first one does not flood.
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

  async plan(): Promise<ReminderPlan> {
    const today = this.options.today();
    const earliest = Math.min(...this.options.offsets);
    const unpaid = await this.store.unpaidDueBy(addDays(today, -earliest));
    const last = await this.store.remindedOffsets(unpaid.map((invoice) => invoice.number));
    const byCustomer = new Map<string, { invoice: Invoice; offset: number }[]>();
    let skippedOffsets = 0;
    for (const invoice of unpaid) {
      const due = reminderDue(invoice, this.options.offsets, today, last.get(invoice.number));
      if (!due) continue;
      skippedOffsets += due.skipped;
      const list = byCustomer.get(invoice.customerId) ?? [];
      byCustomer.set(invoice.customerId, [...list, { invoice, offset: due.offset }]);
    }
    const plan: ReminderPlan = { specs: [], invoices: 0, customers: 0, skippedOffsets, optedOut: 0, unreachable: 0 };
    for (const [customerId, all] of byCustomer) {
      const customer = await this.store.customerById(customerId);
      if (!customer) continue;
      if (this.options.optOut && customer.notifications.reminders === false) {
        plan.optedOut++;
        continue;
      }
      // What the customer says is paid waits while staff check, then is reminded again if it was not.
      const since = addDays(today, -this.options.claimDays);
      const claimed = new Set((customer.paymentClaims ?? []).filter((claim) => claim.at.slice(0, 10) > since).map((claim) => claim.number));
      const due = all.filter(({ invoice }) => !claimed.has(invoice.number));
      if (due.length === 0) continue;
      const recipients = recipientsOf(customer, this.options.chat);
      if (recipients.length === 0) {
        plan.unreachable++;
        continue;
      }
      // Overdue first, the longest overdue at the top: unpaidDueBy's order.
      const reminded = Object.fromEntries(due.map(({ invoice, offset }) => [invoice.number, offset]));
      const base = { customerId, invoices: due.map(({ invoice }) => invoice.number), reason: 'reminder' as const, attachPdf: customer.notifications.attachPdf, reminded };
      for (const recipient of recipients) plan.specs.push({ ...base, ...recipient });
      plan.invoices += due.length;
      plan.customers++;
    }
    if (plan.skippedOffsets > 0) this.log.info({ event: 'reminders.skipped', offsets: plan.skippedOffsets }, 'reminders that came due unsent are not sent late: only the latest of each invoice goes');
    if (plan.unreachable > 0) this.log.warn({ event: 'reminders.unreachable', customers: plan.unreachable }, 'customers with invoices to remind have no notification address');
    return plan;
  }
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

import type { Invoice } from '../billing/types.js';
import type { Logger } from '../log.js';
import type { Store } from '../store/store.js';
import type { Delivery } from '../billing/delivery.js';
import type { Deliveries, NewDelivery } from './deliveries.js';
import { recipientsOf } from './recipients.js';
import type { ReminderPlan, Reminders } from './reminders.js';
import { publish } from '../observe.js';

export interface PushSummary {
  /** New invoices found by this run. */
  invoices: number;
  /** Deliveries attempted by this run (new ones and retries that came due). */
  attempted: number;
  sent: number;
  failed: number;
  /** Customers whose new invoices could not be announced: no address, no opted-in chat. */
  skipped: number;
  /** The reminders this run planned and recorded (what staff who chose invoices are told), or null when it planned none. */
  reminders: ReminderPlan | null;
}

/** A long run says how far it is this often. */
const PROGRESS_LOG_MS = 5_000;

/** Called after each attempt, for progress reports. */
export type Progress = (done: number, total: number, failed: number) => void;

/**
 * The push: every customer gets one message for all their invoices not yet announced —
 * by mail to the notification address, and by direct message to linked chat accounts
 * that opted in. The job finds its own work (invoices not yet announced, deliveries
 * due), so a missed or late run loses nothing; one runs at a time, so two runs never announce twice.
 */
export class Push {
  constructor(
    private readonly store: Store,
    private readonly deliveries: Deliveries,
    private readonly log: Logger,
    private readonly options: { concurrency: number; chat: boolean; reminders?: { planner: Reminders; due: () => boolean } },
  ) {}

  /** The day this process last planned reminders. */
  private remindedOn: string | null = null;

  /** Invoices this process has logged as cancelled before their announcement: each is said once, not at every run. */
  private readonly toldCancelled = new Set<string>();

  /**
   * One run, unless a push is under way already (in this process or another sharing the
   * store): then null, and nothing is done twice. `remindNow` plans reminders whatever the hour;
   * `chosen` plans those of the invoices staff named instead of the day's (see Reminders.plan).
   */
  async run(progress?: Progress, options: { remindNow?: boolean; chosen?: string[] } = {}): Promise<PushSummary | null> {
    const outcome = await this.store.exclusive('push', (lost) => this.runAlone(lost, progress, options));
    if (!outcome.ran) this.log.info({ event: 'push.busy' }, 'a push is under way in another Facteur process: this one is skipped');
    const summary = outcome.ran ? outcome.result : null;
    publish('push', { result: summary ? 'ran' : 'busy', invoices: summary?.invoices ?? 0, sent: summary?.sent ?? 0, failed: summary?.failed ?? 0 });
    return summary;
  }

  /** The run, sending until it ends or `lost` says the push is no longer this process's: then another may be pushing, and what is left waits for it. */
  private async runAlone(
    lost: AbortSignal,
    progress: Progress | undefined,
    { remindNow = false, chosen }: { remindNow?: boolean; chosen?: string[] },
  ): Promise<PushSummary> {
    const fresh = this.withoutCancelled(await this.store.unannouncedInvoices());
    const { specs, skipped, unreachable } = await this.plan(fresh);
    // A push delivery is what makes its invoices announced: after a crash, each customer's
    // new invoices are either still new (nothing recorded) or in pending records to send.
    // Those of customers who cannot be told are marked so that they are not retried forever.
    await this.deliveries.record(specs, { announced: unreachable });
    if (fresh.length > 0) this.log.info({ event: 'push.started', invoices: fresh.length, deliveries: specs.length }, 'push of new invoices under way');
    // Reminders ride on the push's run: recorded, they are sent below with the rest, and a
    // reminder recorded is one its invoice's offset never gets again (see Reminders).
    const reminders = this.options.reminders;
    let plan: ReminderPlan | null = null;
    // Offsets are days: once a day's plan is recorded, later runs that day find nothing new to
    // remind of, so this process does not read every overdue invoice again every five minutes.
    if (reminders && (remindNow || (reminders.due() && this.remindedOn !== reminders.planner.today()))) {
      if (!chosen) this.remindedOn = reminders.planner.today();
      plan = await reminders.planner.plan(chosen);
      await this.deliveries.record(plan.specs);
      if (plan.specs.length > 0)
        this.log.info(
          { event: 'reminders.started', invoices: plan.invoices, customers: plan.customers, deliveries: plan.specs.length },
          'payment reminders under way',
        );
    }
    let failed = 0;
    const started = Date.now();
    let logged = started;
    const results = await this.deliveries.runDue(
      this.options.concurrency,
      (delivery: Delivery, done, total) => {
        if (delivery.status !== 'sent') failed++;
        progress?.(done, total, failed);
        if (Date.now() - logged >= PROGRESS_LOG_MS) {
          logged = Date.now();
          const rate = Math.round((done / ((logged - started) / 1000)) * 10) / 10;
          this.log.info({ event: 'push.progress', done, total, failed, perSecond: rate }, 'push under way');
        }
      },
      lost,
    );
    if (lost.aborted)
      this.log.warn(
        { event: 'push.lost', done: results.length, reason: String(lost.reason) },
        'push stopped: its lock went with its database connection; the next run sends what is left',
      );
    const summary = { invoices: fresh.length, attempted: results.length, sent: results.filter((d) => d.status === 'sent').length, failed, skipped };
    if (fresh.length > 0 || results.length > 0) this.log.info({ event: 'push', ...summary }, 'push run finished');
    return { ...summary, reminders: plan };
  }

  /**
   * The invoices to announce, less those cancelled before they were: the customer never heard
   * of them and has nothing to pay, so they hear nothing (the log says it, once). They are not
   * marked announced: one the billing system reinstates is new to the customer, and is announced then.
   */
  private withoutCancelled(fresh: Invoice[]): Invoice[] {
    const cancelled = new Map<string, string[]>();
    for (const invoice of fresh) {
      if (invoice.status !== 'cancelled' || this.toldCancelled.has(invoice.number)) continue;
      this.toldCancelled.add(invoice.number);
      cancelled.set(invoice.customerId, [...(cancelled.get(invoice.customerId) ?? []), invoice.number]);
    }
    for (const [customer, invoices] of cancelled)
      this.log.info({ event: 'push.cancelled', customer, invoices }, 'invoices cancelled before they were announced: nothing is sent of them');
    return fresh.filter((invoice) => invoice.status !== 'cancelled');
  }

  /** One delivery per customer and channel, each carrying all of that customer's new invoices. */
  private async plan(fresh: Invoice[]): Promise<{ specs: NewDelivery[]; skipped: number; unreachable: string[] }> {
    const byCustomer = new Map<string, Invoice[]>();
    for (const invoice of fresh) byCustomer.set(invoice.customerId, [...(byCustomer.get(invoice.customerId) ?? []), invoice]);
    const specs: NewDelivery[] = [];
    const unreachable: string[] = [];
    let skipped = 0;
    for (const [customerId, invoices] of byCustomer) {
      const customer = await this.store.customerById(customerId);
      const numbers = invoices.map((invoice) => invoice.number);
      const base = { customerId, invoices: numbers, reason: 'push' as const, attachPdf: customer?.notifications.attachPdf ?? false };
      const recipients = customer ? recipientsOf(customer, this.options.chat) : [];
      for (const recipient of recipients) specs.push({ ...base, ...recipient });
      if (recipients.length === 0) {
        skipped++;
        unreachable.push(...numbers);
        this.log.warn(
          { event: 'push.skipped', customer: customerId, invoices: numbers },
          'new invoices not announced: the customer has no notification address',
        );
      }
    }
    return { specs, skipped, unreachable };
  }
}

import { createApp } from '../app.js';
import { lastDayBefore } from '../billing/dates.js';
import { err, out, progressBar, type ExitCode } from './terminal.js';
import { createLogger } from '../log.js';
import { openStore } from '../store/open.js';
import type { Config } from '../config.js';
import { shownRecipients, type Delivery, type DeliveryChannel } from '../billing/delivery.js';
import { resend as resendInvoice } from '../notifications/resend.js';
import { renderTable } from '../templates/table.js';
import { chooseReminded, planRows, type NotReminded } from '../notifications/reminders.js';
import { operatorWords } from './words.js';

/** `facteur push`: the scheduled job, once, by hand, with a progress bar on a terminal. */
export async function push(config: Config): Promise<ExitCode> {
  const app = await createApp(config);
  try {
    const bar = progressBar();
    const summary = await app.push.run(bar && ((done, total, failed) => bar(done, total, `${failed} failed`)));
    if (!summary) {
      err('facteur push: a push is under way in another Facteur process; nothing was done\n');
      return 1;
    }
    out(
      `${operatorWords(app.catalog)('cli.push.done', { invoices: summary.invoices, sent: summary.sent, failed: summary.failed, skipped: summary.skipped })}\n`,
    );
    return summary.failed > 0 ? 1 : 0;
  } finally {
    await app.close();
  }
}

export interface ResendOptions {
  to?: string;
  channel?: string;
  force?: boolean;
}

/** `facteur resend NUMBER`: the invoice with its PDF, again, to its customer. */
export async function resend(config: Config, number: string, options: ResendOptions): Promise<ExitCode> {
  const channels = channelsOf(options.channel);
  if (!channels) {
    err('facteur resend: --channel must be email, discord or both\n');
    return 2;
  }
  const app = await createApp(config);
  try {
    const result = await resendInvoice(app.store, app.deliveries, app.log, {
      number,
      channels,
      ...(options.to ? { to: options.to } : {}),
      force: options.force ?? false,
      requestedBy: `cli:${process.env.USER ?? 'operator'}`,
    });
    if (!result.ok) {
      err(`facteur resend: ${result.message}\n`);
      return 1;
    }
    out(`${deliveryTable(result.deliveries, config.push.timezone)}\n`);
    return result.deliveries.every((d) => d.status === 'sent') ? 0 : 1;
  } finally {
    await app.close();
  }
}

/**
 * `facteur deliveries`: the delivery log as a table, oldest first. It only reads, so it
 * may look at a data folder that a running `facteur start` holds.
 */
export async function deliveries(config: Config, options: { customer?: string; failed?: boolean; bounced?: boolean; since?: string }): Promise<ExitCode> {
  if (options.since !== undefined && !/^\d{4}-\d{2}-\d{2}/.test(options.since)) {
    err(`facteur deliveries: --since takes a date, YYYY-MM-DD\n`);
    return 2;
  }
  const store = await openStore(config, createLogger(config.logLevel), { readOnly: true });
  try {
    const customer = options.customer ? await store.customerByAddress(options.customer) : undefined;
    if (options.customer && !customer) {
      err(`facteur deliveries: no customer has the address ${options.customer}\n`);
      return 1;
    }
    const list = await store.deliveries({
      ...(customer ? { customerId: customer.id } : {}),
      // What never reached its reader: refused when sent, or bounced afterwards.
      ...(options.failed ? { status: ['failed' as const, 'bounced' as const] } : options.bounced ? { status: 'bounced' as const } : {}),
      ...(options.since ? { since: options.since } : {}),
    });
    const emails = new Map<string, string>();
    for (const id of new Set(list.map((d) => d.customerId))) emails.set(id, (await store.customerById(id))?.email ?? id);
    out(list.length === 0 ? 'No delivery matches.\n' : `${deliveryTable(list, config.push.timezone, (id) => emails.get(id) ?? id)}\n`);
    return 0;
  } finally {
    await store.close();
  }
}

/** `facteur retry ID…` or `--all-failed`: failed deliveries get a fresh set of attempts, now. */
export async function retry(config: Config, ids: string[], allFailed: boolean): Promise<ExitCode> {
  const app = await createApp(config);
  try {
    // Ids as `facteur deliveries` prints them: their first 8 characters, if no other delivery shares them.
    const chosen: string[] = allFailed ? (await app.deliveries.list({ status: 'failed' })).map((d) => d.id) : [];
    for (const id of allFailed ? [] : ids) {
      const matches = id.length >= 8 ? await app.deliveries.list({ idPrefix: id }) : [];
      chosen.push(matches.length === 1 ? matches[0]!.id : id);
    }
    const reset = await app.deliveries.retry(chosen);
    const unknown = chosen.filter((id) => !reset.some((d) => d.id === id));
    if (unknown.length > 0) err(`facteur retry: not failed or unknown, left alone: ${unknown.join(', ')}\n`);
    const results = await app.deliveries.attemptAll(reset, app.config.smtp?.maxConnections ?? 1);
    if (results.length > 0) out(`${deliveryTable(results, config.push.timezone)}\n`);
    return results.every((d) => d.status === 'sent') && unknown.length === 0 ? 0 : 1;
  } finally {
    await app.close();
  }
}

function channelsOf(option: string | undefined): DeliveryChannel[] | null {
  if (option === undefined || option === 'email') return ['email'];
  if (option === 'discord') return ['discord'];
  if (option === 'both') return ['email', 'discord'];
  return null;
}

/** A delivery still counted sent whose copy to someone bounced softly, was reported as spam, or went without a bouncing address. */
function bounceNote(delivery: Delivery): string {
  const last = delivery.bounces?.at(-1);
  const withheld = delivery.withheld?.length ? `not sent to ${delivery.withheld.join(', ')} (bounces)` : '';
  return [last ? `${last.kind} bounce ${last.address}: ${last.status} ${last.diagnostic}`.trim() : '', withheld].filter(Boolean).join('; ');
}

function deliveryTable(list: Delivery[], timeZone: string, customerName: (id: string) => string = (id) => id): string {
  return renderTable({
    columns: ['id', 'created', 'customer', 'invoices', 'channel', 'to', 'reason', 'status', 'attempts', 'links', 'files (sha256)', 'last error'],
    rows: list.map((d) => [
      d.id.slice(0, 8),
      d.createdAt.slice(0, 16).replace('T', ' '),
      customerName(d.customerId),
      d.invoices.join(' '),
      d.channel,
      shownRecipients(d),
      d.reason + (d.requestedBy ? ` (${d.requestedBy})` : ''),
      d.status,
      String(d.attempts),
      // By id and last day, as the customer was told it: the token is the credential and is never kept.
      (d.links ?? []).map((link) => `${link.id} until ${lastDayBefore(link.expiresAt, timeZone)}`).join(', '),
      // Enough of each hash to tell files apart and find one (facteur verify looks a copy up whole).
      (d.files ?? []).map((file) => `${file.name} ${file.sha256.slice(0, 16)}${file.source === 'billing' ? '' : ' (rendered)'}`).join(', '),
      d.lastError ?? bounceNote(d),
    ]),
    alignRight: [8],
  });
}

/**
 * `facteur reminders [--dry-run] [NUMBER…]`: the payment reminders due now, or those of the
 * invoices staff name, sent with the push's run whatever REMINDERS_AT says; with --dry-run,
 * only listed (customer, invoices with their offsets, channels), nothing recorded or sent.
 */
export async function reminders(config: Config, dryRun: boolean, numbers: string[]): Promise<ExitCode> {
  if (!config.reminders) {
    err('facteur reminders: reminders are off (REMINDERS_ENABLED=false)\n');
    return 1;
  }
  const app = await createApp(config);
  const say = operatorWords(app.catalog);
  try {
    const picked = numbers.length > 0 ? await chooseReminded(app.store, numbers) : null;
    const chosen = picked?.chosen;
    const refused = (left: NotReminded[] = []) => {
      const all = [...(picked?.refused ?? []), ...left];
      if (all.length > 0) err(`facteur reminders: not reminded: ${all.map(({ number, why }) => say('staff.reminders.why', { number, why })).join(', ')}\n`);
      return all.length;
    };
    if (chosen?.length === 0) {
      refused();
      return 1;
    }
    if (dryRun) {
      const plan = await app.reminders!.plan(chosen);
      const left = refused(chosen ? plan.leftOut : []);
      const rows = planRows(plan);
      if (rows.length > 0)
        out(`${renderTable({ columns: ['invoices (days from due date)', 'to'], rows: rows.map((row) => [row.invoices, row.recipients.join(', ')]) })}\n`);
      out(
        `${say('cli.reminders.plan', { invoices: plan.invoices, customers: plan.customers, skipped: plan.skippedOffsets, optedOut: plan.optedOut, unreachable: plan.unreachable, before: plan.beforeMeeting })}\n`,
      );
      return left > 0 ? 1 : 0;
    }
    const bar = progressBar();
    const summary = await app.push.run(bar && ((done, total, failed) => bar(done, total, `${failed} failed`)), {
      remindNow: true,
      ...(chosen ? { chosen } : {}),
    });
    if (!summary) {
      refused();
      err('facteur reminders: a push is under way in another Facteur process; nothing was done\n');
      return 1;
    }
    const left = refused(chosen ? summary.reminders?.leftOut : []);
    out(`${say('cli.reminders.sent', { sent: summary.sent, failed: summary.failed, invoices: summary.invoices })}\n`);
    return summary.failed > 0 || left > 0 ? 1 : 0;
  } finally {
    await app.close();
  }
}

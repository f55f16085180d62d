/**
 * A reminder run at a provider's scale: 10,000 overdue invoices of as many customers
 * (`--full`; quick: 1,000), reminded through the push's run to a local SMTP server, without
 * PDFs (bench/push.ts times rendering). The baseline, in the same run, is a push announcing as
 * many new invoices: the same sends, without the reminders' planning.
 *
 *   npx tsx bench/reminders.ts [--full]
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createApp } from '../src/app.js';
import { newCustomer } from '../src/billing/customer.js';
import { addDays, dayIn } from '../src/billing/dates.js';
import type { Customer, Invoice } from '../src/billing/types.js';
import { loadConfig } from '../src/config.js';
import { createLogger } from '../src/log.js';
import { Reminders } from '../src/notifications/reminders.js';
import { LowdbStore } from '../src/store/lowdb/store.js';
import { heading, report, sized, time } from './support/measure.js';
import { startSmtpSink } from './support/smtp-sink.js';
import { DAY_MS } from '../src/time.js';

const COUNT = sized(1_000, 10_000);
const CONNECTIONS = 5;

heading('Reminders', `${COUNT.toLocaleString('en')} overdue invoices of as many customers, ${CONNECTIONS} SMTP connections`);
const today = dayIn(new Date(), 'Africa/Douala');
const announce = await run(false);
const remind = await run(true);
const rate = (ms: number) => `${Math.round(COUNT / (ms / 1000))}/s`;
report([
  { label: 'baseline: a push announcing as many new invoices', value: `${(announce.ms / 1000).toFixed(1)} s (${rate(announce.ms)})` },
  { label: 'reminder run', value: `${(remind.ms / 1000).toFixed(1)} s (${rate(remind.ms)})` },
  { label: '  planning (plan alone, timed apart)', value: `${remind.planMs.toFixed(0)} ms` },
  { label: '  each customer exactly one reminder', value: remind.exact ? 'yes' : 'NO' },
  { label: '  a second run the same day sends', value: String(remind.again) },
]);

/** One store, one run: new invoices announced (`reminders` false), or overdue ones already announced reminded. */
async function run(reminders: boolean): Promise<{ ms: number; planMs: number; exact: boolean; again: number }> {
  const sink = await startSmtpSink();
  const dir = await mkdtemp(path.join(tmpdir(), 'facteur-bench-reminders-'));
  // A store Facteur met before these invoices fell due (a provider's, weeks after installing it):
  // what fell due before the meeting is never reminded by the schedule.
  const met = await LowdbStore.open(path.join(dir, 'db.json'));
  await met.save({ announcingSince: new Date(Date.now() - 60 * DAY_MS).toISOString() });
  await met.close();
  const env = {
    FACTEUR_DATA_DIR: dir,
    FACTEUR_DEMO: 'false',
    SMTP_HOST: '127.0.0.1',
    SMTP_PORT: String(sink.port),
    SMTP_TLS: 'false',
    SMTP_MAX_CONNECTIONS: String(CONNECTIONS),
    REMINDERS_ENABLED: String(reminders),
    REMINDERS_AT: '00:00',
  };
  const app = await createApp(loadConfig(env), createLogger('silent'));
  try {
    const customers = Array.from({ length: COUNT }, (_, i): Customer => {
      const customer = newCustomer(`client${i}@example.cm`, `Client ${i}`, 'fr');
      return { ...customer, notifications: { ...customer.notifications, attachPdf: false } };
    });
    const invoices = customers.map((customer, i): Invoice => {
      const dueAt = addDays(today, -(1 + (i % 30)));
      return {
        number: String(600_000 + i),
        customerId: customer.id,
        issuedAt: addDays(dueAt, -30),
        dueAt,
        currency: 'XAF',
        lines: [{ label: 'Hébergement Pro (1 mois)', quantity: 1, unitPrice: 15_000 }],
        taxes: [],
        status: 'unpaid',
        paidAt: null,
      };
    });
    await app.store.save({ customers, invoices, ...(reminders ? { announced: invoices.map((invoice) => invoice.number) } : {}) });
    let planMs = 0;
    if (reminders) {
      const planner = new Reminders(app.store, app.log, {
        offsets: app.config.reminders!.offsets,
        optOut: true,
        chat: false,
        claimDays: 14,
        today: () => today,
        timeZone: 'Africa/Douala',
      });
      planMs = await time(() => planner.plan());
    }
    const ms = await time(() => app.push.run());
    const before = (await sink.counts()).messages;
    await app.push.run();
    const counts = await sink.counts();
    const exact = counts.messages === COUNT && customers.every((c) => counts.byRecipient[c.email]?.length === 1);
    return { ms, planMs, exact, again: counts.messages - before };
  } finally {
    await app.close();
    sink.close();
    await rm(dir, { recursive: true, force: true });
  }
}

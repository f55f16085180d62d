/**
 * A month's invoicing run: N new invoices for N customers pushed to a local SMTP server
 * (10,000 with `--full`, 500 by default, or `--count N`), once without PDFs and once with
 * them. Prints messages per second and checks that each customer got exactly one message.
 * The baseline, in the same run, is nodemailer alone sending as many bare messages
 * through the same kind of pool: the most the transport allows. Then one customer with 700
 * new invoices (and 10,000 with `--full`), PDFs on, MAIL_SIZE_LIMIT_MB at its default: how
 * many mails, the largest, and the memory the push took.
 *
 *   npx tsx bench/push.ts [--full | --count N]
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import nodemailer from 'nodemailer';
import { createApp } from '../src/app.js';
import { newCustomer } from '../src/billing/customer.js';
import type { Customer, Invoice } from '../src/billing/types.js';
import { loadConfig } from '../src/config.js';
import { createLogger } from '../src/log.js';
import { FULL, heading, report, rssMb, sized, time, type Figure } from './support/measure.js';
import { startSmtpSink, type SmtpSink } from './support/smtp-sink.js';

const countFlag = process.argv.indexOf('--count');
const COUNT = countFlag > 0 ? Number(process.argv[countFlag + 1]) : sized(500, 10_000);
/** SMTP connections, as SMTP_MAX_CONNECTIONS would set them. */
const CONNECTIONS = 5;

heading('Push', `${COUNT.toLocaleString('en')} new invoices for as many customers, ${CONNECTIONS} SMTP connections`);
const rate = (n: number, ms: number) => `${(n / (ms / 1000)).toFixed(0)}/s`;

const baselineSink = await startSmtpSink();
const baseline = await time(() => bareMessages(baselineSink, COUNT));
baselineSink.close();

const figures: Figure[] = [{ label: 'baseline: nodemailer alone, bare messages', value: rate(COUNT, baseline) }];
for (const attachPdf of [false, true]) {
  const sink = await startSmtpSink();
  const dir = await mkdtemp(path.join(tmpdir(), 'facteur-bench-push-'));
  try {
    const { ms, exact } = await push(sink, dir, attachPdf);
    const perSecond = COUNT / (ms / 1000);
    const target = attachPdf ? 50 : 200;
    figures.push(
      { label: `push ${attachPdf ? 'with PDFs' : 'without PDFs'}`, value: rate(COUNT, ms), target: `≥ ${target}/s`, met: perSecond >= target },
      { label: `  total time`, value: `${(ms / 1000).toFixed(1)} s` },
      { label: `  each customer exactly one message`, value: exact ? 'yes' : 'NO' },
      { label: `  vs baseline`, value: `${(baseline / ms).toFixed(2)}×` },
    );
  } finally {
    sink.close();
    await rm(dir, { recursive: true, force: true });
  }
}
for (const count of FULL ? [700, 10_000] : [700]) figures.push(...(await oneCustomer(count)));
report(figures);

/** One customer's `count` new invoices with PDFs, pushed at the default MAIL_SIZE_LIMIT_MB: mails sent, the largest, memory. */
async function oneCustomer(count: number): Promise<Figure[]> {
  const sink = await startSmtpSink();
  const dir = await mkdtemp(path.join(tmpdir(), 'facteur-bench-push-one-'));
  const env = {
    FACTEUR_DATA_DIR: dir,
    FACTEUR_DEMO: 'false',
    REMINDERS_ENABLED: 'false',
    SMTP_HOST: '127.0.0.1',
    SMTP_PORT: String(sink.port),
    SMTP_TLS: 'false',
  };
  const app = await createApp(loadConfig(env), createLogger('silent'));
  try {
    const customer = newCustomer('grossiste@example.cm', 'Grossiste Douala SARL', 'fr');
    await app.store.save({ customers: [customer], invoices: invoicesOf([customer], count) });
    const before = rssMb();
    let peak = before;
    const sampler = setInterval(() => (peak = Math.max(peak, rssMb())), 50);
    const ms = await time(() => app.push.run());
    clearInterval(sampler);
    const counts = await sink.counts();
    return [
      { label: `one customer, ${count.toLocaleString('en')} new invoices with PDFs: mails`, value: String(counts.messages) },
      { label: `  largest mail (encoded; limit 20 MB of files)`, value: `${(counts.largest / 2 ** 20).toFixed(1)} MB` },
      { label: `  total time (PDFs rendered)`, value: `${(ms / 1000).toFixed(1)} s` },
      { label: `  memory (RSS) before / highest`, value: `${before.toFixed(0)} / ${peak.toFixed(0)} MB` },
    ];
  } finally {
    await app.close();
    sink.close();
    await rm(dir, { recursive: true, force: true });
  }
}

function invoicesOf(customers: Customer[], count: number): Invoice[] {
  return Array.from({ length: count }, (_, i): Invoice => ({
    number: String(500_000 + i),
    customerId: customers[i % customers.length]!.id,
    issuedAt: '2026-11-01',
    dueAt: '2026-12-01',
    currency: 'XAF',
    lines: [{ label: 'Hébergement Pro (1 mois)', quantity: 1, unitPrice: 15_000 + i }],
    taxes: [{ label: 'TVA', rate: 19.25 }],
    status: 'unpaid',
    paidAt: null,
  }));
}

async function push(sink: SmtpSink, dir: string, attachPdf: boolean): Promise<{ ms: number; exact: boolean }> {
  const env = {
    FACTEUR_DATA_DIR: dir,
    FACTEUR_DEMO: 'false',
    REMINDERS_ENABLED: 'false',
    SMTP_HOST: '127.0.0.1',
    SMTP_PORT: String(sink.port),
    SMTP_TLS: 'false',
    SMTP_MAX_CONNECTIONS: String(CONNECTIONS),
  };
  const app = await createApp(loadConfig(env), createLogger('silent'));
  try {
    const customers = Array.from({ length: COUNT }, (_, i) => {
      const customer = newCustomer(`client${i}@example.cm`, `Client ${i}`, 'fr');
      return { ...customer, notifications: { ...customer.notifications, attachPdf } };
    });
    await app.store.save({ customers, invoices: invoicesOf(customers, COUNT) });
    const ms = await time(() => app.push.run());
    const counts = await sink.counts();
    const exact = counts.messages === COUNT && customers.every((c) => counts.byRecipient[c.email]?.length === 1);
    return { ms, exact };
  } finally {
    await app.close();
  }
}

async function bareMessages(sink: SmtpSink, count: number): Promise<void> {
  const transport = nodemailer.createTransport({ pool: true, maxConnections: CONNECTIONS, host: '127.0.0.1', port: sink.port, secure: false });
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const i = next++;
      await transport.sendMail({ from: 'facturation@facteur.example', to: `client${i}@example.cm`, subject: `Facture ${i}`, text: 'Bonjour' });
    }
  };
  await Promise.all(Array.from({ length: CONNECTIONS }, worker));
  transport.close();
}

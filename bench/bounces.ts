/**
 * Delivery reports read back at a provider's scale: a month's run where one mail in ten bounces
 * (`--full`: 10,000 customers and 1,000 bounces; quick: 1,000 and 100), a flood of forged reports
 * (made-up tokens), and one report listing 20,000 recipients. Each report is read as the inbox
 * reads it (mailparser, then the report's fields) and acted on (the token checked, the delivery and
 * the address's suppression written). The baseline, in the same run, is the inbox's own reading of
 * the same messages (readMail), which every inbound mail costs anyway.
 *
 *   npx tsx bench/bounces.ts [--full]
 */
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createApp } from '../src/app.js';
import { newCustomer } from '../src/billing/customer.js';
import { readMail } from '../src/channels/email/read.js';
import { readReport } from '../src/channels/email/report.js';
import { loadConfig } from '../src/config.js';
import { createLogger } from '../src/log.js';
import type { Delivery } from '../src/billing/delivery.js';
import { heading, peakRssMb, report, sized, time } from './support/measure.js';

const CUSTOMERS = sized(1_000, 10_000);
const BOUNCES = CUSTOMERS / 10;
const FORGED = sized(200, 2_000);

heading(
  'Bounces',
  `${CUSTOMERS.toLocaleString('en')} deliveries, ${BOUNCES.toLocaleString('en')} real bounces, ${FORGED.toLocaleString('en')} forged reports, one report of 20,000 recipients`,
);
const dir = await mkdtemp(path.join(tmpdir(), 'facteur-bench-bounces-'));
const app = await createApp(
  loadConfig({
    FACTEUR_DATA_DIR: dir,
    FACTEUR_DEMO: 'false',
    MAIL_RETURN_PATH: 'bounces@hebergeur.example',
    MAIL_FROM: 'Facturation <facturation@hebergeur.example>',
  }),
  createLogger('silent'),
);
try {
  const customers = Array.from({ length: CUSTOMERS }, (_, i) => newCustomer(`client${i}@example.cm`, `Client ${i}`, 'fr'));
  const at = new Date().toISOString();
  const deliveries = customers.map((customer): Delivery => ({
    id: randomUUID(),
    customerId: customer.id,
    invoices: [],
    channel: 'email',
    recipient: customer.email,
    reason: 'push',
    status: 'sent',
    attempts: 1,
    lastError: null,
    messageId: `<${randomUUID()}@hebergeur.example>`,
    attachPdf: false,
    requestedBy: null,
    createdAt: at,
    updatedAt: at,
    nextAttemptAt: null,
    verp: true,
  }));
  await app.store.save({ customers, deliveries });
  const real = deliveries.slice(0, BOUNCES).map((d) => dsn(app.verp!.envelopeSender(d.id, d.recipient), d.recipient, d.messageId!, 1));
  const forged = Array.from({ length: FORGED }, (_, i) =>
    dsn(`bounces+${'a'.repeat(44)}${'bcdefghijk'[i % 10]}@hebergeur.example`, `client${i}@example.cm`, deliveries[i % CUSTOMERS]!.messageId!, 1),
  );
  const bomb = dsn(`bounces+${'c'.repeat(45)}@hebergeur.example`, 'x@example.cm', '<x@hebergeur.example>', 20_000);

  const baseline = await time(async () => {
    for (const raw of [...real, ...forged]) await readMail(raw);
  });
  const realMs = await time(async () => {
    for (const raw of real) await app.bounces.read((await readReport(raw))!);
  });
  const forgedMs = await time(async () => {
    for (const raw of forged) await app.bounces.read((await readReport(raw))!);
  });
  const bombMs = await time(async () => app.bounces.read((await readReport(bomb))!));
  const suppressed = (await app.store.suppressions()).length;
  const rate = (count: number, ms: number) => `${Math.round(count / (ms / 1000)).toLocaleString('en')}/s (${(ms / count).toFixed(2)} ms each)`;
  report([
    { label: 'baseline: the inbox reading the same messages (readMail)', value: rate(real.length + forged.length, baseline) },
    { label: 'real bounces read and acted on', value: rate(real.length, realMs) },
    { label: '  addresses suppressed', value: `${suppressed} of ${real.length}` },
    { label: 'forged reports read and refused', value: rate(forged.length, forgedMs) },
    { label: `one report of 20,000 recipients (${(bomb.length / 2 ** 20).toFixed(1)} MB, read to the first MiB)`, value: `${bombMs.toFixed(0)} ms` },
    { label: 'peak memory of the process', value: `${peakRssMb().toFixed(0)} MB` },
  ]);
} finally {
  await app.close();
  await rm(dir, { recursive: true, force: true });
}

/** A DSN as Postfix writes one, to `returnPath`, about `recipients` addresses (the first `first`), returning the message `messageId`. */
function dsn(returnPath: string, first: string, messageId: string, recipients: number): Buffer {
  const blocks = Array.from(
    { length: recipients },
    (_, i) =>
      `Final-Recipient: rfc822; ${i === 0 ? first : `u${i}@example.cm`}\r\nAction: failed\r\nStatus: 5.1.1\r\nDiagnostic-Code: smtp; 550 5.1.1 User unknown`,
  );
  return Buffer.from(
    [
      'From: Mail Delivery System <MAILER-DAEMON@mx.example.cm>',
      `To: ${returnPath}`,
      'Subject: Undelivered Mail Returned to Sender',
      `Message-ID: <${randomUUID()}@mx.example.cm>`,
      'Auto-Submitted: auto-replied',
      'MIME-Version: 1.0',
      'Content-Type: multipart/report; report-type=delivery-status; boundary="b"',
      '',
      '--b',
      'Content-Type: text/plain',
      '',
      'Your message could not be delivered.',
      '--b',
      'Content-Type: message/delivery-status',
      '',
      'Reporting-MTA: dns; mx.example.cm',
      '',
      blocks.join('\r\n\r\n'),
      '',
      '--b',
      'Content-Type: message/rfc822',
      '',
      `From: Facturation <facturation@hebergeur.example>\r\nTo: ${first}\r\nMessage-ID: ${messageId}\r\nSubject: Nouvelle facture\r\n\r\nBonjour`,
      '--b--',
      '',
    ].join('\r\n'),
  );
}

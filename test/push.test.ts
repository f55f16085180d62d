import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { demoApp, capturedLog } from './support/app.js';
import { startSmtpPeer, type SmtpPeer } from './peers/smtp.js';
import { importInvoices } from '../src/import/import.js';
import { resend } from '../src/notifications/resend.js';
import { schedule } from '../src/notifications/schedule.js';
import { LowdbStore } from '../src/store/lowdb/store.js';
import { demoData } from '../src/billing/demo.js';
import { pdfText } from './support/read.js';

let peer: SmtpPeer;
let app: Awaited<ReturnType<typeof demoApp>>;
let logged: ReturnType<typeof capturedLog>;

function smtpEnv(extra: Record<string, string> = {}): Record<string, string> {
  return { SMTP_HOST: peer.host, SMTP_PORT: String(peer.port), SMTP_TLS: 'false', DELIVERY_RETRY_SECONDS: '0.05', ...extra };
}

/** New invoices arrive as they do in production: imported from the billing system's export (which also changes their status). */
async function importNew(
  invoices: { number: string; customer: string; issuedAt?: string; amount?: number; status?: 'unpaid' | 'paid' | 'cancelled'; paidAt?: string }[],
): Promise<void> {
  const file = path.join(app.dataDir, `export-${invoices[0]!.number}.json`);
  const rows = invoices.map((i) => ({
    number: i.number,
    customer: i.customer,
    issuedAt: i.issuedAt ?? '2026-11-20',
    dueAt: '2026-12-20',
    currency: 'XAF',
    lines: [{ label: 'Hébergement Pro (4 mois)', quantity: 1, unitPrice: i.amount ?? 120_000 }],
    status: i.status ?? 'unpaid',
    ...(i.paidAt ? { paidAt: i.paidAt } : {}),
  }));
  await writeFile(file, JSON.stringify(rows));
  const report = await importInvoices(app.store, file);
  expect(report.rejected).toEqual([]);
}

const to = (address: string) => peer.messages.filter((m) => m.envelope.to.includes(address));
const settle = () => new Promise((resolve) => setTimeout(resolve, 150));

beforeEach(async () => {
  peer = await startSmtpPeer();
  logged = capturedLog();
  app = await demoApp(smtpEnv(), logged.log);
});

afterEach(async () => {
  await app.dispose();
  await peer.close();
});

describe('the push of new invoices', () => {
  it('sends nothing on the first start: invoices already there are not new', async () => {
    const summary = await app.push.run();
    await settle();
    expect(summary).toMatchObject({ invoices: 0, attempted: 0 });
    expect(peer.messages).toHaveLength(0);
  });

  it('sends nothing when first meeting a store that already holds invoices', async () => {
    const dir = path.join(app.dataDir, 'older');
    const older = await LowdbStore.open(path.join(dir, 'db.json'));
    await older.save(demoData());
    const met = await demoApp({ ...smtpEnv(), FACTEUR_DATA_DIR: dir });
    try {
      expect((await met.push.run())!.invoices).toBe(0);
      await settle();
      expect(peer.messages).toHaveLength(0);
    } finally {
      await met.close();
    }
  });

  it('gives a customer one mail with both new invoices attached as PDFs', async () => {
    await importNew([
      { number: '9001', customer: 'awa@example.cm', amount: 120_000 },
      { number: '9002', customer: 'awa@example.cm', issuedAt: '2026-11-21', amount: 15_000 },
    ]);
    const summary = await app.push.run();
    expect(summary).toMatchObject({ invoices: 2, sent: 1, failed: 0 });
    const [mail] = await peer.waitFor(1);
    expect(mail!.envelope.to).toEqual(['awa@example.cm']);
    expect(mail!.parsed.subject).toBe('2 nouvelles factures');
    expect(mail!.parsed.text).toContain('9001');
    // The text part's table: number, date, due date, amount.
    expect(mail!.parsed.text).toMatch(/9002 +21 nov\. 2026 +20 déc\. 2026 +15.000.FCFA/u);
    expect(mail!.parsed.headers.get('auto-submitted')).toBe('auto-generated');
    expect(mail!.files.map((a) => a.filename)).toEqual(['facture-9001.pdf', 'facture-9002.pdf']);
    expect(await pdfText(mail!.files[1]!.content)).toContain('9002');

    expect((await app.push.run())!.invoices).toBe(0);
    await settle();
    expect(peer.messages).toHaveLength(1);
    const [delivery] = await app.deliveries.list({ customerId: (await app.store.customerByAddress('awa@example.cm'))!.id });
    expect(delivery).toMatchObject({ invoices: ['9001', '9002'], channel: 'email', recipient: 'awa@example.cm', reason: 'push', status: 'sent', attempts: 1 });
    expect(delivery!.messageId).toBe(mail!.parsed.messageId);
  });

  it('sends one mail To the notification address with every invoice contact in Cc, and so does a staff resend, but not one to an address staff name', async () => {
    const awa = (await app.store.customerByAddress('awa@example.cm'))!;
    const contacts = ['compta@nkolo.cm', 'dg@nkolo.cm'].map((address) => ({ address, mayAsk: false, addedAt: '2026-11-01T00:00:00.000Z' }));
    await app.store.updateCustomer(awa.id, (customer) => ({ ...customer, contacts }));
    await importNew([{ number: '9020', customer: 'awa@example.cm' }]);
    await app.push.run();
    const [mail] = await peer.waitFor(1);
    expect(peer.messages).toHaveLength(1);
    expect(mail!.envelope.to.sort()).toEqual(['awa@example.cm', 'compta@nkolo.cm', 'dg@nkolo.cm']);
    expect(mail!.parsed.headers.get('to')).toMatchObject({ text: 'awa@example.cm' });
    expect(mail!.parsed.headers.get('cc')).toMatchObject({ text: 'compta@nkolo.cm, dg@nkolo.cm' });
    const [delivery] = await app.deliveries.list({ customerId: awa.id, reason: 'push' });
    expect(delivery).toMatchObject({ recipient: 'awa@example.cm', cc: ['compta@nkolo.cm', 'dg@nkolo.cm'], status: 'sent' });

    expect(await resend(app.store, app.deliveries, logged.log, { number: '9020', channels: ['email'], requestedBy: 'staff' })).toMatchObject({ ok: true });
    const [again] = (await peer.waitFor(2)).slice(1);
    expect(again!.envelope.to.sort()).toEqual(['awa@example.cm', 'compta@nkolo.cm', 'dg@nkolo.cm']);
    expect(again!.parsed.headers.get('cc')).toMatchObject({ text: 'compta@nkolo.cm, dg@nkolo.cm' });
    expect(
      await resend(app.store, app.deliveries, logged.log, { number: '9020', to: 'awa@example.cm', channels: ['email'], requestedBy: 'staff' }),
    ).toMatchObject({ ok: true });
    const [named] = (await peer.waitFor(3)).slice(2);
    expect(named!.envelope.to).toEqual(['awa@example.cm']);
    expect(named!.parsed.headers.get('cc')).toBeUndefined();
  });

  it('attaches nothing when the customer turned the attachments off, and says how to ask', async () => {
    await app.assistant.handle({
      customerId: (await app.store.customerByAddress('paul@example.cm'))!.id,
      text: 'notifications pièces-jointes non',
      conversation: 't',
      trust: 'owner',
    });
    await importNew([{ number: '9010', customer: 'paul@example.cm' }]);
    await app.push.run();
    const [mail] = await peer.waitFor(1);
    expect(mail!.files).toEqual([]);
    expect(mail!.parsed.subject).toMatch(/^Nouvelle facture n° 9010/);
    expect(mail!.parsed.text).toContain('« facture 9010 »');
  });

  it('skips and logs a customer without a notification address, and still serves the others', async () => {
    const paul = (await app.store.customerByAddress('paul@example.cm'))!;
    await app.store.save({ customers: [{ ...paul, notifications: { ...paul.notifications, address: null } }] });
    await importNew([
      { number: '9020', customer: 'paul@example.cm' },
      { number: '9021', customer: 'awa@example.cm' },
    ]);
    const summary = await app.push.run();
    expect(summary).toMatchObject({ invoices: 2, sent: 1, skipped: 1 });
    await peer.waitFor(1);
    await settle();
    expect(to('paul@example.cm')).toHaveLength(0);
    expect(logged.lines.find((line) => line.event === 'push.skipped')).toMatchObject({ customer: paul.id, invoices: ['9020'] });
  });

  it('announces nothing of an invoice cancelled before its announcement, and says so in the log once; reinstated, it is announced', async () => {
    await importNew([
      { number: '9060', customer: 'awa@example.cm', amount: 120_000 },
      { number: '9061', customer: 'awa@example.cm', amount: 99_000 },
    ]);
    await importNew([{ number: '9061', customer: 'awa@example.cm', amount: 99_000, status: 'cancelled' }]);
    expect(await app.push.run()).toMatchObject({ invoices: 1, sent: 1 });
    const [mail] = await peer.waitFor(1);
    expect(mail!.parsed.subject).toMatch(/^Nouvelle facture n° 9060 /);
    expect(mail!.parsed.text).not.toContain('9061');
    expect(mail!.parsed.text).not.toMatch(/99.000/u);
    expect(mail!.files.map((file) => file.filename)).toEqual(['facture-9060.pdf']);
    const [delivery] = await app.deliveries.list({ reason: 'push' });
    expect(delivery!.invoices).toEqual(['9060']);
    expect(logged.lines.filter((line) => line.event === 'push.cancelled')).toEqual([
      expect.objectContaining({ customer: delivery!.customerId, invoices: ['9061'] }),
    ]);

    // Later runs find nothing new, and do not say it again.
    expect(await app.push.run()).toMatchObject({ invoices: 0, attempted: 0 });
    expect(logged.lines.filter((line) => line.event === 'push.cancelled')).toHaveLength(1);
    expect(peer.messages).toHaveLength(1);

    // The billing system takes the cancellation back: now it is a new invoice to the customer.
    await importNew([{ number: '9061', customer: 'awa@example.cm', amount: 99_000, status: 'unpaid' }]);
    expect(await app.push.run()).toMatchObject({ invoices: 1, sent: 1 });
    const [, again] = await peer.waitFor(2);
    expect(again!.parsed.subject).toMatch(/^Nouvelle facture n° 9061 /);
  });

  it('announces an invoice paid before its announcement, as paid: the customer gets it, and is not asked to pay it', async () => {
    await importNew([
      { number: '9070', customer: 'awa@example.cm', amount: 120_000, status: 'paid', paidAt: '2026-11-21' },
      { number: '9071', customer: 'awa@example.cm', amount: 15_000 },
    ]);
    expect(await app.push.run()).toMatchObject({ invoices: 2, sent: 1 });
    const [mail] = await peer.waitFor(1);
    expect(mail!.parsed.subject).toBe('2 nouvelles factures');
    const text = mail!.parsed.text!;
    expect(text).toMatch(/9070 +20 nov\. 2026 +payée le 21 nov\. 2026 +120.000.FCFA/u);
    expect(text).toMatch(/9071 +20 nov\. 2026 +20 déc\. 2026 +15.000.FCFA/u);
    expect(mail!.parsed.html).toContain('payée le 21 nov. 2026');
    expect(mail!.files.map((file) => file.filename)).toEqual(['facture-9070.pdf', 'facture-9071.pdf']);
    expect(await pdfText(mail!.files[0]!.content)).toMatch(/Payée/i);
  });

  it('leaves out of an announcement an invoice cancelled between the run’s plan and its send, and sends nothing when none is left', async () => {
    await importNew([{ number: '9080', customer: 'awa@example.cm' }]);
    // The first attempt is refused: the invoice is cancelled before the retry.
    peer.refuseNext(1, 451);
    expect(await app.push.run()).toMatchObject({ invoices: 1, failed: 1 });
    await importNew([{ number: '9080', customer: 'awa@example.cm', status: 'cancelled' }]);
    await new Promise((resolve) => setTimeout(resolve, 80));
    expect(await app.push.run()).toMatchObject({ attempted: 1, sent: 0 });
    await settle();
    expect(peer.messages).toHaveLength(0);
    const [delivery] = await app.deliveries.list({ reason: 'push' });
    expect(delivery).toMatchObject({ status: 'cancelled', lastError: expect.stringContaining('9080') });
  });

  it('runs one push at a time: a second one started meanwhile does nothing, and no invoice is announced twice', async () => {
    await importNew([{ number: '9030', customer: 'awa@example.cm' }]);
    const [first, second] = await Promise.all([app.push.run(), app.push.run()]);
    expect([first, second].filter((summary) => summary === null)).toHaveLength(1);
    expect((first ?? second)!).toMatchObject({ invoices: 1, sent: 1 });
    await peer.waitFor(1);
    await settle();
    expect(to('awa@example.cm')).toHaveLength(1);
    expect(logged.lines.some((line) => line.event === 'push.busy')).toBe(true);
  });

  it('retries a refused send with backoff, then leaves it failed for staff', async () => {
    await importNew([{ number: '9030', customer: 'awa@example.cm' }]);
    peer.refuseNext(1, 451);
    let summary = await app.push.run();
    expect(summary).toMatchObject({ sent: 0, failed: 1 });
    let [delivery] = await app.deliveries.list({ status: 'pending' });
    expect(delivery).toMatchObject({ attempts: 1, lastError: expect.stringContaining('451') });

    await new Promise((resolve) => setTimeout(resolve, 80));
    peer.refuseNext(1, 550);
    summary = await app.push.run();
    expect(summary).toMatchObject({ attempted: 1, failed: 1 });
    [delivery] = await app.deliveries.list({ status: 'failed' });
    expect(delivery).toMatchObject({ invoices: ['9030'], attempts: 2, lastError: expect.stringContaining('550') });
    expect(peer.messages).toHaveLength(0);

    await new Promise((resolve) => setTimeout(resolve, 200));
    expect((await app.push.run())!.attempted).toBe(0);
    expect(peer.refused).toBe(2);
  });

  it('gives up after the configured number of temporary refusals', async () => {
    await app.dispose();
    app = await demoApp(smtpEnv({ DELIVERY_MAX_ATTEMPTS: '3', DELIVERY_RETRY_SECONDS: '0.01' }));
    await importNew([{ number: '9040', customer: 'awa@example.cm' }]);
    peer.refuseNext(10, 421);
    for (let run = 0; run < 5; run++) {
      await app.push.run();
      await new Promise((resolve) => setTimeout(resolve, 60));
    }
    expect(await app.deliveries.list()).toMatchObject([{ status: 'failed', attempts: 3 }]);
    expect(peer.refused).toBe(3);
  });

  it('is fired by its cron schedule, never two runs at once, and a stop lets the run under way finish', async () => {
    await importNew([{ number: '9050', customer: 'awa@example.cm' }]);
    let running = 0;
    let most = 0;
    let finished = 0;
    // Each run outlasts the one-second slots, as a month's run would outlast five minutes.
    const slowPush = async () => {
      most = Math.max(most, ++running);
      await app.push.run();
      await new Promise((resolve) => setTimeout(resolve, 1500));
      running--;
      finished++;
    };
    const task = schedule(slowPush, { cron: '* * * * * *', timezone: 'Africa/Douala' }, app.log);
    // The first run renders a PDF and lays out its first mail cold: seconds on a busy machine, so the wait is the event's, not a slot count.
    const [mail] = await peer.waitFor(1, 15_000);
    expect(mail!.parsed.subject).toMatch(/9050/);
    await new Promise((resolve) => setTimeout(resolve, 2500));
    await task.stop();
    expect(most).toBe(1);
    expect(running).toBe(0);
    expect(finished).toBeGreaterThanOrEqual(1);
    expect(peer.messages).toHaveLength(1);
  });
});

describe('a push while the machine cannot send', () => {
  it('counts no attempt while the mail server refuses Facteur’s own login, and announces once it is fixed', async () => {
    await app.dispose();
    app = await demoApp(smtpEnv({ SMTP_USER: 'facturation@facteur.example', SMTP_PASSWORD: 'wrong', DELIVERY_MAX_ATTEMPTS: '2' }), logged.log);
    await importNew([{ number: '8841', customer: 'awa@example.cm' }]);
    peer.refuseLogins = true;
    // Runs after runs while the login is refused, as the schedule would make them: none counts against the announcement.
    for (let run = 0; run < 3; run++) {
      await app.push.run();
      await settle();
    }
    const awa = (await app.store.customerByAddress('awa@example.cm'))!;
    const [waiting] = await app.store.deliveries({ customerId: awa.id, reason: 'push' });
    expect(waiting).toMatchObject({ status: 'pending', attempts: 0 });
    expect(String(waiting!.lastError)).toMatch(/535/);
    expect(logged.lines.some((line) => String(line.msg).includes('check SMTP_USER and SMTP_PASSWORD'))).toBe(true);

    peer.refuseLogins = false;
    await app.push.run();
    expect(to('awa@example.cm').map((mail) => mail.parsed.subject)).toEqual([expect.stringContaining('8841')]);
    expect((await app.store.deliveries({ customerId: awa.id, reason: 'push' }))[0]).toMatchObject({ status: 'sent', attempts: 1 });
  });
});

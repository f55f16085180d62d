/**
 * Payment reminders end to end: a Facteur on a store of invoices due around today, its push
 * runs sending reminders to the SMTP peer, read back as a customer reads them.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { newCustomer } from '../src/billing/customer.js';
import { addDays, dayIn } from '../src/billing/dates.js';
import type { Customer, Invoice } from '../src/billing/types.js';
import { startSmtpPeer, type SmtpPeer } from './peers/smtp.js';
import { capturedLog, demoApp, metDaysAgo } from './support/app.js';
import { runFacteur } from './support/cli.js';
import { pdfText } from './support/read.js';

let smtp: SmtpPeer;
let app: Awaited<ReturnType<typeof demoApp>>;
let logged: ReturnType<typeof capturedLog>;
const today = dayIn(new Date(), 'Africa/Douala');

beforeAll(async () => {
  smtp = await startSmtpPeer();
});

afterAll(async () => {
  await smtp?.close();
});

afterEach(async () => {
  await app?.dispose();
});

/** A Facteur on a store it met long before these invoices fell due (the first start is test/first-start.test.ts's). */
async function facteur(env: Record<string, string> = {}) {
  logged = capturedLog();
  const dataDir = await mkdtemp(path.join(tmpdir(), 'facteur-reminders-'));
  await metDaysAgo(dataDir, 500);
  app = await demoApp(
    {
      FACTEUR_DATA_DIR: dataDir,
      FACTEUR_DEMO: 'false',
      SMTP_HOST: smtp.host,
      SMTP_PORT: String(smtp.port),
      SMTP_TLS: 'false',
      SMTP_MAX_CONNECTIONS: '1',
      REMINDERS_ENABLED: 'true',
      REMINDERS_AT: '00:00',
      REMINDER_DAYS: '-3,1,7,15',
      ...env,
    },
    logged.log,
  );
  return app;
}

let serial = 0;
function customer(name: string, changes: Partial<Customer['notifications']> = {}): Customer {
  const c = newCustomer(`${name}.${++serial}@rappel.example.cm`, name, 'fr');
  return { ...c, notifications: { ...c.notifications, attachPdf: false, ...changes } };
}

function invoice(owner: Customer, number: string, dueInDays: number, changes: Partial<Invoice> = {}): Invoice {
  const dueAt = addDays(today, dueInDays);
  return {
    number,
    customerId: owner.id,
    issuedAt: addDays(dueAt, -30),
    dueAt,
    currency: 'XAF',
    lines: [{ label: 'Hébergement Pro (1 mois)', quantity: 1, unitPrice: 15_000 }],
    taxes: [],
    status: 'unpaid',
    paidAt: null,
    ...changes,
  };
}

const mailsTo = (c: Customer) => smtp.messages.filter((m) => m.envelope.to.includes(c.email));

describe('payment reminders', () => {
  it('send each customer one mail for every invoice owed a reminder, overdue first, with days overdue and the total', async () => {
    const { store, push } = await facteur();
    const awa = customer('Awa');
    const paul = customer('Paul');
    await store.save({
      customers: [awa, paul],
      invoices: [
        invoice(awa, 'R-100', 3),
        invoice(awa, 'R-101', -8),
        invoice(awa, 'R-102', -1),
        invoice(awa, 'R-103', -8, { status: 'paid', paidAt: today }),
        invoice(awa, 'R-104', 10),
        invoice(paul, 'R-200', -1),
      ],
      // Already there: not announced again, only reminded.
      announced: ['R-100', 'R-101', 'R-102', 'R-103', 'R-104', 'R-200'],
      announcingSince: new Date().toISOString(),
    });
    await push.run();
    const [mail, ...more] = mailsTo(awa);
    expect(more).toEqual([]);
    expect(mail!.parsed.subject).toMatch(/^Rappel : 3 factures à régler \(45\s000\sFCFA\)$/u);
    const text = mail!.parsed.text!;
    // The longest overdue first, then one day late, then the one due in three days.
    expect(text.indexOf('R-101')).toBeLessThan(text.indexOf('R-102'));
    expect(text.indexOf('R-102')).toBeLessThan(text.indexOf('R-100'));
    expect(text).toMatch(/R-101 .*en retard de 8 jours/);
    expect(text).toMatch(/R-102 .*en retard d'un jour/);
    expect(text).toMatch(/R-100 .*à venir/);
    expect(text).not.toMatch(/R-103|R-104/);
    expect(text).toMatch(/Total à régler : 45\s000\sFCFA/u);
    expect(mailsTo(paul)).toHaveLength(1);
    // The delivery log says which offset each invoice was reminded of.
    const [reminder] = await store.deliveries({ customerId: awa.id, reason: 'reminder' });
    expect(reminder).toMatchObject({ status: 'sent', reminded: { 'R-100': -3, 'R-101': 7, 'R-102': 1 } });

    // A second run the same day finds nothing more to remind.
    await push.run();
    expect(mailsTo(awa)).toHaveLength(1);
  });

  it('go as one mail To the notification address with the invoice contacts in Cc', async () => {
    const { store, push } = await facteur();
    const awa = { ...customer('Awa'), contacts: [{ address: 'compta@rappel.example.cm', mayAsk: false, addedAt: new Date().toISOString() }] };
    await store.save({ customers: [awa], invoices: [invoice(awa, 'R-300', -1)], announced: ['R-300'], announcingSince: new Date().toISOString() });
    await push.run();
    const mails = smtp.messages.filter((m) => m.envelope.to.includes('compta@rappel.example.cm'));
    expect(mails).toHaveLength(1);
    expect(mails[0]!.envelope.to.sort()).toEqual([awa.email, 'compta@rappel.example.cm'].sort());
    expect(mails[0]!.parsed.headers.get('to')).toMatchObject({ text: awa.email });
    expect(mails[0]!.parsed.headers.get('cc')).toMatchObject({ text: 'compta@rappel.example.cm' });
    expect(mails[0]!.parsed.subject).toMatch(/^Rappel/);
  });

  it('do not flood after a long stop: an invoice overdue for over a year is reminded once, of its latest offset, and the skipped ones are logged', async () => {
    const { store, push } = await facteur();
    const grace = customer('Grace');
    await store.save({ customers: [grace], invoices: [invoice(grace, 'R-300', -400)], announced: ['R-300'], announcingSince: new Date().toISOString() });
    await push.run();
    await push.run();
    expect(mailsTo(grace)).toHaveLength(1);
    expect((await store.deliveries({ customerId: grace.id }))[0]!.reminded).toEqual({ 'R-300': 15 });
    expect(logged.lines.find((line) => line.event === 'reminders.skipped')).toMatchObject({ offsets: 3 });
  });

  it('leave out an invoice paid between the plan and the send, and cancel a reminder left with nothing to say', async () => {
    const { store, push } = await facteur();
    const first = customer('Premier');
    const second = customer('Second');
    await store.save({
      customers: [first, second],
      invoices: [invoice(first, 'R-400', -1), invoice(second, 'R-500', -1), invoice(second, 'R-501', -7)],
      announced: ['R-400', 'R-500', 'R-501'],
      announcingSince: new Date().toISOString(),
    });
    const held = smtp.holdNext();
    const running = push.run();
    await held.arrived;
    // While the first reminder is with the mail server, the billing system reports every invoice paid.
    for (const number of ['R-400', 'R-500', 'R-501'])
      await store.updateInvoice(number, (i) => ({ invoice: { ...i, status: 'paid', paidAt: today }, result: null }));
    held.release();
    await running;
    const records = await store.deliveries({ reason: 'reminder' });
    // The one already with the mail server went; the other, composed after the payments, did not.
    expect(records.map((d) => d.status).sort()).toEqual(['cancelled', 'sent']);
    const cancelled = records.find((d) => d.status === 'cancelled')!;
    expect(cancelled.lastError).toMatch(/paid or cancelled meanwhile/);
    expect(smtp.messages.filter((m) => m.envelope.to.includes(cancelled.recipient))).toEqual([]);
    expect(smtp.messages.filter((m) => m.envelope.to.includes(records.find((d) => d.status === 'sent')!.recipient))).toHaveLength(1);
  });

  it('wait for an invoice its customer says is paid, and staff are told; another customer\u2019s invoice cannot be claimed', async () => {
    const { store, push, assistant } = await facteur({ FACTEUR_STAFF_EMAILS: 'compta@hebergeur.example' });
    const payer = customer('Payeur');
    const other = customer('Autre');
    await store.save({
      customers: [payer, other],
      invoices: [invoice(payer, '8700', -7), invoice(payer, '8701', -7), invoice(other, '8800', -7)],
      announced: ['8700', '8701', '8800'],
      announcingSince: new Date().toISOString(),
    });
    const said = await assistant.handle({
      customerId: payer.id,
      text: "Bonjour, j'ai déjà payé la facture 8700 par Orange Money",
      conversation: 'test',
      trust: 'owner',
    });
    expect(said.text[0]).toContain('les rappels pour cette facture sont suspendus');
    const notice = await smtp.waitForMessage((m) => m.envelope.to.includes('compta@hebergeur.example'));
    expect(notice.parsed.subject).toBe(`Paiement annoncé : facture n° 8700 (${payer.email})`);
    // A mail that could be forged tells staff, but pauses nothing.
    const byMail = await assistant.handle({ customerId: payer.id, text: "j'ai payé la facture 8701", conversation: 'mail', trust: 'address' });
    expect(byMail.text[0]).toContain('vous pourriez recevoir un rappel');
    await smtp.waitForMessage((m) => m.envelope.to.includes('compta@hebergeur.example') && m.parsed.subject!.includes('8701'));
    const refused = await assistant.handle({ customerId: payer.id, text: "j'ai payé la facture 8800", conversation: 'test', trust: 'owner' });
    expect(refused.outcome).toBe('refused');
    expect((await store.customerById(payer.id))!.paymentClaims!.map((c) => c.number)).toEqual(['8700']);
    await push.run();
    const [reminder, ...more] = mailsTo(payer);
    expect(more).toEqual([]);
    expect(reminder!.parsed.text).toMatch(/8701/);
    expect(reminder!.parsed.text).not.toMatch(/8700/);
    expect(mailsTo(other)).toHaveLength(1);
  });

  it('carry the account statement when the operator asks for it, listing everything owed', async () => {
    const { store, push } = await facteur({ REMINDERS_STATEMENT: 'true' });
    const client = customer('Client');
    await store.save({
      customers: [client],
      invoices: [invoice(client, '8900', -7), invoice(client, '8901', 20)],
      announced: ['8900', '8901'],
      announcingSince: new Date().toISOString(),
    });
    await push.run();
    const [mail] = mailsTo(client);
    expect(mail!.parsed.text).toContain('Votre relevé de compte');
    const statement = mail!.files.find((a) => a.filename === `releve-${today}.pdf`)!;
    const text = await pdfText(statement.content);
    // The reminder names the overdue invoice; the statement lists all that is owed.
    expect(mail!.parsed.text).not.toContain('8901');
    expect(text).toContain('8900');
    expect(text).toContain('8901');
  });

  it('are listed for staff (/staff reminders) and sent when staff say so, recorded as a staff action', async () => {
    const { store, staff } = await facteur();
    const late = customer('Tardif');
    await store.save({ customers: [late], invoices: [invoice(late, '8950', -15)], announced: ['8950'], announcingSince: new Date().toISOString() });
    const listed = await staff.reminders('discord:1500000000000000005', 'fr', false);
    expect(listed.text[0]).toMatch(/^Rappels dus maintenant : 1 facture de 1 client\./);
    expect(listed.table!.rows).toEqual([[late.email, '8950 (+15)', `email ${late.email}`]]);
    expect(mailsTo(late)).toEqual([]);
    const sent = await staff.reminders('discord:1500000000000000005', 'fr', true);
    expect(sent.text[0]).toContain('Rappels envoyés : 1 facture de ');
    expect(mailsTo(late)).toHaveLength(1);
    expect((await store.staffActions()).map((a) => a.action)).toEqual(['reminders-plan', 'reminders']);
  });

  it('are not sent to a customer who turned them off, unless the operator forbids it', async () => {
    const quiet = customer('Quiet', { reminders: false });
    let { store, push } = await facteur();
    await store.save({ customers: [quiet], invoices: [invoice(quiet, 'R-600', -1)], announced: ['R-600'], announcingSince: new Date().toISOString() });
    await push.run();
    expect(mailsTo(quiet)).toEqual([]);
    await app.dispose();
    ({ store, push } = await facteur({ REMINDERS_OPT_OUT: 'false' }));
    await store.save({ customers: [quiet], invoices: [invoice(quiet, 'R-600', -1)], announced: ['R-600'], announcingSince: new Date().toISOString() });
    await push.run();
    expect(mailsTo(quiet)).toHaveLength(1);
  });
});

describe('facteur reminders', () => {
  it('lists what is due with --dry-run and sends nothing, then sends it, then finds nothing left', { timeout: 60_000 }, async () => {
    const dataDir = await mkdtemp(path.join(tmpdir(), 'facteur-reminders-cli-'));
    const env = { FACTEUR_DATA_DIR: dataDir, REMINDERS_ENABLED: 'true', SMTP_HOST: smtp.host, SMTP_PORT: String(smtp.port), SMTP_TLS: 'false' };
    // A data folder Facteur met long ago: the demo's invoices fell due since. Its first push finds them not new, reminders off for now.
    await metDaysAgo(dataDir, 500);
    expect((await runFacteur(['push'], { ...env, REMINDERS_ENABLED: 'false' })).code).toBe(0);
    const before = smtp.messages.length;
    const dry = await runFacteur(['reminders', '--dry-run'], env);
    expect(dry.code).toBe(0);
    const planned = Number(/^(\d+) invoices? of (\d+) customers? would be reminded/m.exec(dry.stdout)?.[2]);
    expect(planned).toBeGreaterThan(0);
    expect(dry.stdout).toMatch(/^invoices \(days from due date\) +to$/m);
    expect(dry.stdout).toMatch(/email awa@example\.cm/);
    expect(smtp.messages.length).toBe(before);
    const sent = await runFacteur(['reminders'], env);
    expect(sent.code).toBe(0);
    expect(smtp.messages.slice(before).filter((m) => m.parsed.subject?.startsWith('Rappel') || m.parsed.subject?.startsWith('Reminder'))).toHaveLength(planned);
    expect((await runFacteur(['reminders', '--dry-run'], env)).stdout).toMatch(/^0 invoices of 0 customers would be reminded/m);
    await rm(dataDir, { recursive: true, force: true });
  });
});

import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { addDays, dayIn } from '../src/billing/dates.js';
import { LowdbStore } from '../src/store/lowdb/store.js';
import { startSmtpPeer, type SmtpPeer } from './peers/smtp.js';
import { metDaysAgo } from './support/app.js';
import { BIN, runFacteur, type Run } from './support/cli.js';

let peer: SmtpPeer;
let dataDir: string;

beforeEach(async () => {
  peer = await startSmtpPeer();
  dataDir = await mkdtemp(path.join(tmpdir(), 'facteur-crash-'));
});

afterEach(async () => {
  await peer.close();
  await rm(dataDir, { recursive: true, force: true });
});

function env(): Record<string, string> {
  return { FACTEUR_DATA_DIR: dataDir, SMTP_HOST: peer.host, SMTP_PORT: String(peer.port), SMTP_TLS: 'false' };
}

function facteur(...args: string[]): Promise<Run> {
  return runFacteur(args, env());
}

/** Customers' new invoices, from the billing system's export. */
async function importCustomers(count: number): Promise<string[]> {
  const customers = Array.from({ length: count }, (_, i) => `client${i}@example.cm`);
  const rows = customers.map((customer, i) => ({
    number: String(7000 + i),
    customer,
    issuedAt: '2026-11-20',
    dueAt: '2026-12-20',
    currency: 'XAF',
    lines: [{ label: 'Hébergement Essentiel', quantity: 1, unitPrice: 30_000 + i }],
    status: 'unpaid',
  }));
  const file = path.join(dataDir, 'export.json');
  await writeFile(file, JSON.stringify(rows));
  // A first import into a new store is announced: no other run needs to come first.
  const run = await facteur('import', file);
  expect(run.stdout).toMatch(new RegExp(`${count} created`));
  return customers;
}

/**
 * Each `facteur` run here is a process of its own (about three seconds to start on a busy
 * machine): the waits below are for events, and the budget is set for the runs they make.
 */
const PROCESSES = { timeout: 60_000 };

describe('a push killed in the middle', PROCESSES, () => {
  it('sends every customer their announcement once after a restart', async () => {
    const customers = await importCustomers(40);
    const first = spawn(process.execPath, [BIN, 'push'], { env: { ...process.env, ...env() }, stdio: 'ignore' });
    await peer.waitFor(12, 20_000);
    first.kill('SIGKILL');
    await new Promise((resolve) => first.once('exit', resolve));
    const beforeRestart = peer.messages.length;
    expect(beforeRestart).toBeLessThan(40);

    const second = await facteur('push');
    expect(second.code).toBe(0);
    await peer.waitFor(40, 10_000);

    for (const customer of customers) {
      const received = peer.messages.filter((m) => m.envelope.to.includes(customer));
      // A message the server accepted just before the kill is sent again after it, with the
      // same Message-ID, which mail clients show once: one distinct message per customer.
      expect(new Set(received.map((m) => m.parsed.messageId)).size, customer).toBe(1);
      expect(received[0]!.parsed.subject).toMatch(/^Nouvelle facture n° 7\d{3}/);
    }
    const store = await LowdbStore.open(path.join(dataDir, 'db.json'), { readOnly: true });
    expect(await store.deliveries({ status: 'failed' })).toEqual([]);
  });
});

describe('a reminder run killed in the middle', PROCESSES, () => {
  it('reminds every customer once after a restart, none twice, none missed', async () => {
    // Facteur met the folder weeks ago: invoices that fall due now are its to remind.
    await metDaysAgo(dataDir, 30);
    const customers = await importCustomers(40);
    expect((await facteur('push')).code).toBe(0);
    await peer.waitFor(40, 10_000);
    // The invoices fall due: seven days later they are owed the reminder of offset 7.
    const store = await LowdbStore.open(path.join(dataDir, 'db.json'));
    const overdue = addDays(dayIn(new Date(), 'Africa/Douala'), -7);
    for (const invoice of await store.unpaidDueBy('2099-12-31'))
      await store.updateInvoice(invoice.number, (i) => ({ invoice: { ...i, issuedAt: addDays(overdue, -30), dueAt: overdue }, result: null }));
    await store.close();
    const reminding = { ...env(), REMINDERS_ENABLED: 'true', REMINDERS_AT: '00:00' };
    const reminders = () => peer.messages.filter((m) => m.parsed.subject?.startsWith('Rappel'));
    const first = spawn(process.execPath, [BIN, 'push'], { env: { ...process.env, ...reminding }, stdio: 'ignore' });
    await peer.waitForMessage(() => reminders().length >= 12, 20_000);
    first.kill('SIGKILL');
    await new Promise((resolve) => first.once('exit', resolve));
    expect(reminders().length).toBeLessThan(40);

    expect((await runFacteur(['push'], reminding)).code).toBe(0);
    for (const customer of customers) {
      const received = reminders().filter((m) => m.envelope.to.includes(customer));
      expect(new Set(received.map((m) => m.parsed.messageId)).size, customer).toBe(1);
      expect(received[0]!.parsed.text).toMatch(/en retard de 7 jours/);
    }
    // A third run reminds no one again.
    const sent = reminders().length;
    expect((await runFacteur(['push'], reminding)).code).toBe(0);
    expect(reminders()).toHaveLength(sent);
  });
});

describe('failed deliveries', PROCESSES, () => {
  it('are listed for staff and sent by facteur retry', async () => {
    await facteur('ask', '--as', 'awa@example.cm', 'aide');
    peer.refuseNext(1, 550);
    const refused = await facteur('resend', '1214');
    expect(refused.code).toBe(1);
    const failed = await facteur('deliveries', '--failed');
    expect(failed.stdout).toMatch(/1214 +email +awa@example\.cm +resend .* failed +1 +550/);
    const id = /^(\w{8}) /m.exec(failed.stdout.split('\n').slice(2).join('\n'))![1]!;

    const ambiguous = await facteur('retry', id.slice(0, 4));
    expect(ambiguous.code).toBe(1);
    expect(ambiguous.stderr).toContain('not failed or unknown');
    const retried = await facteur('retry', id);
    expect(retried.code).toBe(0);
    const [mail] = await peer.waitFor(1);
    expect(mail!.parsed.subject).toBe('Votre facture n° 1214');
    const store = await LowdbStore.open(path.join(dataDir, 'db.json'), { readOnly: true });
    expect(await store.deliveries({ status: 'failed' })).toEqual([]);
  });
});

describe('staff resends', PROCESSES, () => {
  it('refuses an address that is not on record unless forced, and logs every resend', async () => {
    await facteur('ask', '--as', 'awa@example.cm', 'aide');
    const refused = await facteur('resend', '1210', '--to', 'stranger@example.org');
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('stranger@example.org is not on the record of awa@example.cm');

    const sent = await facteur('resend', '1210');
    expect(sent.code).toBe(0);
    const [mail] = await peer.waitFor(1);
    expect(mail!.envelope.to).toEqual(['awa@example.cm']);
    expect(mail!.parsed.subject).toBe('Votre facture n° 1210');
    expect(mail!.files.map((a) => a.filename)).toEqual(['facture-1210.pdf']);

    const forced = await facteur('resend', '1210', '--to', 'stranger@example.org', '--force');
    expect(forced.code).toBe(0);
    await peer.waitFor(2);
    expect(peer.messages[1]!.envelope.to).toEqual(['stranger@example.org']);

    const log = await facteur('deliveries', '--customer', 'awa@example.cm');
    expect(log.stdout).toMatch(/1210 +email +awa@example\.cm +resend \(cli:[^)]+\) +sent +1/);
    expect(log.stdout).toContain('stranger@example.org');
    expect(refused.stdout).toBe('');
  });

  it('sends by every channel asked, and says when one has nowhere to go', async () => {
    await facteur('ask', '--as', 'awa@example.cm', 'aide');
    const both = await facteur('resend', '1210', '--channel', 'both');
    expect(both.code).toBe(0);
    expect((await peer.waitFor(1))[0]!.envelope.to).toEqual(['awa@example.cm']);
    const discordOnly = await facteur('resend', '1210', '--channel', 'discord');
    expect(discordOnly.code).toBe(1);
    expect(discordOnly.stderr).toContain('no linked Discord account');
  });
});

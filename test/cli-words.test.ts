/**
 * What the `facteur` command says to the operator: counts in the catalogs' plurals (`1 new
 * invoice`, `2 messages sent`, not `invoice(s)`), and nothing but its output when the reader of
 * a pipe goes away, as `git log | head` ends.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { addDays, dayIn } from '../src/billing/dates.js';
import { metDaysAgo } from './support/app.js';
import { BIN, runFacteur } from './support/cli.js';

let dataDir: string;

beforeEach(async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), 'facteur-words-'));
});

afterEach(() => rm(dataDir, { recursive: true, force: true }));

/** One unpaid invoice of a new customer, due in `days` days, as the billing system exports it. */
async function invoiceFile(number: string, days: number): Promise<string> {
  const today = dayIn(new Date(), 'Africa/Douala');
  const file = path.join(dataDir, `${number}.json`);
  const dueAt = addDays(today, days);
  await writeFile(
    file,
    JSON.stringify([
      {
        number,
        customer: 'kotto@example.cm',
        customerName: 'Kotto SARL',
        issuedAt: addDays(dueAt, -30),
        dueAt,
        currency: 'XAF',
        lines: [{ label: 'Hébergement', quantity: 1, unitPrice: 15000 }],
        status: 'unpaid',
      },
    ]),
  );
  return file;
}

describe("the operator's counts", () => {
  it('facteur push and facteur import count in words that agree with the number', async () => {
    const env = { FACTEUR_DATA_DIR: dataDir };
    expect((await runFacteur(['push'], env)).stdout).toBe('0 new invoices; 0 messages sent, 0 not sent, 0 customers skipped (no address).\n');
    expect((await runFacteur(['import', await invoiceFile('7001', 30)], env)).stdout).toBe('1 created, 0 updated, 0 unchanged, 0 rejected\n');
    const pushed = await runFacteur(['push'], env);
    expect(pushed).toMatchObject({ code: 0, stdout: '1 new invoice; 1 message sent, 0 not sent, 0 customers skipped (no address).\n' });
  });

  it('facteur reminders --dry-run and facteur reminders, for one invoice of one customer', async () => {
    const env = { FACTEUR_DATA_DIR: dataDir, FACTEUR_DEMO: 'false', REMINDERS_ENABLED: 'true', REMINDERS_AT: '00:00', REMINDER_DAYS: '-3' };
    await metDaysAgo(dataDir, 30);
    await runFacteur(['import', await invoiceFile('7002', 3)], env);
    const dry = await runFacteur(['reminders', '--dry-run'], env);
    expect(dry.stdout.split('\n').at(-2)).toBe(
      '1 invoice of 1 customer would be reminded; 0 missed offsets not sent late, 0 customers turned reminders off, 0 have no address. Nothing was sent.',
    );
    const sent = await runFacteur(['reminders'], env);
    expect(sent).toMatchObject({ code: 0, stdout: '2 messages sent, 0 not sent (new invoices announced on the way: 1).\n' });
  });
});

describe('a reader that goes away', () => {
  it('ends facteur ask quietly, with exit 0 and no stack trace, when the pipe it prints to is closed', async () => {
    const child = spawn(process.execPath, [BIN, 'ask', '--as', 'awa@example.cm', '--out', path.join(dataDir, 'out'), 'facture 1210'], {
      env: { ...process.env, FACTEUR_DATA_DIR: dataDir, LOG_LEVEL: 'warn' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    // The reading end closed before Facteur prints anything, as `| head -0` or a reader that died would.
    child.stdout.destroy();
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
  });
});

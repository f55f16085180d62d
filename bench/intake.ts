/**
 * The intake API's throughput: `facteur start` in a process of its own, on the data folder
 * and on PostgreSQL (a private server, fsync on), new invoices POSTed to `/api/v1/invoices` one a request and a
 * thousand a request, with a few requests in flight as a billing system's workers would send
 * them. The baseline, in the same run and the same way, is `GET /healthz`: what a request costs
 * the server with no work in it.
 *
 *   npx tsx bench/intake.ts [--full]
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startPostgres } from '../test/peers/postgres.js';
import { heading, report, sized, time, type Figure } from './support/measure.js';
import { listening } from './support/service.js';

const KEY = 'bench-intake-key-0123456789abcdef';
const SINGLES = sized(1_000, 5_000);
const BATCHES = sized(5, 20);
const BATCH = 1_000;
/** Requests in flight at once. */
const IN_FLIGHT = 4;

heading('Intake API', `${SINGLES.toLocaleString('en')} requests of one invoice, ${BATCHES} of ${BATCH.toLocaleString('en')}, ${IN_FLIGHT} in flight`);
const postgres = await startPostgres({ fsync: true });
try {
  for (const [store, databaseUrl] of [
    ['the data folder (lowdb)', null],
    ['PostgreSQL', await postgres.createDatabase()],
  ] as const) {
    console.log(`\n  ${store}`);
    report(await measure(databaseUrl));
  }
} finally {
  await postgres.destroy();
}

async function measure(databaseUrl: string | null): Promise<Figure[]> {
  const dir = await mkdtemp(path.join(tmpdir(), 'facteur-bench-intake-'));
  const service = spawn(process.execPath, [path.resolve(import.meta.dirname, '..', 'bin', 'facteur.js'), 'start'], {
    env: {
      ...process.env,
      FACTEUR_DATA_DIR: dir,
      FACTEUR_DEMO: 'false',
      HTTP_PORT: '0',
      FACTEUR_API_KEYS: KEY,
      HTTP_BODY_LIMIT_MB: '10',
      LOG_LEVEL: 'info',
      PUSH_CRON: '0 0 1 1 *',
      ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}),
    },
    stdio: ['pipe', 'ignore', 'pipe'],
  });
  try {
    const url = await listening(service);
    let next = 0;
    const invoice = () => {
      const i = next++;
      return {
        number: `B${100_000 + i}`,
        customer: `client${i % 5_000}@example.cm`,
        issuedAt: '2026-11-01',
        dueAt: '2026-12-01',
        currency: 'XAF',
        lines: [{ label: 'Hébergement Pro (1 mois)', quantity: 1, unitPrice: 15_000 }],
        taxes: [{ label: 'TVA', rate: 19.25 }],
        status: 'unpaid',
      };
    };
    const post = async (body: unknown) => {
      const response = await fetch(`${url}/api/v1/invoices`, {
        method: 'POST',
        headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      const answer = (await response.json()) as { created?: number };
      if (response.status !== 200 || !answer.created)
        throw new Error(`the intake refused a request (${response.status}): ${JSON.stringify(answer).slice(0, 300)}`);
    };
    const health = async () => {
      await (await fetch(`${url}/healthz`)).text();
    };
    const baseline = await time(() => inFlight(SINGLES, health));
    const singles = await time(() => inFlight(SINGLES, () => post(invoice())));
    const batches = await time(() => inFlight(BATCHES, () => post(Array.from({ length: BATCH }, invoice))));
    const perSecond = (count: number, ms: number) => `${Math.round(count / (ms / 1000)).toLocaleString('en')}/s`;
    return [
      { label: 'baseline: GET /healthz', value: perSecond(SINGLES, baseline) },
      { label: 'POST, one invoice a request (invoices/s)', value: perSecond(SINGLES, singles) },
      { label: '  time per request, amortised', value: `${(singles / SINGLES).toFixed(2)} ms` },
      { label: `POST, ${BATCH.toLocaleString('en')} a request (invoices/s)`, value: perSecond(BATCHES * BATCH, batches) },
      { label: '  time per request, amortised', value: `${(batches / BATCHES).toFixed(0)} ms` },
    ];
  } finally {
    service.kill('SIGTERM');
    await new Promise((resolve) => service.once('exit', resolve));
    await rm(dir, { recursive: true, force: true });
  }
}

/** Runs `request` `count` times, `IN_FLIGHT` at once. */
async function inFlight(count: number, request: () => Promise<void>): Promise<void> {
  let started = 0;
  await Promise.all(
    Array.from({ length: IN_FLIGHT }, async () => {
      while (started++ < count) await request();
    }),
  );
}

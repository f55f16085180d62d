import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { simpleParser, type ParsedMail } from 'mailparser';
import pino from 'pino';
import type { Request } from '../../src/assistant/request.js';
import type { Reply } from '../../src/assistant/reply.js';
import { createApp, type App } from '../../src/app.js';
import { dataPaths } from '../../src/data-folder.js';
import { loadConfig } from '../../src/config.js';
import { createLogger, type Logger } from '../../src/log.js';
import { LowdbStore } from '../../src/store/lowdb/store.js';
import { DAY_MS } from '../../src/time.js';

/** A Facteur on demo data in a fresh data folder, as `npm start` builds it, with logs off. */
export async function demoApp(
  env: Record<string, string> = {},
  log: Logger = createLogger('silent'),
): Promise<App & { dataDir: string; dispose(): Promise<void> }> {
  const dataDir = env.FACTEUR_DATA_DIR ?? (await mkdtemp(path.join(tmpdir(), 'facteur-app-')));
  const config = loadConfig({
    FACTEUR_DATA_DIR: dataDir,
    LOG_LEVEL: 'silent',
    FACTEUR_DEMO: 'true',
    FACTEUR_DEMO_UNTIL: process.env.FACTEUR_DEMO_UNTIL,
    REMINDERS_ENABLED: process.env.REMINDERS_ENABLED,
    ...env,
  });
  const app = await createApp(config, log);
  return {
    ...app,
    dataDir,
    async dispose() {
      await app.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * Makes `dataDir` a data folder Facteur first met `days` days ago, as a provider's is long after
 * installing it: reminders are then owed for what fell due since (never for what fell due before).
 */
export async function metDaysAgo(dataDir: string, days: number): Promise<void> {
  const store = await LowdbStore.open(dataPaths(dataDir).db);
  await store.save({ announcingSince: new Date(Date.now() - days * DAY_MS).toISOString() });
  await store.close();
}

/** The mails the local outbox holds, oldest first, parsed as a mail client would. */
export async function outbox(dataDir: string): Promise<ParsedMail[]> {
  const dir = dataPaths(dataDir).outbox;
  const names = (await readdir(dir).catch(() => [])).filter((name) => name.endsWith('.eml')).sort();
  return Promise.all(names.map(async (name) => simpleParser(await readFile(path.join(dir, name)))));
}

/** The mails `action` leaves in the local outbox of `dataDir` for `address`. */
export async function mailedTo(dataDir: string, address: string, action: () => Promise<unknown>): Promise<ParsedMail[]> {
  const to = async () => (await outbox(dataDir)).filter((mail) => JSON.stringify(mail.to).includes(address));
  const before = new Set((await to()).map((mail) => mail.messageId));
  await action();
  return (await to()).filter((mail) => !before.has(mail.messageId));
}

/** A logger whose JSON lines are kept, for tests that check what was logged. */
export function capturedLog(): { log: Logger; lines: Record<string, unknown>[] } {
  const lines: Record<string, unknown>[] = [];
  const log = pino({ level: 'debug' }, { write: (line: string) => void lines.push(JSON.parse(line) as Record<string, unknown>) });
  return { log, lines };
}

/**
 * A customer's requests to the assistant of `app()`, by login email: as the owner (a linked
 * chat), or by mail from an address on record (`byMail`: it proves nothing by itself), a direct
 * reply to `replying` when given (its In-Reply-To).
 */
export function asking(app: () => App) {
  const customer = async (email: string) => (await app().store.customerByAddress(email))!;
  const ask = async (email: string, text: string, extra: Partial<Request> = {}): Promise<Reply> =>
    app().assistant.handle({ customerId: (await customer(email)).id, text, conversation: `test:${email}`, trust: 'owner', ...extra });
  const byMail = (email: string, text: string, options: { sender?: string; replying?: ParsedMail } = {}): Promise<Reply> =>
    ask(email, text, { trust: 'address', sender: options.sender ?? email, ...(options.replying ? { inReplyTo: options.replying.messageId! } : {}) });
  return { customer, ask, byMail };
}

import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { simpleParser, type ParsedMail } from 'mailparser';
import { createApp, dataPaths, type App } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { createLogger } from '../../src/log.js';

/** A Facteur on demo data in a fresh data folder, as `npm start` builds it, with logs off. */
export async function demoApp(env: Record<string, string> = {}): Promise<App & { dataDir: string; dispose(): Promise<void> }> {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'facteur-app-'));
  const config = loadConfig({ FACTEUR_DATA_DIR: dataDir, LOG_LEVEL: 'silent', ...env });
  const app = await createApp(config, createLogger('silent'));
  return {
    ...app,
    dataDir,
    async dispose() {
      await app.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** The mails the local outbox holds, oldest first, parsed as a mail client would. */
export async function outbox(dataDir: string): Promise<ParsedMail[]> {
  const dir = dataPaths(dataDir).outbox;
  const names = (await readdir(dir).catch(() => [])).filter((name) => name.endsWith('.eml')).sort();
  return Promise.all(names.map(async (name) => simpleParser(await readFile(path.join(dir, name)))));
}

import { createApp, type App } from '../app.js';
import { runConsole } from '../channels/console/console.js';
import type { DiscordChannel } from '../channels/discord/channel.js';
import { mailChannel } from '../channels/email/channel.js';
import type { MailWatcher } from '../channels/email/watcher.js';
import type { Config } from '../config.js';
import { dataPaths, prepareDataFolder } from '../data-folder.js';
import { createLogger } from '../log.js';
import { remembered, type Probe } from '../http/health.js';
import { startHttp, type RunningHttp } from '../http/server.js';
import { dkimRecord } from '../outbound/dkim.js';
import { schedule } from '../notifications/schedule.js';
import type { ExitCode } from './terminal.js';

/** How long an SMTP check stands for `/readyz`: each opens a connection to the server. */
const SMTP_CHECK_MS = 30_000;
const STORE_CHECK_MS = 1_000;

/** Records past their retention are forgotten at start-up, then every night. */
const HOUSEKEEPING_CRON = '17 3 * * *';

/**
 * Runs every configured channel until asked to stop: the billing inbox always (the IMAP
 * mailbox, or the local inbox folder), the push of new invoices on its schedule, the HTTP
 * server, and the console chat when a person is at the terminal or when neither a mailbox nor
 * Discord is configured (the demo, where piped input drives it too); Discord when DISCORD_TOKEN is set.
 * The console's `:quit` or end of input stops everything; so do SIGINT and SIGTERM, after
 * the message under way is finished.
 */
export async function start(config: Config): Promise<ExitCode> {
  // First, as the log may go there: a folder that cannot be written is said as such.
  await prepareDataFolder(config.dataDir);
  // A person at the terminal chats there: the log goes to a file rather than between their lines.
  const logFile = process.stdin.isTTY && process.stdout.isTTY ? dataPaths(config.dataDir).log : undefined;
  const app = await createApp(config, createLogger(config.logLevel, logFile));
  tellSigning(app);
  const links = app.links;
  const mail = mailChannel({ ...app, downloadLinks: links });
  // The Discord channel, and discord.js with it, is loaded only where Discord is configured.
  const discord = app.discord ? (await import('../channels/discord/index.js')).discordChannel({ ...app, downloadLinks: links }) : null;
  let push: ReturnType<typeof schedule> | undefined;
  let housekeeping: ReturnType<typeof schedule> | undefined;
  const signalled = new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  let http: RunningHttp | null = null;
  try {
    // The mail layout, then HTTP, then Discord: a broken template, a port in use or a refused token stops start-up before anything else has begun.
    await app.layout.check();
    if (config.http) {
      const downloads = links && config.links ? { links, documents: app.documents, catalog: app.catalog, tellStaff: app.tellStaff, limits: config.links.downloads } : null;
      http = await startHttp(config.http, { store: app.store, log: app.log, dataDir: config.dataDir, importMaxBytes: config.importMaxBytes, pdfs: { maxBytes: config.pdfs.maxBytes, reader: app.pdfReader }, today: () => app.assistant.today(), probes: probes(app, mail, discord), downloads });
    }
    await discord?.start();
    mail.start();
    push = schedule(() => app.push.run(), { cron: config.push.cron, timezone: config.push.timezone }, app.log);
    await app.housekeep();
    housekeeping = schedule(() => app.housekeep(), { cron: HOUSEKEEPING_CRON, timezone: config.push.timezone }, app.log, 'housekeeping');
    const wantsConsole = process.stdin.isTTY || (!config.imap && !config.discord);
    // A new store has no customer for the console to speak as: the other channels run all the same.
    const canConsole = wantsConsole && (await app.store.countCustomers()) > 0;
    if (wantsConsole && !canConsole) {
      const why = 'no console chat: the store has no customer to speak as yet (facteur import FILE, or the intake API); stop with SIGTERM or SIGINT';
      app.log.warn({ event: 'console.off' }, why);
      // The person at the terminal would otherwise see nothing at all.
      if (logFile) process.stderr.write(`${why}\n`);
    }
    if (canConsole) {
      const chat = runConsole({
        assistant: app.assistant,
        store: app.store,
        deliveries: app.deliveries,
        catalog: app.catalog,
        speakAs: config.consoleAs,
        outDir: dataPaths(config.dataDir).out,
        ...(logFile ? { logFile } : {}),
        input: process.stdin,
        output: process.stdout,
      });
      await Promise.race([chat, signalled.then(() => process.stdin.destroy())]);
    } else {
      if (!wantsConsole) app.log.info('no console chat: standard input is not a terminal; stop with SIGTERM or SIGINT');
      await signalled;
    }
    return 0;
  } finally {
    await http?.close();
    await push?.stop();
    await housekeeping?.stop();
    await mail.stop();
    await discord?.stop();
    await app.close();
  }
}

/** Says at start-up how mail is signed, and what receivers will make of it. */
function tellSigning(app: App): void {
  const { dkim, config, log } = app;
  if (!dkim) {
    if (config.smtp) log.info({ event: 'dkim.off' }, 'mail leaves unsigned by Facteur (no DKIM_DOMAIN): the SMTP relay must sign it, or big receivers may refuse it');
    return;
  }
  const record = dkimRecord(dkim).name;
  log.info({ event: 'dkim', domain: dkim.domain, selector: dkim.selector, bits: dkim.bits, record }, `mail is signed with DKIM, selector ${dkim.selector} of ${dkim.domain} (its key published at ${record}: facteur dkim record prints it)`);
  const from = /@([^>\s]+)/.exec(config.mailFrom)?.[1]?.toLowerCase() ?? '';
  // DMARC passes on DKIM only when the signing domain is MAIL_FROM's or one it belongs to (relaxed alignment).
  if (from !== dkim.domain && !from.endsWith(`.${dkim.domain}`)) log.warn({ event: 'dkim.unaligned', domain: dkim.domain, from }, `DKIM_DOMAIN ${dkim.domain} is not MAIL_FROM's domain (${from}): signatures verify, but DMARC will not count them for ${from}`);
}

/** What `/readyz` asks: the store always, and each part this instance was configured with. */
function probes(app: App, mail: MailWatcher, discord: DiscordChannel | null): Record<string, Probe> {
  const probes: Record<string, Probe> = {
    // Kept a second: a flood of checks costs the store one query a second, not one each.
    store: remembered(async () => {
      await app.store.announcingSince();
      return { up: true, detail: app.store.shared ? 'PostgreSQL answers' : 'the data folder is open' };
    }, STORE_CHECK_MS),
  };
  if (app.config.imap) probes.imap = async () => mail.state();
  if (app.config.smtp) {
    probes.smtp = remembered(async () => {
      await app.mailer.verify();
      return { up: true, detail: 'the SMTP server takes the login' };
    }, SMTP_CHECK_MS);
  }
  if (discord) probes.discord = async () => discord.state();
  return probes;
}

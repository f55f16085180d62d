import { setTimeout as delay } from 'node:timers/promises';
import { Assistant } from './assistant/assistant.js';
import { StaffDesk } from './assistant/staff.js';
import type { Channel } from './channels/channel.js';
import type { ConsoleChannel, ConsoleOptions } from './channels/console/console.js';
import type { DiscordChannel, DiscordConnection } from './channels/discord/index.js';
import type { ProgressTiming } from './channels/discord/progress.js';
import type { Watchdog } from './channels/email/imap.js';
import { dayIn, timeIn } from './billing/dates.js';
import { demoData } from './billing/demo.js';
import { ProviderMailboxes } from './billing/provider.js';
import type { Config } from './config.js';
import { InvoiceDocuments } from './documents/index.js';
import { PdfReader, READER_LIMITS } from './documents/reading/reader.js';
import { Verifier } from './verification/verify.js';
import { DownloadLinks, type LinkMaker } from './download-links/links.js';
import { linkSecret } from './download-links/secret.js';
import { createLogger, type Logger } from './log.js';
import { MailLayout } from './outbound/layout.js';
import type { Mailer } from './outbound/mail.js';
import { outboxMailer, smtpMailer } from './outbound/mailer.js';
import { loadDkim, type DkimKey } from './outbound/dkim.js';
import { Verp } from './outbound/verp.js';
import { countExistingAsAnnounced } from './notifications/announcements.js';
import { CodeMail } from './notifications/code-mail.js';
import { Bounces } from './notifications/bounces.js';
import { Deliveries } from './notifications/deliveries.js';
import { createDispatch } from './notifications/dispatch.js';
import { Push } from './notifications/push.js';
import { Reminders } from './notifications/reminders.js';
import { staffNotices } from './notifications/staff-notice.js';
import { dataPaths, prepareDataFolder } from './data-folder.js';
import { remembered, type Probe } from './http/health.js';
import { openStore } from './store/open.js';
import { forgetOld } from './store/retention.js';
import type { Store } from './store/store.js';
import { Catalog } from './templates/catalog.js';
import { MINUTE_MS } from './time.js';

/**
 * Where several processes share the store, an answer another one is sending is left to it
 * for this long before it counts as cut off by that process's death.
 */
const SENDING_LEASE_MS = 10 * MINUTE_MS;

/** How long an SMTP check stands for `/readyz`: each opens a connection to the server. */
const SMTP_CHECK_MS = 30_000;
const STORE_CHECK_MS = 1_000;

/** Records past their retention are forgotten at start-up, then every night. */
const HOUSEKEEPING_CRON = '17 3 * * *';

/**
 * Everything a command needs, built once from the configuration: the composition root. The
 * services are built at once; the channels, the HTTP server and the schedules when asked
 * (`serve` for `facteur start`), each handed only what it uses, their libraries loaded then.
 */
export interface App {
  config: Config;
  log: Logger;
  store: Store;
  catalog: Catalog;
  assistant: Assistant;
  documents: InvoiceDocuments;
  /** Reads PDFs' text off the main thread, within a time and memory limit: the billing system's, and copies customers send to be checked. */
  pdfReader: PdfReader;
  mailer: Mailer;
  /** The mail layout the mailer fills, for `facteur start` to check before it begins. */
  layout: MailLayout;
  /** The key every mail is signed with (DKIM_DOMAIN), checked when the app was made; null: mail leaves unsigned. */
  dkim: DkimKey | null;
  /** Return paths' signer (MAIL_RETURN_PATH), which reads reports' tokens back; null without it. */
  verp: Verp | null;
  codeMail: CodeMail;
  /** Tells staff (their addresses, the Discord staff channel) what needs a person. */
  tellStaff: (notice: { subject: string; text: string }) => Promise<void>;
  deliveries: Deliveries;
  /** Delivery reports read back: bounces and complaints, and the addresses they suppress. */
  bounces: Bounces;
  push: Push;
  /** What payment reminders would send now; null when REMINDERS_ENABLED=false. */
  reminders: Reminders | null;
  staff: StaffDesk;
  /** Download links for ZIPs too large to send (PUBLIC_URL, and the HTTP server that serves them); null: such ZIPs are split. */
  links: DownloadLinks | null;
  /** What the nightly housekeeping does: forget records past their retention, settle answers a dead process left `sending`, remove past days' statements from the PDF cache. */
  housekeep(): Promise<void>;
  /** The billing inbox channel as configured (the IMAP mailbox, or the local inbox folder), not started. */
  mailChannel(options?: { watchdog?: Watchdog }): Promise<Channel>;
  /** The Discord channel, not started, discord.js loaded for it; null without DISCORD_TOKEN. `downloadLinks` stands for the app's. */
  discordChannel(options?: { downloadLinks?: LinkMaker | null; progressTiming?: ProgressTiming }): Promise<DiscordChannel | null>;
  /** The console chat on `input` and `output`, speaking as CONSOLE_AS first, not started. */
  consoleChannel(io: Pick<ConsoleOptions, 'input' | 'output' | 'logFile'>): Promise<ConsoleChannel>;
  /**
   * Starts what `facteur start` runs: the HTTP server (when HTTP_ENABLED), Discord (when
   * configured), the billing inbox, the push and the nightly housekeeping on their schedules.
   * Resolves with what stops them all; if one cannot start, what had started is stopped and the error thrown.
   */
  serve(): Promise<{ stop(): Promise<void> }>;
  close(): Promise<void>;
}

/**
 * Opens the store as every command must: demo data first when asked for and the store is
 * empty, then the push meets the store, so that what is already there is never pushed.
 */
export async function prepareStore(config: Config, log: Logger, options: { seedDemo: boolean }): Promise<Store> {
  await prepareDataFolder(config.dataDir);
  const store = await openStore(config, log);
  const demo = options.seedDemo ? config.demo : null;
  // Under one lock, waited for: of several processes starting together on one database, the
  // first seeds and meets the store, and none goes on (to push, say) before that is done.
  await runUnderLock(store, 'first-start', async () => {
    if (demo && (await store.countCustomers()) === 0) {
      await store.save(demoData(demo.until));
      log.info(
        { store: config.databaseUrl ? 'postgres' : dataPaths(config.dataDir).db },
        'empty store: demo customers and invoices added (set FACTEUR_DEMO=false to start empty)',
      );
    }
    await countExistingAsAnnounced(store, new Date());
  });
  return store;
}

/** How often a starting process looks again whether another has finished its start-up steps. */
const FIRST_START_POLL_MS = 50;

/** Runs `work` under the job's lock, waiting while another process holds it; `work` must find for itself what is already done. */
async function runUnderLock(store: Store, job: string, work: () => Promise<void>): Promise<void> {
  while (!(await store.exclusive(job, work)).ran) await delay(FIRST_START_POLL_MS);
}

export async function createApp(config: Config, log: Logger = createLogger(config.logLevel)): Promise<App> {
  const paths = dataPaths(config.dataDir);
  const store = await prepareStore(config, log, { seedDemo: true });
  const catalog = await Catalog.load(config.templatesDir);
  const documents = await InvoiceDocuments.create({ dataDir: config.dataDir, templatesDir: config.templatesDir, issued: store, source: config.pdfs.source });
  const pdfReader = new PdfReader({ ...READER_LIMITS, timeoutMs: config.pdfs.readTimeoutMs });
  const layout = new MailLayout(config.templatesDir, documents.brand);
  const dkim = config.dkim ? await loadDkim(config.dkim) : null;
  const returnPath = config.mail.returnPath;
  const verp = returnPath ? new Verp(await linkSecret(config.secret, config.dataDir), returnPath) : null;
  const mailer = config.smtp
    ? smtpMailer(config.mailFrom, config.smtp, layout, { dkim, returnPath, verp })
    : outboxMailer(config.mailFrom, paths.outbox, layout, dkim);
  const codeMail = new CodeMail(mailer, catalog, log);
  // The bot's connection (direct messages at once, the gateway once the channel starts): discord.js is loaded only where Discord is configured.
  const discord = config.discord ? new (await import('./channels/discord/connection.js')).DiscordConnection(config.discord, log) : null;
  const staffChannel =
    discord && config.discord?.staffChannelId
      ? { id: config.discord.staffChannelId, post: (id: string, notice: { subject: string; text: string }) => discord.post(id, notice) }
      : null;
  const tellStaff = staffNotices({ mailer, staffEmails: config.staffEmails, channel: staffChannel, log });
  const verifier = new Verifier({ store, documents, reader: pdfReader, maxBytes: config.pdfs.maxBytes, providerName: documents.brand.name });
  const providerMailboxes = new ProviderMailboxes(
    [config.mailFrom, config.imap?.user, config.smtp?.auth?.user, ...config.staffEmails, config.mail.returnPath].flatMap((text) => text ?? []),
  );
  const assistant = new Assistant({
    store,
    documents,
    catalog,
    codeMail,
    log,
    providerMailboxes,
    verifier: { verify: (bytes) => verifier.verify(bytes), maxBytes: config.pdfs.maxBytes },
    pageSize: config.pageSize,
    fiscalYearStart: config.fiscalYearStart,
    remindersOptOut: config.reminders?.optOut ?? true,
    tellStaff,
    now: () => new Date(),
    today: () => dayIn(new Date(), config.push.timezone),
  });
  const retry = { maxAttempts: config.push.maxAttempts, baseDelayMs: config.push.retryBaseMs };
  const today = () => dayIn(new Date(), config.push.timezone);
  const links = await downloadLinks(config, log);
  const dispatch = createDispatch({
    store,
    documents,
    catalog,
    mailer,
    today,
    log,
    tellStaff,
    reminderStatement: config.reminders?.statement ?? false,
    mailLimitBytes: config.mail.sizeLimitBytes,
    links,
    ...(discord ? { chat: discord } : {}),
  });
  const deliveries = new Deliveries(store, dispatch, retry, log);
  const settle = async () => {
    const interrupted = await deliveries.settleInterrupted(store.shared ? SENDING_LEASE_MS : 0);
    if (interrupted > 0) log.warn({ event: 'deliveries.interrupted', count: interrupted }, 'answers cut off by a stopped process are marked failed');
  };
  await settle();
  const housekeep = async () => {
    await forgetOld(store, new Date());
    await settle();
    const statements = await documents.forgetOldStatements(new Date());
    if (statements > 0) log.info({ event: 'housekeeping.statements', removed: statements }, 'housekeeping: statements of past days removed from the PDF cache');
  };
  const bounces = new Bounces({ store, verp, catalog, log, tellStaff, codeMail, softBounces: config.mail.softBounces, ...(discord ? { chat: discord } : {}) });
  const reminders = config.reminders;
  const planner = reminders
    ? new Reminders(store, log, {
        offsets: reminders.offsets,
        optOut: reminders.optOut,
        chat: discord !== null,
        claimDays: reminders.claimDays,
        today,
        timeZone: config.push.timezone,
      })
    : null;
  const push = new Push(store, deliveries, log, {
    concurrency: config.smtp?.maxConnections ?? 1,
    chat: discord !== null,
    ...(reminders && planner
      ? {
          reminders: {
            planner,
            // A day's reminders go out from REMINDERS_AT on, with the first push run after it.
            due: () => timeIn(new Date(), config.push.timezone) >= reminders.at,
          },
        }
      : {}),
  });
  const staff = new StaffDesk({
    store,
    deliveries,
    catalog,
    log,
    now: () => new Date(),
    timeZone: config.push.timezone,
    reminders: planner
      ? { plan: (chosen) => planner.plan(chosen), run: (chosen) => push.run(undefined, { remindNow: true, ...(chosen ? { chosen } : {}) }) }
      : null,
  });
  const close = async () => {
    await discord?.close();
    await pdfReader.close();
    await mailer.close();
    await store.close();
  };
  const mailChannel: App['mailChannel'] = async (options = {}) => {
    const { mailChannel: channel } = await import('./channels/email/channel.js');
    return channel({ config, store, assistant, catalog, mailer, log, staff, deliveries, bounces, downloadLinks: links }, options);
  };
  const discordChannel: App['discordChannel'] = async ({ downloadLinks = links, progressTiming } = {}) => {
    if (!discord) return null;
    const parts = { store, assistant, catalog, codeMail, staff, deliveries, log, pdfMaxBytes: config.pdfs.maxBytes, downloadLinks };
    return wireDiscord(discord, progressTiming ? { ...parts, progressTiming } : parts);
  };
  const consoleChannel: App['consoleChannel'] = async (io) => {
    const { consoleChannel: channel } = await import('./channels/console/console.js');
    return channel({ assistant, store, deliveries, catalog, speakAs: config.consoleAs, outDir: paths.out, ...io });
  };
  const services = {
    config,
    log,
    store,
    catalog,
    assistant,
    documents,
    pdfReader,
    mailer,
    layout,
    dkim,
    verp,
    codeMail,
    tellStaff,
    deliveries,
    bounces,
    push,
    reminders: planner,
    staff,
    links,
  };
  const app: App = { ...services, housekeep, mailChannel, discordChannel, consoleChannel, serve: () => serve(app), close };
  return app;
}

/**
 * The Discord channel on `connection`, handed its account linking and its staff commands. discord.js
 * is loaded here, only where Discord is configured: it takes longer to load (~0.3 s) than all the rest a command needs.
 */
async function wireDiscord(
  connection: DiscordConnection,
  parts: Pick<App, 'store' | 'assistant' | 'catalog' | 'codeMail' | 'staff' | 'deliveries' | 'log'> & {
    pdfMaxBytes: number;
    downloadLinks: LinkMaker | null;
    progressTiming?: ProgressTiming;
  },
): Promise<DiscordChannel> {
  const [{ DiscordChannel, CommandNames, StaffCommands }, { AccountLinks }] = await Promise.all([
    import('./channels/discord/index.js'),
    import('./account-linking/linking.js'),
  ]);
  const { store, catalog, codeMail, log } = parts;
  const names = new CommandNames(catalog);
  const links = new AccountLinks('discord', { store, codeMail, catalog, log, now: () => new Date(), commands: (locale) => names.linking(locale) });
  const staff = new StaffCommands(connection.settings, parts.staff, log, names);
  const { assistant, deliveries, pdfMaxBytes, downloadLinks } = parts;
  const timing = parts.progressTiming ? { progressTiming: parts.progressTiming } : {};
  return new DiscordChannel({ connection, assistant, store, catalog, log, deliveries, pdfMaxBytes, downloadLinks, names, links, staff, ...timing });
}

/** What `App.serve` starts, in this order: a broken template, a port in use or a refused token stops start-up before anything else has begun. */
async function serve(app: App): Promise<{ stop(): Promise<void> }> {
  const { config, log } = app;
  const { schedule } = await import('./notifications/schedule.js');
  const mail = await app.mailChannel();
  const discord = await app.discordChannel();
  let push: ReturnType<typeof schedule> | undefined;
  let housekeeping: ReturnType<typeof schedule> | undefined;
  let http: { close(): Promise<void> } | null = null;
  const stop = async () => {
    await http?.close();
    await push?.stop();
    await housekeeping?.stop();
    await mail.stop();
    await discord?.stop();
  };
  try {
    await app.layout.check();
    if (config.http) {
      const { startHttp } = await import('./http/server.js');
      const { links, documents, catalog, tellStaff } = app;
      const downloads = links && config.links ? { links, documents, catalog, tellStaff, limits: config.links.downloads } : null;
      const pdfs = { maxBytes: config.pdfs.maxBytes, reader: app.pdfReader };
      http = await startHttp(config.http, {
        store: app.store,
        log,
        dataDir: config.dataDir,
        importMaxBytes: config.importMaxBytes,
        pdfs,
        today: () => app.assistant.today(),
        probes: probes(app, mail, discord),
        downloads,
      });
    }
    await discord?.start();
    await mail.start();
    push = schedule(() => app.push.run(), { cron: config.push.cron, timezone: config.push.timezone }, log);
    await app.housekeep();
    housekeeping = schedule(() => app.housekeep(), { cron: HOUSEKEEPING_CRON, timezone: config.push.timezone }, log, 'housekeeping');
  } catch (error) {
    await stop();
    throw error;
  }
  return { stop };
}

/** What `/readyz` asks: the store always, and each part this instance was configured with. */
function probes(app: Pick<App, 'config' | 'store' | 'mailer'>, mail: Channel, discord: Channel | null): Record<string, Probe> {
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

/**
 * Download links, with PUBLIC_URL and the HTTP server that serves them (this process's, or
 * the `facteur start` sharing its data folder or FACTEUR_LINK_SECRET); null otherwise, and
 * ZIPs too large for a message are split as before.
 */
async function downloadLinks(config: Config, log: Logger): Promise<DownloadLinks | null> {
  if (!config.links) return null;
  if (!config.http) {
    log.warn({ event: 'download.off' }, 'PUBLIC_URL is set but HTTP_ENABLED=false: no download links (the HTTP server serves them); large ZIPs are split');
    return null;
  }
  return new DownloadLinks(await linkSecret(config.links.secret, config.dataDir), config.links, config.push.timezone, log);
}

import { createApp, type App } from '../app.js';
import type { Config } from '../config.js';
import { dataPaths, prepareDataFolder } from '../data-folder.js';
import { createLogger } from '../log.js';
import { dkimRecord } from '../outbound/dkim.js';
import type { ExitCode } from './terminal.js';

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
  const signalled = new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  let serving: Awaited<ReturnType<App['serve']>> | null = null;
  let chat: Awaited<ReturnType<App['consoleChannel']>> | null = null;
  try {
    serving = await app.serve();
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
      chat = await app.consoleChannel({ ...(logFile ? { logFile } : {}), input: process.stdin, output: process.stdout });
      await chat.start();
      await Promise.race([chat.finished(), signalled]);
    } else {
      if (!wantsConsole) app.log.info('no console chat: standard input is not a terminal; stop with SIGTERM or SIGINT');
      await signalled;
    }
    return 0;
  } finally {
    await chat?.stop();
    await serving?.stop();
    await app.close();
  }
}

/** Says at start-up how mail is signed, and what receivers will make of it. */
function tellSigning(app: App): void {
  const { dkim, config, log } = app;
  if (!dkim) {
    if (config.smtp)
      log.info({ event: 'dkim.off' }, 'mail leaves unsigned by Facteur (no DKIM_DOMAIN): the SMTP relay must sign it, or big receivers may refuse it');
    return;
  }
  const record = dkimRecord(dkim).name;
  log.info(
    { event: 'dkim', domain: dkim.domain, selector: dkim.selector, bits: dkim.bits, record },
    `mail is signed with DKIM, selector ${dkim.selector} of ${dkim.domain} (its key published at ${record}: facteur dkim record prints it)`,
  );
  const from = /@([^>\s]+)/.exec(config.mailFrom)?.[1]?.toLowerCase() ?? '';
  // DMARC passes on DKIM only when the signing domain is MAIL_FROM's or one it belongs to (relaxed alignment).
  if (from !== dkim.domain && !from.endsWith(`.${dkim.domain}`))
    log.warn(
      { event: 'dkim.unaligned', domain: dkim.domain, from },
      `DKIM_DOMAIN ${dkim.domain} is not MAIL_FROM's domain (${from}): signatures verify, but DMARC will not count them for ${from}`,
    );
}

import { createApp } from '../app.js';
import { runConsole } from '../channels/console/console.js';
import { mailChannel } from '../channels/email/channel.js';
import type { Config } from '../config.js';
import { dataPaths } from '../data-folder.js';
import { schedule } from '../notifications/schedule.js';
import type { ExitCode } from './terminal.js';

/** Records past their retention are forgotten at start-up, then every night. */
const HOUSEKEEPING_CRON = '17 3 * * *';

/**
 * Runs every configured channel until asked to stop: the billing inbox always (the IMAP
 * mailbox, or the local inbox folder), the push of new invoices on its schedule, and the console chat when a person is at the
 * terminal or when neither a mailbox nor Discord is configured (the demo, where piped input drives it too);
 * Discord when DISCORD_TOKEN is set.
 * The console's `:quit` or end of input stops everything; so do SIGINT and SIGTERM, after
 * the message under way is finished.
 */
export async function start(config: Config): Promise<ExitCode> {
  const app = await createApp(config);
  const mail = mailChannel(app);
  // The Discord channel, and discord.js with it, is loaded only where Discord is configured.
  const discord = app.discord ? (await import('../channels/discord/index.js')).discordChannel(app) : null;
  let push: ReturnType<typeof schedule> | undefined;
  let housekeeping: ReturnType<typeof schedule> | undefined;
  const signalled = new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  try {
    // Discord first: a refused token stops start-up before anything else has begun.
    await discord?.start();
    mail.start();
    push = schedule(() => app.push.run(), { cron: config.push.cron, timezone: config.push.timezone }, app.log);
    await app.housekeep();
    housekeeping = schedule(() => app.housekeep(), { cron: HOUSEKEEPING_CRON, timezone: config.push.timezone }, app.log, 'housekeeping');
    if (process.stdin.isTTY || (!config.imap && !config.discord)) {
      const chat = runConsole({
        assistant: app.assistant,
        store: app.store,
        catalog: app.catalog,
        speakAs: config.consoleAs,
        outDir: dataPaths(config.dataDir).out,
        input: process.stdin,
        output: process.stdout,
      });
      await Promise.race([chat, signalled.then(() => process.stdin.destroy())]);
    } else {
      app.log.info('no console chat: standard input is not a terminal; stop with SIGTERM or SIGINT');
      await signalled;
    }
    return 0;
  } finally {
    await push?.stop();
    await housekeeping?.stop();
    await mail.stop();
    await discord?.stop();
    await app.close();
  }
}

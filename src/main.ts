import { parseArgs } from 'node:util';
import { err, out, quietWhenReaderLeaves, type ExitCode } from './cli/terminal.js';
import { USAGE } from './cli/usage.js';
import { ActionableError, isMachineFault } from './faults.js';

/** Every option any command takes; each command's usage says which are its own. */
const OPTIONS = {
  help: { type: 'boolean', short: 'h' },
  as: { type: 'string' },
  out: { type: 'string' },
  to: { type: 'string' },
  channel: { type: 'string' },
  force: { type: 'boolean' },
  customer: { type: 'string' },
  failed: { type: 'boolean' },
  bounced: { type: 'boolean' },
  lift: { type: 'string' },
  since: { type: 'string' },
  'all-failed': { type: 'boolean' },
  today: { type: 'string' },
  'dry-run': { type: 'boolean' },
  pdfs: { type: 'string' },
} as const;

/**
 * The `facteur` command: parse the arguments, load the configuration, run one
 * command. Errors a person can fix (a bad option, the configuration, a corrupt store, an
 * unreadable import file) are printed as one clear message, without a stack trace.
 */
async function main(argv: string[]): Promise<ExitCode> {
  const [command, ...rest] = argv;
  const usage = USAGE[command as keyof typeof USAGE] ?? USAGE.main;
  let parsed;
  try {
    parsed = parseArgs({ args: rest, allowPositionals: true, options: OPTIONS });
  } catch (error) {
    err(`facteur: ${(error as Error).message}\n\n${usage}\n`);
    return 2;
  }
  const { values, positionals } = parsed;
  if (values.help || command === undefined || command === 'help' || command === '--help' || command === '-h') {
    out(`${usage}\n`);
    return command === undefined ? 2 : 0;
  }
  // Each command's module is loaded when that command runs, so that a command loads only the
  // libraries it uses, and the usage above none.
  const config = async () => (await import('./config.js')).loadConfig();
  if (command === 'start') return (await import('./cli/start.js')).start(await config());
  if (command === 'ask' && values.as && positionals.length > 0)
    return (await import('./cli/ask.js')).ask(await config(), values.as, positionals.join(' '), values.out);
  if (command === 'explain' && positionals.length > 0)
    return (await import('./cli/explain.js')).explainSentence(await config(), positionals.join(' '), values.today);
  if (command === 'import' && positionals.length === 1) return (await import('./cli/import.js')).importFile(await config(), positionals[0]!, values.pdfs);
  if (command === 'verify' && positionals.length === 1) return (await import('./cli/verify.js')).verifyFile(await config(), positionals[0]!);
  if (command === 'push' && positionals.length === 0) return (await import('./cli/staff.js')).push(await config());
  if (command === 'reminders') return (await import('./cli/staff.js')).reminders(await config(), Boolean(values['dry-run']), positionals);
  if (command === 'resend' && positionals.length === 1) return (await import('./cli/staff.js')).resend(await config(), positionals[0]!, values);
  if (command === 'deliveries' && positionals.length === 0) return (await import('./cli/staff.js')).deliveries(await config(), values);
  if (command === 'suppressions' && positionals.length === 0) return (await import('./cli/suppressions.js')).suppressions(await config(), values.lift);
  if (command === 'dkim' && positionals.length === 1 && positionals[0] === 'record') return (await import('./cli/dkim.js')).dkimRecordCommand(await config());
  if (command === 'discord' && positionals.length === 1 && positionals[0] === 'register')
    return (await import('./cli/discord.js')).discordRegister(await config());
  if (command === 'db' && positionals.length === 1 && positionals[0] === 'migrate') return (await import('./cli/db.js')).migrate(await config());
  if (command === 'db' && positionals.length === 1 && positionals[0] === 'copy') return (await import('./cli/db.js')).copy(await config(), values.to);
  if (command === 'retry' && positionals.length > 0 !== Boolean(values['all-failed']))
    return (await import('./cli/staff.js')).retry(await config(), positionals, Boolean(values['all-failed']));
  if (command === 'inbox' && positionals[0] === 'failed' && positionals.length === 1)
    return (await import('./cli/inbox.js')).inbox(await config(), 'failed', [], false);
  if (command === 'inbox' && positionals[0] === 'retry' && positionals.length > 1 !== Boolean(values['all-failed']))
    return (await import('./cli/inbox.js')).inbox(await config(), 'retry', positionals.slice(1), Boolean(values['all-failed']));
  err(`${usage}\n`);
  return 2;
}

/** Whether `error` is one a person can fix: every part's such errors extend ActionableError, and a full disk is the machine's. */
function isKnown(error: unknown): boolean {
  return error instanceof ActionableError || isMachineFault(error);
}

quietWhenReaderLeaves();
main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    const known = isKnown(error);
    err(`facteur: ${known ? (error as Error).message : ((error as Error).stack ?? String(error))}\n`);
    process.exitCode = known ? 1 : 70;
  },
);

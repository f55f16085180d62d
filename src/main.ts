import { parseArgs } from 'node:util';
import { err, out } from './cli/terminal.js';
import { ask, importFile, start, type ExitCode } from './cli/commands.js';
import { copy, migrate } from './cli/db.js';
import { discordRegister } from './cli/discord.js';
import { explainSentence } from './cli/explain.js';
import { inbox } from './cli/inbox.js';
import { deliveries, push, resend, retry } from './cli/staff.js';
import { USAGE } from './cli/usage.js';
import { ConfigError, loadConfig } from './config.js';
import { SaveError } from './channels/files.js';
import { isMachineFault } from './faults.js';
import { ImportError } from './import/import.js';
import { StoreError } from './store/store.js';
import { TemplateError } from './templates/catalog.js';

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
  since: { type: 'string' },
  'all-failed': { type: 'boolean' },
  today: { type: 'string' },
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
  if (command === 'start') return start(loadConfig());
  if (command === 'ask' && values.as && positionals.length > 0) return ask(loadConfig(), values.as, positionals.join(' '), values.out);
  if (command === 'explain' && positionals.length > 0) return explainSentence(loadConfig(), positionals.join(' '), values.today);
  if (command === 'import' && positionals.length === 1) return importFile(loadConfig(), positionals[0]!);
  if (command === 'push' && positionals.length === 0) return push(loadConfig());
  if (command === 'resend' && positionals.length === 1) return resend(loadConfig(), positionals[0]!, values);
  if (command === 'deliveries' && positionals.length === 0) return deliveries(loadConfig(), values);
  if (command === 'discord' && positionals.length === 1 && positionals[0] === 'register') return discordRegister(loadConfig());
  if (command === 'db' && positionals.length === 1 && positionals[0] === 'migrate') return migrate(loadConfig());
  if (command === 'db' && positionals.length === 1 && positionals[0] === 'copy') return copy(loadConfig(), values.to);
  if (command === 'retry' && (positionals.length > 0) !== Boolean(values['all-failed'])) return retry(loadConfig(), positionals, Boolean(values['all-failed']));
  if (command === 'inbox' && positionals[0] === 'failed' && positionals.length === 1) return inbox(loadConfig(), 'failed', [], false);
  if (command === 'inbox' && positionals[0] === 'retry' && (positionals.length > 1) !== Boolean(values['all-failed'])) return inbox(loadConfig(), 'retry', positionals.slice(1), Boolean(values['all-failed']));
  err(`${usage}\n`);
  return 2;
}

const KNOWN_ERRORS = [ConfigError, StoreError, ImportError, TemplateError, SaveError];

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    const known = KNOWN_ERRORS.some((type) => error instanceof type) || isMachineFault(error);
    err(`facteur: ${known ? (error as Error).message : (error as Error).stack ?? String(error)}\n`);
    process.exitCode = known ? 1 : 70;
  },
);

import type { Command } from './command.js';

/**
 * Whose words a request's text is. `own`: the asker's. `quoted`: words the asker only
 * passed along, which someone else wrote first (the Subject of a reply or a forward,
 * repeated by their mail client): anyone who gets a customer to answer their mail chooses
 * them, so they may say which invoices are meant, and nothing more.
 */
export type Words = 'own' | 'quoted';

/**
 * What quoted words may ask: what shows the asker their own invoices or settings, sent back
 * to them alone. Everything else (a change of the account, a code, an approval, a payment
 * claim) needs the asker's own words; an intent added later is refused until listed here.
 */
const POINTING: ReadonlySet<Command['intent']> = new Set([
  'help',
  'list',
  'singleInvoice',
  'page',
  'pdf',
  'resend',
  'details',
  'zip',
  'files',
  'balance',
  'notifications',
  'smalltalk',
  'offTopic',
  'clarify',
  'choose',
  'verify',
]);

/** Whether words of this provenance may ask for this command. */
export function mayAsk(words: Words, command: Command): boolean {
  return words === 'own' || POINTING.has(command.intent);
}

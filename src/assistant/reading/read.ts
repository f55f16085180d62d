import type { IsoDate, Locale } from '../../billing/types.js';
import type { Command, Parsed } from '../command.js';
import { Clause } from './clause.js';
import { inContext, withEarlier } from './context.js';
import { complainsOfFile } from './intents/complaints.js';
import { aboutOf, chatMessage, ownWords, type Message } from './message.js';
import { declinedIn } from './recognise/declined.js';
import { spokenNumbers } from './recognise/spoken.js';
import { commandOf } from './rules.js';
import { recognise, type Sentence } from './sentence.js';
import { sentencesOf } from './sentences.js';
import { shortForms } from './short-forms.js';
import { tokenize } from './tokens.js';
import type { Zone } from './zones.js';

/**
 * How a customer's message becomes a command, in stages a reader can follow (`facteur
 * explain` prints each): the message's zones (`zones.ts`: only the customer's own words
 * ask), its sentences (`sentences.ts`: a negation or a question stays in its own), the
 * tokens of each (`tokens.ts`: words, numbers, days, addresses, typos read as the word they
 * are near, once the short forms of `short-forms.ts` are read as their words), what the
 * recognisers find in them (`recognise/`: invoice numbers, periods, statuses, ranks), what
 * is asked (`intents/`), and the command (`rules.ts`). Of several sentences, the one that
 * asks the most wins (see `WEIGHT`), the later of two that weigh the same (« On dit quoi
 * avec mes impayés ? Je dois combien ? »).
 */

/** Parses a customer's chat message; `today` (YYYY-MM-DD, in PUSH_TIMEZONE) places the periods counted from it. */
export function parse(text: string, today: IsoDate, options: ReadingOptions = {}): Parsed {
  return read(chatMessage(text), today, options).parsed;
}

export interface ReadingOptions {
  /** The day (MM-DD) fiscal years start; the calendar year's unless given. */
  fiscalYearStart?: string;
}

export interface Explained {
  zones: Zone[];
  /** Each own sentence, what was recognised in it and what it asks. */
  sentences: { text: string; sentence: Sentence; command: Command | null }[];
  parsed: Parsed;
}

/** Every stage of the reading of a chat message, for `facteur explain` and bug reports. */
export function explain(text: string, today: IsoDate, options: ReadingOptions = {}): Explained {
  return read(chatMessage(text), today, options);
}

/**
 * How much a sentence's command weighs against another's in the same message: what changes
 * the account or says a payment was made is said on purpose; then invoices asked for; then
 * questions about settings; small talk weighs least (« Merci ! Et la facture de décembre »).
 */
const WEIGHT: Record<Command['intent'], number> = {
  confirm: 9,
  withdraw: 9,
  address: 9,
  contactAdd: 9,
  contactRemove: 9,
  contactMayAsk: 9,
  attachments: 9,
  chat: 9,
  reminders: 9,
  paidClaim: 8,
  verify: 8,
  pdf: 7,
  resend: 7,
  zip: 7,
  files: 7,
  details: 7,
  singleInvoice: 7,
  list: 7,
  balance: 7,
  clarify: 7,
  notifications: 5,
  page: 4,
  offTopic: 3,
  help: 2,
  choose: 2,
  smalltalk: 1,
};

export function read(message: Message, today: IsoDate, options: ReadingOptions = {}): Explained {
  const about = aboutOf(message);
  const sentences = withEarlier(
    ownWords(message)
      .flatMap(sentencesOf)
      .map((text) => {
        const readAt = (day: IsoDate) => {
          const { tokens, declined } = declinedIn(tokenize(spokenNumbers(shortForms(text)), day));
          return recognise(new Clause(tokens, day, /[àâçéèêëîïôûùœ]/i.test(text)), declined, options.fiscalYearStart);
        };
        // The message's context first: what the message it answers carried, which « renvoyez-la » points at.
        const sentence = inContext(readAt(today), about, readAt, commandOf);
        return { text, sentence, command: isJunk(text, sentence) ? null : commandOf(sentence) };
      }),
  );
  let chosen: Command | null = null;
  let weight = 0;
  for (const { sentence, command } of sentences) {
    // « Mettez-les dans un zip. Les PDF étaient illisibles. »: a complaint is the reason for a request, which wins.
    const weighs = command ? WEIGHT[command.intent] - (complainsOfFile(sentence) ? 0.5 : 0) : 0;
    if (command && (!chosen || weighs >= weight)) [chosen, weight] = [command, weighs];
  }
  // "What do I owe? No need for the PDF statement.": a statement declined in any sentence is not sent.
  if (chosen?.intent === 'balance' && sentences.some(({ sentence }) => sentence.declined.includes('statement')))
    chosen = { intent: 'balance', statement: false };
  return { zones: message.zones, sentences, parsed: { command: chosen, locale: localeOf(sentences.map((s) => s.sentence)) } };
}

function localeOf(sentences: Sentence[]): Locale | null {
  const score = sentences.reduce((sum, s) => sum + s.clause.localeScore(), 0);
  return score > 0 ? 'fr' : score < 0 ? 'en' : null;
}

/** Code, not words: SQL, a script, a template or a path (« '; DROP TABLE factures; -- », "SELECT * FROM invoices WHERE …", "<script>"). */
const CODE =
  /\bselect\s+\*|\bselect\b[^?!]*\bfrom\b[^?!]*\bwhere\b|\bdrop\s+table\b|\binsert\s+into\b|\bdelete\s+from\b|\bunion\s+select\b|<\/?\s*script|\$\{|\{\{|\.\.\/|\b\d+\s*=\s*\d+\b|;\s*--/i;

/**
 * A sentence that is no request whatever keywords it holds: code, or a number too long to be
 * an invoice's and nothing else to go by (« facture 987654321098765432109876543210 »): it is
 * not understood, never read as every invoice.
 */
function isJunk(text: string, sentence: Sentence): boolean {
  if (CODE.test(text)) return true;
  const overlong = sentence.clause.tokens.some((t) => t.kind === 'number' && /^\d{13,}$/.test(t.value));
  return overlong && sentence.numbers.length === 0 && sentence.period === null;
}

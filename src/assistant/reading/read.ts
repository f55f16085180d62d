import type { IsoDate } from '../../billing/types.js';
import type { Command, Parsed } from '../command.js';
import { Clause } from './clause.js';
import type { Range } from './recognise/periods.js';
import { commandOf } from './rules.js';
import { recognise, type Sentence } from './sentence.js';
import { tokenize, type Token } from './tokens.js';

/**
 * How a customer's words become a command, in stages a reader can follow (`facteur explain`
 * prints each): the tokens (`tokens.ts`: words, numbers, days, addresses, typos read as the
 * word they are near), what the recognisers find in them (`recognise/`: invoice numbers,
 * periods, statuses, ranks), what is asked (`intents/`), and the command (`rules.ts`).
 */

/** Parses a customer's sentence; `today` (YYYY-MM-DD, in PUSH_TIMEZONE) places the periods counted from it. */
export function parse(text: string, today: IsoDate): Parsed {
  return readSentence(text, today).parsed;
}

export interface Explained {
  tokens: Token[];
  sentence: Sentence;
  period: Range | null;
  parsed: Parsed;
}

/** Every stage of the reading of a sentence, for `facteur explain` and bug reports. */
export function explain(text: string, today: IsoDate): Explained {
  return readSentence(text, today);
}

function readSentence(text: string, today: IsoDate): Explained {
  const clause = new Clause(tokenize(text, today), today, /[àâçéèêëîïôûùœ]/i.test(text));
  const sentence = recognise(clause);
  const command: Command | null = commandOf(sentence);
  return { tokens: clause.tokens, sentence, period: sentence.period?.range ?? null, parsed: { command, locale: clause.locale() } };
}

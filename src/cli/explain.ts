import { explain as readSentence } from '../assistant/reading/read.js';
import type { Token } from '../assistant/reading/tokens.js';
import { dayIn, readDay } from '../billing/dates.js';
import type { Config } from '../config.js';
import { err, out, type ExitCode } from './terminal.js';

/**
 * `facteur explain "TEXT"`: how the assistant reads a sentence, word by word, without a
 * store or a customer. Support pastes a customer's sentence from a complaint and sees which
 * word was taken for what, which period was understood, and the command that came out;
 * `--today` reads it as on the day it was written, since "le mois dernier" counts from it.
 * Exit code 1 when the sentence is not understood.
 */
export function explainSentence(config: Config, text: string, today: string | undefined): ExitCode {
  const day = today === undefined ? dayIn(new Date(), config.push.timezone) : readDay(today);
  if (day === undefined) {
    err(`facteur explain: --today takes a day, YYYY-MM-DD, not "${today}"\n`);
    return 2;
  }
  const { zones, sentences, parsed } = readSentence(text, day, { fiscalYearStart: config.fiscalYearStart });
  const lines = [
    `Today:    ${day} (${config.push.timezone})`,
    `Zones:    ${zones.map((zone) => `${zone.kind}(${zone.lines.length} line${zone.lines.length === 1 ? '' : 's'})`).join('  ') || '(none)'}`,
  ];
  for (const [i, { text: said, sentence, command }] of sentences.entries()) {
    const { period, numbers, status, rank } = sentence;
    lines.push(
      `Sentence ${i + 1}: ${said}`,
      `  Words:    ${sentence.clause.tokens.length === 0 ? '(none)' : sentence.clause.tokens.map(describe).join('  ')}`,
      `  Period:   ${period ? `${period.range.from ?? '…'} to ${period.range.to ?? '…'}` : '(none)'}`,
      `  Numbers:  ${numbers.join(' ') || '(none)'}`,
      `  Status:   ${status.status ? `${status.status}${status.dueBefore ? ', overdue' : ''}` : '(any)'}`,
      `  Rank:     ${rank ? `${rank.from} first, ${rank.skip} skipped, ${rank.take} taken` : '(none)'}`,
      `  Reads as: ${command ? JSON.stringify(command) : '(nothing)'}`,
    );
  }
  lines.push(
    `Language: ${parsed.locale ?? '(not said: the customer’s own)'}`,
    `Command:  ${parsed.command ? JSON.stringify(parsed.command) : '(not understood: the customer is told what can be asked)'}`,
  );
  out(`${lines.join('\n')}\n`);
  return parsed.command ? 0 : 1;
}

/** One token as `written→role`: the word, what it was read as, and the word it was corrected from. */
function describe(token: Token): string {
  switch (token.kind) {
    case 'word': {
      const written = token.corrected ? `${token.corrected}(typo of ${token.word})` : token.word;
      if (token.declined) return `${written}(declined)`;
      return token.role ? `${written}→${token.role}` : written;
    }
    case 'month':
      return `month:${token.month}`;
    case 'number':
      return `number:${token.value}${token.marked ? '(marked)' : ''}`;
    case 'ordinal':
      return `ordinal:${token.value}`;
    case 'date':
      return `date:${token.value}${token.end ? `..${token.end}` : ''}`;
    case 'impossibleDate':
      return `impossible-date:${token.value}`;
    case 'part':
      return `${token.of}:${token.index}`;
    case 'dash':
      return '-';
    case 'email':
      return `email:${token.value}`;
  }
}

import type { Command } from '../../assistant/command.js';
import { mayAsk, type Words } from '../../assistant/provenance.js';
import { parse } from '../../assistant/reading/read.js';
import type { Locale } from '../../billing/types.js';
import { linesIn, type Zone } from '../../assistant/reading/zones.js';

/** Lines of the message's own text read at most: a request is a sentence or two, not a newsletter. */
export const MAX_LINES = 20;
/** Characters of the request read at most, however long its lines. */
const MAX_CHARS = 2000;

/** The request a mail carries, as the assistant should read it. */
export interface MailRequest {
  text: string;
  /** What the assistant will make of it, for what is decided before asking it (a staff request, a code coming back). */
  intent: Command['intent'] | null;
  /** The language it is written in, when its words say so. */
  locale: Locale | null;
  /** Whose words `text` is: `quoted` when a reply's or forward's subject is part of it. */
  words: Words;
}

/**
 * Where a mail's request is: the first lines the customer wrote, or else the subject
 * (`facture 1210` with an empty body, or a body that only says hello), or else both
 * together. Quoted history, forwarded text, the signature and hidden text never count. A
 * reply's or forward's subject is someone else's words: a reading of it that asks more than
 * it may (see `mayAsk`) gives way to the customer's own words, even a mere « merci », and is
 * chosen only when nothing else is understood, for the assistant to say why it does nothing.
 */
export function findRequest(zones: Zone[], today: string): MailRequest {
  const body = ownLines(zones).join('\n').slice(0, MAX_CHARS);
  const subject = zones.find((zone) => zone.kind === 'subject' || zone.kind === 'replySubject');
  const topic = (subject?.lines.join(' ') ?? '').slice(0, MAX_CHARS);
  const subjectWords: Words = subject?.kind === 'replySubject' ? 'quoted' : 'own';
  // "Bonjour, merci" in the body and "facture 1210" in the subject: the request is in the subject.
  let talk: MailRequest | undefined;
  let unasked: MailRequest | undefined;
  for (const [text, words] of [[body, 'own'], [topic, subjectWords], [`${topic}\n${body}`, subjectWords]] as const) {
    const { command, locale } = parse(text, today);
    if (!command) continue;
    const found = { text, intent: command.intent, locale, words };
    if (!mayAsk(words, command)) unasked ??= found;
    else if (command.intent !== 'smalltalk') return found;
    else talk ??= found;
  }
  if (talk ?? unasked) return (talk ?? unasked)!;
  const [text, words] = body ? [body, 'own' as const] : [topic, subjectWords];
  return { text, intent: null, locale: parse(text, today).locale, words };
}

/** The customer's own lines, at most MAX_LINES. */
export function ownLines(zones: Zone[]): string[] {
  return linesIn(zones, 'own').slice(0, MAX_LINES);
}

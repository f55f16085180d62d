import type { Command } from '../../assistant/command.js';
import type { Words } from '../../assistant/provenance.js';
import { readRequest } from '../../assistant/reading/request.js';
import type { Locale } from '../../billing/types.js';
import type { Zone } from '../../assistant/reading/zones.js';

/** The request a mail carries, as the channel decides what comes before the assistant (a staff request, a code coming back). */
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
 * Where a mail's request is (see `readRequest`), read before the customer is known: without
 * what the message it answers carried, which the assistant then reads it with.
 */
export function findRequest(zones: Zone[], today: string): MailRequest {
  const { command, locale, text, words } = readRequest({ zones, context: { channel: 'mail' } }, today);
  return { text, intent: command?.intent ?? null, locale, words };
}

import { readRequest } from '../../src/assistant/reading/request.js';
import type { Zone } from '../../src/assistant/reading/zones.js';

/** The request a mail's zones carry, as the mail channel reads it before the sender is known (no thread context), with its intent apart. */
export function mailRequest(zones: Zone[], today: string) {
  const { command, ...rest } = readRequest({ zones, context: { channel: 'mail' } }, today);
  return { ...rest, intent: command?.intent ?? null };
}

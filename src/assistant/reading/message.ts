import type { Invoice } from '../../billing/types.js';
import { textZones, type Zone } from './zones.js';

/**
 * What the reader is handed: a message as a channel fills it, never a string to guess from.
 * `zones` say whose words each part is (the customer's own, a subject, quoted or forwarded
 * text, a signature, hidden HTML); `context` says where it was written and what the message
 * it answers carried.
 */
export interface Message {
  zones: Zone[];
  context?: MessageContext;
}

export interface MessageContext {
  channel: 'chat' | 'mail' | 'discord';
  /**
   * What the message it replies to carried (a mail Facteur sent this customer, a bot
   * message), the customer's own invoices only: what « renvoyez-la », "those" point at.
   */
  replyTo?: { invoices: Invoice[] };
  /**
   * The customer's own invoices it names beside her words, when it replies to nothing Facteur
   * sent her: its subject's (« Duplicata facture 1233 »), or the message it passes on's.
   */
  subject?: { invoices: Invoice[] };
}

/** The invoices the message is about before its words name any: the replied-to message's, or else those it names beside her words. */
export function aboutOf(message: Message): Invoice[] {
  const { replyTo, subject } = message.context ?? {};
  return replyTo?.invoices.length ? replyTo.invoices : (subject?.invoices ?? []);
}

/** A chat message (the console, `facteur ask`, a Discord DM): one body, in which the customer may have pasted a mail or a signature. */
export function chatMessage(text: string): Message {
  return { zones: textZones(text), context: { channel: 'chat' } };
}

/** The words a request is read from: the customer's own and a subject, in order; quoted, forwarded, signed and hidden text never ask. */
export function ownWords(message: Message): string[] {
  return message.zones.flatMap((zone) => (zone.kind === 'own' || zone.kind === 'subject' ? zone.lines : []));
}

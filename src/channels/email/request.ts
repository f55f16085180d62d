import type { Command } from '../../assistant/command.js';
import { parse } from '../../assistant/reading/read.js';
import type { Locale } from '../../billing/types.js';

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
}

/**
 * Where a mail's request is: the first lines the customer wrote, or else the subject
 * (`facture 1210` with an empty body, or a body that only says hello), or else both
 * together. Quoted history never counts: a reply to an invoice mail quotes its number.
 */
export function findRequest(subject: string, text: string, today: string): MailRequest {
  const body = ownLines(text).join('\n').slice(0, MAX_CHARS);
  const topic = subjectTopic(subject.slice(0, MAX_CHARS));
  // "Bonjour, merci" in the body and "facture 1210" in the subject: the request is in the subject.
  let talk: MailRequest | undefined;
  for (const candidate of [body, topic, `${topic}\n${body}`]) {
    const { command, locale } = parse(candidate, today);
    if (command && command.intent !== 'smalltalk') return { text: candidate, intent: command.intent, locale };
    if (command) talk ??= { text: candidate, intent: command.intent, locale };
  }
  if (talk) return talk;
  const fallback = body || topic;
  return { text: fallback, intent: null, locale: parse(fallback, today).locale };
}

/** A line that opens quoted history: `Le 3 mars 2025, Awa a écrit :`, `On Mon, ... wrote:`, Outlook's separators. */
const ATTRIBUTION = /^(le\s.*a\s+écrit\s*:|on\s.*wrote\s*:|-{2,}\s*(original message|message d'origine|forwarded message|message transféré)\s*-{2,})\s*$/i;
/** Attributions that mail clients wrap over two lines start like this. */
const ATTRIBUTION_START = /^(le|on)\s/i;
/**
 * A signature written without `-- `: a line of contact details (a phone, a fax, a postal box,
 * a street, a site) ends what the customer wrote, and the line of a name just before it goes with it.
 */
const CONTACT_LINE = /^(?:(?:t[ée]l(?:[ée]phone)?|phone|mobile|portable|cel(?:l)?|whatsapp|fax|gsm)\b\W*|(?:b\.?\s?p\.?|po box|p\.o\. box)\s*\d|www\.|https?:\/\/|\+?\d[\d\s().-]{7,}$|\d{1,4}(?:\s?(?:bis|ter))?,?\s+(?:rue|avenue|av\.?|bd|boulevard|chemin|all[ée]e|impasse|place|route|quai|street|road)\s)/i;
/** A postcode and its town (`75008 Paris`, `33000 Bordeaux Cedex`): an address line. */
const POSTCODE_LINE = /^\d{5}\s+\p{Lu}[\p{L}'’ -]*$/u;
/** A name or a title above a contact line: up to five capitalised words, no digit (a request line has a keyword in lower case or a number). */
const NAME_LINE = /^\p{Lu}[\p{L}'’.-]*(?:,?\s+\p{Lu}[\p{L}'’.-]*){0,4},?$/u;
/** Outlook's quote: a rule of underscores, or a block of headers (`De : … / Envoyé : …`, `From: … / Sent: …`). */
const OUTLOOK_RULE = /^_{10,}$/;
const QUOTED_HEADER = /^\*?(de|from|envoyé|sent|date|à|to|objet|subject)\s*:/i;

/**
 * The text the sender wrote in this message: up to the quoted history (attributions, and
 * Outlook's rule or header block) or the signature (`-- `), without quoted (`>`) or blank
 * lines, at most MAX_LINES lines.
 */
export function ownLines(text: string): string[] {
  // Lines are cut before any pattern looks at them: a request is read from its first characters.
  const lines = text.split(/\r?\n/, 1000).map((line) => line.slice(0, MAX_CHARS));
  const own: string[] = [];
  for (let i = 0; i < lines.length && own.length < MAX_LINES; i++) {
    const line = lines[i]!;
    const trimmed = line.trim();
    if (line === '-- ' || trimmed === '--') break;
    if (ATTRIBUTION.test(trimmed)) break;
    if (ATTRIBUTION_START.test(trimmed) && ATTRIBUTION.test(`${trimmed} ${lines[i + 1]?.trim() ?? ''}`)) break;
    if (OUTLOOK_RULE.test(trimmed) || (/^\*?(de|from)\s*:/i.test(trimmed) && QUOTED_HEADER.test(lines[i + 1]?.trim() ?? ''))) break;
    if (CONTACT_LINE.test(trimmed) || POSTCODE_LINE.test(trimmed)) {
      if (own.length > 1 && NAME_LINE.test(own.at(-1)!)) own.pop();
      break;
    }
    if (trimmed === '' || trimmed.startsWith('>')) continue;
    own.push(trimmed);
  }
  return own;
}

/**
 * The subject without its `Re:`, `Fwd:`, `TR:` prefixes. Each prefix is matched in one
 * way only (no two spans of spaces side by side), so that a subject of a hundred thousand
 * spaces costs a hundred thousand steps, not their square.
 */
export function subjectTopic(subject: string): string {
  return subject.replace(/^\s*(?:(?:re|fwd?|tr|aw|réf|ref)(?:\[\d+\])?\s*:\s*)+/i, '').trim();
}

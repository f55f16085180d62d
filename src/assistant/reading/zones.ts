import { noticeLines } from './notice.js';

/**
 * The zones of a message: which of its words are the customer's own, the first stage of the
 * reading after the message's context. The inbox reads a mail into them (subject, body,
 * hidden HTML); a chat message is a body, where people paste a quoted mail, a forwarded
 * header or their signature as they would in a mail.
 *
 * Where a piece of a message's text comes from, which decides what it may ask:
 * - `own`: what the customer wrote in this message and a reader sees; the only words that
 *   may ask anything;
 * - `subject`: a subject the customer wrote (no reply or forward prefix, no thread);
 * - `replySubject`: the subject of a reply or a forward, someone else's words repeated by a
 *   mail client: it may say which invoices the thread is about, never ask a change;
 * - `quoted`: the history a reply quotes (`>` lines, below « Le … a écrit : » or Outlook's
 *   header block);
 * - `forwarded`: a message passed on, below « ---------- Forwarded message --------- » and the
 *   like, or Outlook's header block in a forward;
 * - `signature`: after `-- `, or from a line of contact details;
 * - `notice`: a payment notice pasted as evidence (a mobile-money SMS, a bank's receipt: see
 *   `notice.ts`), which asks nothing, and may only say which invoice was paid;
 * - `hidden`: what the HTML part holds that a reader cannot see.
 */
export type ZoneKind = 'own' | 'subject' | 'replySubject' | 'quoted' | 'forwarded' | 'signature' | 'notice' | 'hidden';

/** A run of lines of one provenance, in the order the message holds them. */
export interface Zone {
  kind: ZoneKind;
  lines: string[];
}

/** Lines of a body read at most, and characters of each: what is read of a message stays bounded, whatever it holds. */
const MAX_SCANNED_LINES = 1000;
const MAX_LINE = 2000;

/** A closing on a line of its own, after which come a name, a title and contact details. */
const VALEDICTION =
  /^(?:(?:bien\s+)?cordialement|bien\s+à\s+vous|(?:sinc[èe]res\s+|meilleures\s+)?salutations(?:\s+distinguées)?|respectueusement|amicalement|(?:best|kind|warm|warmest)\s+regards|regards|(?:yours\s+)?(?:sincerely|faithfully|truly)|yours\s+(?:sincerely|faithfully|truly))[\s,.!]*$/i;
/** A line wholly between quotation marks: words quoted, pasted from someone else's message (« Merci de faire envoyer les factures à … »). */
const QUOTATION = /^(?:«[^«»]*»|“[^“”]*”|"[^"]*")[.,;:!?]?$/;
/** A header of a pasted mail that names an address (`From: Joseph Tamba <j.tamba@…>`, `À : compta@…`): whose mail it was, never the customer's words. */
const PASTED_HEADER = /^\*?(?:de|from|à|a|to|cc|envoyé par|sent by)\s*:\s*\*?[^:]*@/i;
/** A line that opens quoted history: `Le 3 mars 2025, Awa a écrit :`, `On Mon, ... wrote:`, Outlook's `-----Original Message-----`. */
const ATTRIBUTION = /^(le\s.*a\s+écrit\s*:|on\s.*wrote\s*:|-{2,}\s*(original message|message d'origine)\s*-{2,})\s*$/i;
/** Attributions that mail clients wrap over two lines start like this. */
const ATTRIBUTION_START = /^(le|on)\s/i;
/** A line that opens a forwarded message: Gmail's, Thunderbird's, Yahoo's rules, Apple Mail's sentence. */
const FORWARD =
  /^(-{2,}\s*(forwarded message|message transféré|message réexpédié|mensaje reenviado|weitergeleitete nachricht|messaggio inoltrato|doorgestuurd bericht)\s*-{2,}|(begin forwarded message|début du message réexpédié|début du message transféré)\s*:)\s*$/i;
/** Outlook's quote: a rule of underscores, or a block of headers (`De : … / Envoyé : …`, `From: … / Sent: …`). */
const OUTLOOK_RULE = /^_{10,}$/;
const QUOTED_HEADER = /^\*?(de|from|envoyé|sent|date|à|to|objet|subject)\s*:/i;
/**
 * A signature written without `-- `: a line of contact details (a phone, a fax, a postal box,
 * a street, a site) ends what the customer wrote, and the line of a name just before it goes with it.
 * A label is one only with its number after it, a word or two between (« Tél / WhatsApp : +237 … »):
 * « Téléchargement des factures », « Mobile Money : j'ai payé la 1266 » are the customer's words.
 */
const CONTACT_LINE =
  /^(?:(?:t[ée]l(?:[ée]phone)?|phone|mobile|portable|cel(?:l)?|whatsapp|fax|gsm)(?!\p{L})(?:[^\p{L}\d+]*\p{L}+){0,2}[^\p{L}\d+]*\+?\(?\+?\d[\d\s().-]{6,}|(?:e-?mail|courriel)(?:\s+(?:perso|personnel|pro|professionnel|personal|work|priv[ée]e?))?\s*:\s*\S+@|(?:b\.?\s?p\.?|po box|p\.o\. box)\s*\d|www\.|https?:\/\/|\+?\d[\d\s().-]{7,}$|\d{1,4}(?:\s?(?:bis|ter))?,?\s+(?:rue|avenue|av\.?|bd|boulevard|chemin|all[ée]e|impasse|place|route|quai|street|road)\s)/iu;
/** A postcode and its town (`75008 Paris`, `33000 Bordeaux Cedex`): an address line. */
const POSTCODE_LINE = /^\d{5}\s+\p{Lu}[\p{L}'’ -]*$/u;
/** A name or a title above a contact line: up to five capitalised words, no digit (a request line has a keyword in lower case or a number). */
const NAME_LINE = /^\p{Lu}[\p{L}'’.-]*(?:,?\s+\p{Lu}[\p{L}'’.-]*){0,4},?$/u;
/** A phone's or a mail app's signature (« Envoyé de mon iPhone », "Sent from my Galaxy"): to the end of its sentence. */
const SENT_FROM = /^(?:envoy[ée] (?:de|depuis) (?:mon|ma)|sent from my|get outlook for)\b(?:[^.!?]|[.!?](?=\S))*[.!?]?\s*/i;
/** A signature on one line, its parts between bars or bullets, one of them an address or a phone (`Awa Nkolo | Gérante | contact@… | +237 …`). */
const SIGNATURE_LINE = /^[^|•·]+(?:\s[|•·]\s[^|•·]+){2,}$/;
const REACHABLE = /@|\+?\d[\d\s().-]{7,}/;

/**
 * The body's zones. What the sender wrote runs up to the quoted history or the forwarded
 * message, which run to the end, with the signature between; `>` lines anywhere are quoted
 * (an answer written between them is the sender's again). Outlook's header block opens a
 * forwarded message in a forward (`forward`), quoted history otherwise. Blank lines belong
 * to no zone.
 */
export function textZones(text: string, forward = false): Zone[] {
  // Lines are cut before any pattern looks at them: a request is read from its first characters.
  const lines = linesOf(text);
  const zones: Zone[] = [];
  const add = (kind: ZoneKind, line: string) => {
    const last = zones.at(-1);
    if (last?.kind === kind) last.lines.push(line);
    else zones.push({ kind, lines: [line] });
  };
  const notice = noticeLines(lines);
  let signed = false;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const trimmed = line.trim();
    const opens = history(trimmed, lines[i + 1]?.trim() ?? '', forward);
    if (opens) {
      for (const rest of lines.slice(i)) if (rest.trim() !== '') add(opens, rest.trim());
      break;
    }
    const sentFrom = SENT_FROM.exec(trimmed)?.[0];
    if (line === '-- ' || trimmed === '--') signed = true;
    else if (trimmed === '') continue;
    else if (!signed && notice.has(i)) add('notice', trimmed);
    else if (sentFrom) {
      // "Sent from my Galaxy (…). Anyway, what's my balance?": the app's line, then the sender's words again.
      add('signature', sentFrom.trim());
      const rest = trimmed.slice(sentFrom.length).trim();
      if (rest) add(signed ? 'signature' : 'own', rest);
    } else if (SIGNATURE_LINE.test(trimmed) && REACHABLE.test(trimmed)) {
      signed = true;
      add('signature', trimmed);
    }
    // `> …`, a line wholly between quotation marks (« … », “…”), a pasted mail's header naming an address: someone else's words.
    else if (trimmed.startsWith('>') || QUOTATION.test(trimmed) || PASTED_HEADER.test(trimmed)) add('quoted', trimmed);
    // « Cordialement, », "Kind regards,": what follows is the name and title of whoever wrote it.
    else if (!signed && ownLineCount(zones) > 0 && VALEDICTION.test(trimmed)) {
      signed = true;
      add('signature', trimmed);
    } else if (!signed && isContactLine(trimmed)) {
      // Above the customer's words it is a letterhead (« Nkolo SARL, BP 1226 Douala »): only that line is no request.
      signed = ownLineCount(zones) > 0;
      const last = zones.at(-1);
      if (last?.kind === 'own' && ownLineCount(zones) > 1 && NAME_LINE.test(last.lines.at(-1)!)) {
        const name = last.lines.pop()!;
        if (last.lines.length === 0) zones.pop();
        add('signature', name);
      }
      add('signature', trimmed);
    } else add(signed ? 'signature' : 'own', trimmed);
  }
  return zones;
}

/** The kind of zone this line opens till the end of the body, or null: an attribution (wrapped or not), a forward's rule, Outlook's rule or header block. */
function history(line: string, next: string, forward: boolean): 'quoted' | 'forwarded' | null {
  if (FORWARD.test(line)) return 'forwarded';
  if (ATTRIBUTION.test(line) || (ATTRIBUTION_START.test(line) && ATTRIBUTION.test(`${line} ${next}`)))
    return forward && !ATTRIBUTION_START.test(line) ? 'forwarded' : 'quoted';
  if (OUTLOOK_RULE.test(line) || (/^\*?(de|from)\s*:/i.test(line) && QUOTED_HEADER.test(next))) return forward ? 'forwarded' : 'quoted';
  return null;
}

/** A line of contact details: no question, and short, for « BP 1275 Yaoundé — pouvez-vous me renvoyer la facture ? » is a request that names a postal box. */
function isContactLine(line: string): boolean {
  // « 1210 1214 1217 »: invoice numbers, not a phone's groups of two or three digits.
  const numbers = /^\d{4,}(?:[\s,;]+\d{4,})+$/.test(line);
  return line.length <= 80 && !line.includes('?') && !numbers && (CONTACT_LINE.test(line) || POSTCODE_LINE.test(line));
}

function ownLineCount(zones: Zone[]): number {
  return zones.reduce((count, zone) => count + (zone.kind === 'own' ? zone.lines.length : 0), 0);
}

export function linesOf(text: string): string[] {
  return text.split(/\r?\n/, MAX_SCANNED_LINES).map((line) => line.slice(0, MAX_LINE));
}

/** The lines of the zones of this kind, in order. */
export function linesIn(zones: Zone[], kind: ZoneKind): string[] {
  return zones.flatMap((zone) => (zone.kind === kind ? zone.lines : []));
}

/**
 * What a message passed on says in its author's own words: the lines of its `kinds` zones
 * (forwarded, or pasted and quoted) without the rule or attribution that opens them, the
 * header block, `>` marks and quotation marks, and without that author's signature.
 */
export function passedOn(zones: Zone[], kinds: ZoneKind[]): string[] {
  const lines = zones
    .filter((zone) => kinds.includes(zone.kind))
    .flatMap((zone) => zone.lines)
    .map((line) =>
      line
        .replace(/^(?:>\s?)+/, '')
        .replace(/^[«“"]\s*|\s*[»”"]$/g, '')
        .trim(),
    )
    .filter(
      (line) =>
        line !== '' && !FORWARD.test(line) && !ATTRIBUTION.test(line) && !OUTLOOK_RULE.test(line) && !QUOTED_HEADER.test(line) && !/^\*?cc\s*:/i.test(line),
    );
  return linesIn(textZones(lines.join('\n')), 'own');
}

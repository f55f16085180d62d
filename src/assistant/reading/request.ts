import type { Locale } from '../../billing/types.js';
import type { Command } from '../command.js';
import { mayAsk, type Words } from '../provenance.js';
import { designates } from './context.js';
import type { Message } from './message.js';
import { read, type ReadingOptions } from './read.js';
import { noticeReferences } from './notice.js';
import { linesIn, passedOn, type Zone, type ZoneKind } from './zones.js';

/** Lines of the message's own text read at most: a request is a sentence or two, not a newsletter. */
export const MAX_LINES = 20;
/** Characters of the request read at most, however long its lines. */
const MAX_CHARS = 2000;

/** What a message asks, where in it that was read, and whose words those are. */
export interface Request {
  command: Command | null;
  /** The language it is written in, when its words say so. */
  locale: Locale | null;
  /** The words the command was read from. */
  text: string;
  /** Whose words `text` is: `quoted` when a reply's or forward's subject is part of it (see `mayAsk`). */
  words: Words;
}

/**
 * Where a message's request is, read with its context (see `context.ts`): the customer's own
 * words first; or else the subject (`facture 1210` with an empty body, or a body that only
 * says hello), or else both together. Quoted history, forwarded text, the signature and
 * hidden text never ask. A reply's or forward's subject is someone else's words: a reading of
 * it that asks more than it may (see `mayAsk`) gives way to the customer's own words, even a
 * mere « merci », and is chosen only when nothing else is understood, for the assistant to say
 * why it does nothing. A reply to a message Facteur sent the customer is about what that
 * message carried: its subject is Facteur's own, and never the request.
 */
export function readRequest(message: Message, today: string, options: ReadingOptions = {}): Request {
  const own = ownLines(message.zones);
  const subject = message.zones.find((zone) => zone.kind === 'subject' || zone.kind === 'replySubject');
  const topic = (subject?.lines.join(' ') ?? '').slice(0, MAX_CHARS);
  const borrowed = subject?.kind === 'replySubject';
  const threaded = (message.context?.replyTo?.invoices.length ?? 0) > 0;
  const reading = (lines: string[], words: Words): Request => {
    const text = lines.join('\n').slice(0, MAX_CHARS);
    const { parsed } = read({ zones: [{ kind: 'own', lines: text.split('\n') }], ...(message.context ? { context: message.context } : {}) }, today, options);
    return { ...parsed, text, words };
  };
  const candidates = [reading(own, 'own')];
  if (topic && !(borrowed && threaded)) candidates.push(reading([topic], borrowed ? 'quoted' : 'own'), reading([topic, ...own], borrowed ? 'quoted' : 'own'));
  // « réglée 👇 » over an Orange Money SMS: a payment claimed, the SMS its evidence.
  const claimed = claimShown(message, candidates[0]!, today, options);
  if (claimed) return claimed;
  // « Voir la demande de la banque plus bas » over a forwarded request: that request.
  const passed = asFor(message, candidates[0]!, today, options);
  if (passed) return passed;
  // "Bonjour, merci" in the body and "facture 1210" in the subject: the request is in the subject.
  let talk: Request | undefined;
  let unasked: Request | undefined;
  for (const found of candidates) {
    if (!found.command) continue;
    if (!mayAsk(found.words, found.command)) unasked ??= found;
    else if (found.command.intent !== 'smalltalk') return found;
    else talk ??= found;
  }
  if (talk ?? unasked) return (talk ?? unasked)!;
  return own.length > 0 ? candidates[0]! : (candidates[1] ?? candidates[0]!);
}

/**
 * A message passed on (forwarded, or pasted and quoted in a chat), read as the customer's
 * request when her own words name nothing of their own and point at it (« je vous transfère
 * la demande de mon comptable », « cf. message ci-dessous », "see below", « la banque demande
 * ça : »): what it asks, as quoted words, which may only ask for what goes back to her (see
 * `mayAsk`), never a change; what her words say of the form (« en zip », "just the list")
 * wins. Her words that ask something complete (« ce qu'on doit », "a statement") stand.
 */
function asFor(message: Message, own: Request, today: string, options: ReadingOptions): Request | undefined {
  if (own.command && designates(own.command)) return undefined;
  if (!POINTING.test(own.text)) return undefined;
  const lines = passedOn(message.zones, passedOnKinds(message)).slice(0, MAX_LINES);
  if (lines.length === 0) return undefined;
  const { parsed } = read({ zones: [{ kind: 'own', lines }], ...(message.context ? { context: message.context } : {}) }, today, options);
  const asked = parsed.command;
  if (!asked || !mayAsk('quoted', asked) || !designates(asked)) return undefined;
  return { command: inForm(own, asked), locale: own.locale ?? parsed.locale, text: [own.text, ...lines].join('\n'), words: 'quoted' };
}

/**
 * The customer's words above a payment notice she pasted (« réglée 👇 », "paid the november
 * one:", « voici la preuve pour la formation »): a payment claimed, the notice its evidence
 * (see `notice.ts`). The invoices are those her words name (their numbers, their month), or
 * else those the notice names as paid (« Ref. facture: 1286 »: whoever's they are, for only
 * her own can be claimed), or else which of her unpaid ones, asked when several. A question
 * (« combien me reste-t-il ? ») or words that ask anything else stand as they are.
 */
function claimShown(message: Message, own: Request, today: string, options: ReadingOptions): Request | undefined {
  const notice = linesIn(message.zones, 'notice');
  if (notice.length === 0 || (own.command && !CLAIMABLE.has(own.command.intent))) return undefined;
  if (own.command?.intent === 'paidClaim' && own.command.numbers.length > 0) return own;
  const { sentences } = read(
    { zones: [{ kind: 'own', lines: own.text.split('\n') }], ...(message.context ? { context: message.context } : {}) },
    today,
    options,
  );
  const saying = sentences.filter(({ text }) => CLAIMING.test(text) && !text.trim().endsWith('?'));
  if (saying.length === 0) return undefined;
  const claim = (command: Command): Request => ({ ...own, command });
  const numbers = [...new Set(sentences.flatMap(({ sentence }) => sentence.numbers))];
  if (numbers.length > 0) return claim({ intent: 'paidClaim', numbers });
  const references = noticeReferences(notice);
  if (references.length > 0) return claim({ intent: 'paidClaim', numbers: references });
  // "paid the november one": the month it was issued; "paid this one on Friday": the day it was paid, which names none.
  const range = saying.map(({ sentence }) => sentence.period?.range).find((r) => r !== undefined && !(r.from !== undefined && r.from === r.to));
  const filter = range ? { ...(range.from ? { from: range.from } : {}), ...(range.to ? { to: range.to } : {}) } : {};
  return claim({ intent: 'paidClaim', numbers: [], filter, ...(saying.some(({ text }) => PLURAL.test(text)) ? { every: true } : {}) });
}

/** A claim of several: « les deux factures d'octobre », « celles de novembre », "both", "these two", "the invoices". */
const PLURAL =
  /(?<!\p{L})(?:factures|invoices|bills|celles|toutes|both|(?:les|ces|mes|nos)\s+(?:deux|trois|quatre)|(?:the|these|those|all|my|our)\s+(?:two|three|four))(?!\p{L})/iu;

/** What words above a notice may read as, which a claim then replaces: nothing, a reading of its payment words (« réglée » as the paid list), small talk. */
const CLAIMABLE = new Set<Command['intent']>(['paidClaim', 'list', 'singleInvoice', 'details', 'pdf', 'smalltalk', 'help', 'offTopic']);
/** Words that say a payment was made, or show its evidence. */
const CLAIMING =
  /(?<!\p{L})(?:pay[ée]e?s?|r[ée]gl[ée]e?s?|paid|settled|vir[ée]e?s?|virement|transf[ée]r[ée]e?s?|transferred|preuve|proof|justificatif|receipt|c['’]est\s+(?:fait|bon|ok)|done)(?!\p{L})/iu;

/** Words with which the customer's own words point at a message they pass on. */
const POINTING =
  /ci-?dessous|dessous|plus bas|ci-apr[eè]s|\bbelow\b|underneath|transf[eè]r|forward|\bfwd\b|\bcf\b|\bvoir\b|\bvoyez\b|\bvoici\b|\bsee\b|\bça\s*:|\bca\s*:|\bthis\s*:|\bdemand|r[ée]clam|\brequest|\bneeds?\b|\bwants?\b/i;

/** The zones a message passes on: a mail's forwarded one; a chat message's pasted and quoted lines too (a mail's quoted history is its thread's). */
function passedOnKinds(message: Message): ZoneKind[] {
  return message.context?.channel === 'mail' ? ['forwarded'] : ['forwarded', 'quoted'];
}

/**
 * What the passed-on message asks, in the form the customer's own words ask for: a ZIP, a
 * list, the files. Asked to send it on (« pouvez-vous me faire parvenir ce qu'elle réclame »,
 * "send me what he needs"), what a third party lacks is their files, not a list of them.
 */
function inForm(own: Request, asked: Command): Command {
  const form =
    own.command?.intent === 'zip' || own.command?.intent === 'list' || own.command?.intent === 'files'
      ? own.command.intent
      : SENDING.test(own.text) && asked.intent === 'list'
        ? 'files'
        : null;
  const filter =
    asked.intent === 'pdf' || asked.intent === 'resend' ? { numbers: asked.numbers } : 'filter' in asked && asked.filter ? asked.filter : undefined;
  return form && filter ? { intent: form, filter } : asked;
}

/** Words that ask for something to be sent on. */
const SENDING = /envo|parvenir|transmet|fourni|faire suivre|\bsend\b|\bforward\b|\bprovide\b|\bpass\b/i;

/** The customer's own lines, at most MAX_LINES. */
export function ownLines(zones: Zone[]): string[] {
  return linesIn(zones, 'own').slice(0, MAX_LINES);
}

/**
 * The invoice numbers a message names beside the customer's own words, for the context of
 * words that name none: its subject's (« Duplicata facture 1233 », "Re: Invoice 1266"), or else
 * those of the message it passes on (« Je vous retourne votre relance : cette facture … »).
 */
export function namedNumbers(message: Message, today: string, options: ReadingOptions = {}): string[] {
  const subject = message.zones.find((zone) => zone.kind === 'subject' || zone.kind === 'replySubject');
  const inSubject = numbersIn(subject?.lines.map((line) => line.slice(0, MAX_CHARS)) ?? [], today, options);
  return inSubject.length > 0 ? inSubject : numbersIn(passedOn(message.zones, passedOnKinds(message)).slice(0, MAX_LINES), today, options);
}

function numbersIn(lines: string[], today: string, options: ReadingOptions): string[] {
  if (lines.length === 0) return [];
  const { sentences } = read({ zones: [{ kind: 'own', lines }] }, today, options);
  return [...new Set(sentences.flatMap(({ sentence }) => sentence.numbers))];
}

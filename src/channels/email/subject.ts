/** Characters of a subject read at most. */
export const MAX_SUBJECT = 1000;

/**
 * The prefixes mail clients put before the subject of the message answered or passed on,
 * by language (Outlook, Gmail, Thunderbird, Apple Mail, Lotus Notes, webmails), lower case
 * and without accents. A client adds its own whatever the subject already holds, so the
 * list must hold every client's: a subject not recognised as borrowed would be taken as
 * the customer's own words.
 */
const REPLY = [
  're',
  'res',
  'rep',
  'reponse',
  'ref',
  'rif',
  'r',
  'aw',
  'antw',
  'antwort',
  'sv',
  'svar',
  'vs',
  'va',
  'odp',
  'odg',
  'ynt',
  'atb',
  'ats',
  'bls',
  'απ',
  'σχετ',
  'отв',
  'השב',
  'رد',
  '回复',
  '答复',
  '回覆',
  '答覆',
  '返信',
  '회신',
];
const FORWARD = [
  'fwd',
  'fw',
  'tr',
  'wg',
  'vb',
  'vl',
  'i',
  'rv',
  'enc',
  'pd',
  'doorst',
  'pr',
  'ilt',
  'tovabbitas',
  'tov',
  'fs',
  'pars',
  'pers',
  'trs',
  'πρθ',
  'пересл',
  'הועבר',
  '转发',
  '轉寄',
  '转寄',
  '転送',
  '전달',
];
const PREFIXES = new Map<string, 'reply' | 'forward'>([...REPLY.map((word) => [word, 'reply'] as const), ...FORWARD.map((word) => [word, 'forward'] as const)]);

/**
 * One prefix at the start of what is left: a word (`Re`, `AW`, `Réf.`, `回复`), perhaps a
 * counter (`[2]`, `(3)`, `^2`), then a colon, ASCII or full width; or a list's tag in
 * brackets (`[Clients]`). Every quantifier is bounded and the match anchored, so reading a
 * subject costs steps in proportion to its length.
 */
const PREFIX = /^\s{0,20}(?:\[[^\][]{0,60}\]|([\p{L}\p{M}]{1,12})\.?\s{0,3}(?:\[\d{1,4}\]|\(\d{1,4}\)|\^\d{1,4})?\s{0,3}[:：])/u;

/** A subject as its words' provenance: the customer's own (`fresh`), or borrowed from the message a reply or forward carries on. */
export interface Subject {
  /** `reply` or `forward` when a client's prefix (or the thread's headers) says the words were there before the customer wrote. */
  borrowed: 'reply' | 'forward' | null;
  /** The subject without its prefixes and list tags: what the words say. */
  topic: string;
}

/**
 * Reads a subject. It is borrowed when it starts with a reply or forward prefix, in any
 * language or case, repeated or behind list tags; or when the message answers another
 * (`threaded`: In-Reply-To or References), whose subject a mail client copies whatever its
 * language. The first prefix decides between reply and forward: `Re: TR: …` is a reply to
 * a forward. A list tag alone (`[URGENT] facture 1210`) leaves a subject the customer's; it is
 * no part of the topic.
 */
export function readSubject(subject: string, threaded: boolean): Subject {
  let rest = subject.slice(0, MAX_SUBJECT);
  let borrowed: Subject['borrowed'] = null;
  for (let match = PREFIX.exec(rest); match; match = PREFIX.exec(rest)) {
    const word = match[1];
    const kind = word === undefined ? undefined : PREFIXES.get(word.normalize('NFD').replace(/\p{M}/gu, '').normalize('NFC').toLowerCase());
    if (word !== undefined && kind === undefined) break;
    borrowed ??= kind ?? null;
    rest = rest.slice(match[0].length);
  }
  return { borrowed: borrowed ?? (threaded ? 'reply' : null), topic: rest.trim() };
}

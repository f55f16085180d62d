import type { InboundMail } from './read.js';

/** Senders that are machines by name: bounces, postmasters, "do not reply" robots. */
const ROBOT_SENDER = /^(mailer-daemon|postmaster|no-?reply|do-?not-?reply)([+._-].*)?@/i;

/**
 * Why a message was written by a machine rather than a person, or null for a person.
 * Answering a machine starts a loop (two auto-responders answering each other) or spams a
 * list, so such a message is never answered, whoever it claims to come from:
 * RFC 3834 `Auto-Submitted` other than `no`, bulk and list mail, bounces (empty return
 * path, MAILER-DAEMON, delivery reports), Exchange's `X-Auto-Response-Suppress`, the
 * usual vacation headers, and Facteur's own addresses.
 */
export function automaticReason(mail: InboundMail, ownAddresses: ReadonlySet<string>): string | null {
  const header = (name: string) => mail.headers.get(name) ?? [];
  const autoSubmitted = header('auto-submitted').find((value) => value.split(';')[0]!.trim().toLowerCase() !== 'no');
  if (autoSubmitted !== undefined) return `Auto-Submitted: ${autoSubmitted}`;
  const precedence = header('precedence').find((value) => /^(bulk|junk|list)$/i.test(value.trim()));
  if (precedence !== undefined) return `Precedence: ${precedence}`;
  for (const name of ['list-id', 'list-unsubscribe', 'x-auto-response-suppress', 'x-autoreply', 'x-autorespond']) {
    if (header(name).length > 0) return `${name} header`;
  }
  if (header('return-path').some((value) => /^<?\s*>?$/.test(value.trim()))) return 'empty return path';
  if (mail.contentType === 'multipart/report') return 'delivery report (multipart/report)';
  if (ROBOT_SENDER.test(mail.sender)) return `robot sender ${mail.sender}`;
  if (ownAddresses.has(mail.sender)) return `sent by Facteur itself (${mail.sender})`;
  return outOfOffice(mail);
}

/** Subjects an out-of-office reply carries, in the mail clients' languages, sent without the headers that would say so. */
const AWAY_SUBJECT =
  /^\s*(?:automatic reply|auto(?:matic)?[- ]?reply|auto\s*:|r[ée]ponse automatique|absence du bureau|message d'absence|out of (?:the )?office|abwesenheitsnotiz|risposta automatica|respuesta autom[áa]tica)\b/i;
/** An away message's own words: being away… */
const AWAY =
  /message d'absence|je suis (?:actuellement )?(?:absente?|en cong[ée]s?|en vacances|en d[ée]placement)|(?:i am|i'm) (?:currently )?(?:out of (?:the )?office|away|on (?:leave|vacation|holiday))/i;
/** …and when one comes back or whom to see meanwhile. */
const BACK =
  /à mon retour|d[èe]s mon retour|jusqu'au|accès limité|pour toute urgence|until|on my return|upon my return|limited access|for urgent matters|in my absence/i;

/** A question or a request made to us, which an away message does not hold (« je suis en congé : pouvez-vous m'envoyer … ? »). */
const ASKS = /\?|m'envoyer|envoyez-moi|renvoyer|send me|resend/i;

/**
 * An out-of-office reply a mail server or client sent without the headers that say so: its
 * subject (« Réponse automatique : », "Automatic reply:"), or words that say both that its
 * writer is away and when they are back or whom to ask meanwhile, and ask us nothing. It is never answered, and
 * its words (« Votre message concernant la facture 1291 sera traité à mon retour ») ask nothing.
 */
function outOfOffice(mail: InboundMail): string | null {
  if (AWAY_SUBJECT.test(mail.subject)) return `out-of-office subject: ${mail.subject.slice(0, 80)}`;
  const start = mail.text.slice(0, 1000);
  return AWAY.test(start) && BACK.test(start) && !ASKS.test(start) ? 'out-of-office message' : null;
}

/** Words that say a mail wants no answer: « aucune suite à donner », "no action needed". */
const NO_ANSWER =
  /aucune (?:suite|action|réponse) (?:à donner|n[ée]cessaire|requise)|sans suite|pas besoin de (?:me )?r[ée]pondre|ne n[ée]cessite (?:aucune|pas de) r[ée]ponse|no (?:further )?action (?:is )?(?:needed|required)|no (?:reply|response|answer) (?:is )?(?:needed|required|necessary)|no need to (?:reply|respond|answer)/i;

/** Words that ask us something all the same (« … mais pourriez-vous m'envoyer la facture 1210 ? »). */
const ASKS_US = /\?|pouvez|pourriez|merci de (?:me|nous)|envoyez|renvoyez|transmettez|please|could you|can you|would you|send me/i;

/**
 * A person's mail that says it wants no answer and asks us nothing else (« Par la présente,
 * nous confirmons la bonne réception de la facture 1291. Aucune suite à donner. », "Received with
 * thanks. No action needed on your side."): answering it would only be noise in their inbox.
 */
export function wantsNoAnswer(ownText: string): boolean {
  return NO_ANSWER.test(ownText) && !ASKS_US.test(ownText.replace(new RegExp(NO_ANSWER.source, 'gi'), ''));
}

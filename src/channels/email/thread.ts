import type { InboundMail } from './read.js';

/** References kept in a reply: the thread's first message and the latest ones, as RFC 5322 suggests for long threads. */
const MAX_REFERENCES = 20;

/**
 * The conversation a mail belongs to: its sender's, in the thread named by its first
 * message, so that "suivant" in a reply continues the list asked for at the start of the
 * thread, and only for the one who asked (anyone can write References to any thread).
 */
export function conversationOf(mail: InboundMail): string {
  return `email:${mail.sender}:${mail.references[0] ?? mail.inReplyTo ?? mail.messageId ?? ''}`;
}

/** The messages a mail answers, the nearest first: the one it replies to, then the thread's from the newest. */
export function repliedTo(mail: InboundMail): string[] {
  return [...new Set([...(mail.inReplyTo ? [mail.inReplyTo] : []), ...mail.references.toReversed()])];
}

/** In-Reply-To and References for an answer to `mail`, so that every mail client files it in the thread. */
export function threadHeaders(mail: InboundMail): { inReplyTo?: string; references?: string[] } {
  if (mail.messageId === null) return {};
  const earlier = mail.references.length > 0 ? mail.references : mail.inReplyTo ? [mail.inReplyTo] : [];
  const chain = [...new Set([...earlier, mail.messageId])];
  const references = chain.length > MAX_REFERENCES ? [chain[0]!, ...chain.slice(-(MAX_REFERENCES - 1))] : chain;
  return { inReplyTo: mail.messageId, references };
}

/** Subjects longer than this are not repeated in an answer. */
const MAX_ECHOED_SUBJECT = 78;

/**
 * `Re: ` once, however many replies deep: `Re: Re: Re:` helps nobody. The subject is the
 * sender's words, sent back from the provider's own domain: one that names a link, a site
 * or an address, or runs long, could make a forged request's answer a phishing mail to the
 * customer, so it is replaced by `fallback` (the thread still holds by In-Reply-To), as is
 * an empty one.
 */
export function replySubject(subject: string, fallback: string): string {
  const topic = subject.trim().replace(/^(re\s*:\s*)+/i, '');
  const plain = topic !== '' && topic.length <= MAX_ECHOED_SUBJECT && !/:\/\/|www\.|@|[\p{L}\d-]\.\p{L}{2,}/u.test(topic) && !/\p{C}/u.test(topic);
  return `Re: ${plain ? topic : fallback}`;
}

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
  return null;
}

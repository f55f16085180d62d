import parseHeader from 'mailauth/lib/parse-dkim-headers.js';
import type { InboundMail } from './read.js';

/**
 * Whether our receiving server vouches that the From domain passed DMARC: the topmost
 * `Authentication-Results` header (RFC 8601) whose authserv-id is ours says `dmarc=pass`
 * with `header.from` the From's domain. A result with no `header.from` says nothing about
 * this From. Headers of other authserv-ids, and ours further down, were written by someone
 * else on the way and are not read: the receiving server must remove forged ones bearing
 * its id (RFC 8601 §5).
 *
 * The header is read by mailauth's parser, never by patterns: quoted values and comments
 * may hold anything, semicolons and `dmarc=pass` included.
 */
export function dmarcPasses(mail: InboundMail, authservId: string): boolean {
  const ours = (mail.headers.get('authentication-results') ?? []).map(results).find((parsed) => parsed?.authservId === authservId.toLowerCase());
  const dmarc = ours?.dmarc;
  if (!dmarc || Array.isArray(dmarc) || typeof dmarc === 'string') return false;
  const domain = mail.sender.slice(mail.sender.lastIndexOf('@') + 1);
  return dmarc.value?.toLowerCase() === 'pass' && dmarc.header?.from?.toLowerCase() === domain;
}

/** One header's results by method, with its authserv-id in lower case; null when it cannot be read. */
function results(value: string) {
  try {
    const { parsed } = parseHeader(`Authentication-Results: ${value}`);
    const authservId = parsed.value?.trim().split(/\s+/)[0]?.toLowerCase();
    return authservId ? { authservId, dmarc: parsed.dmarc } : null;
  } catch {
    return null;
  }
}

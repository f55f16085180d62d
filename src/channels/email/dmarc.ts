import parseHeader from 'mailauth/lib/parse-dkim-headers.js';
import type { InboundMail } from './read.js';

/** What our receiving server says of the From: DMARC passed, failed, or nothing that can be relied on. */
export type DmarcVerdict = 'pass' | 'fail' | 'none';

/**
 * What our receiving server vouches for: the topmost `Authentication-Results` header (RFC
 * 8601) whose authserv-id is ours, its `dmarc` result for `header.from` the From's domain. A
 * result for no domain or another says nothing about this From. Headers of other
 * authserv-ids, and ours further down, were written by someone else on the way and are not
 * read: the receiving server must remove forged ones bearing its id (RFC 8601 §5).
 *
 * The header is read by mailauth's parser, never by patterns: quoted values and comments
 * may hold anything, semicolons and `dmarc=pass` included. Where that parser and the RFC
 * could read a header two ways (see `ambiguous`), it is not relied on.
 */
export function dmarcVerdict(mail: InboundMail, authservId: string): DmarcVerdict {
  const ours = (mail.headers.get('authentication-results') ?? []).map(results).find((parsed) => parsed?.authservId === authservId.toLowerCase());
  const dmarc = ours?.dmarc;
  if (!ours || ours.ambiguous || !dmarc || Array.isArray(dmarc) || typeof dmarc === 'string') return 'none';
  const domain = mail.sender.slice(mail.sender.lastIndexOf('@') + 1);
  if (dmarc.header?.from?.toLowerCase() !== domain) return 'none';
  const value = dmarc.value?.toLowerCase();
  return value === 'pass' ? 'pass' : value === 'fail' ? 'fail' : 'none';
}

/** One header's results by method, with its authserv-id in lower case; null when it cannot be read. */
function results(value: string) {
  try {
    const { parsed } = parseHeader(`Authentication-Results: ${value}`);
    const authservId = parsed.value?.trim().split(/\s+/)[0]?.toLowerCase();
    return authservId ? { authservId, dmarc: parsed.dmarc, ambiguous: ambiguous(value) } : null;
  } catch {
    return null;
  }
}

/**
 * Whether readers may disagree on what the header says, so that it is safer not to rely on
 * it: mailauth takes `'` for a quote and never ends a backslash escape, where RFC 5322 does
 * neither, and it keeps only the last of two results of one method. A value our own server
 * copied from the sender (a HELO name, an envelope address) could use either to smuggle in
 * a second `dmarc=pass`. Our server's own headers hold none of these.
 */
function ambiguous(value: string): boolean {
  if (value.includes("'") || value.includes('\\')) return true;
  return methods(value).filter((method) => method === 'dmarc').length > 1;
}

/** The method names of a header's results (`spf`, `dkim`, `dmarc`…), outside quoted strings and comments. */
function methods(value: string): string[] {
  const names: string[] = [];
  let segment = '';
  let depth = 0;
  let quoted = false;
  for (const char of `${value};`) {
    if (quoted) quoted = char !== '"';
    else if (char === '(') depth++;
    else if (char === ')' && depth > 0) depth--;
    else if (depth > 0) continue;
    else if (char === '"') quoted = true;
    else if (char === ';') {
      names.push(segment.trim().split('=')[0]!.trim().toLowerCase());
      segment = '';
    } else segment += char;
  }
  return names.slice(1);
}

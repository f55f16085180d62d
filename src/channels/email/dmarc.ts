import type { InboundMail } from './read.js';

/**
 * Whether the receiving server vouches that the From domain passed DMARC: an
 * `Authentication-Results` header (RFC 8601) whose authserv-id is our own server's, with
 * `dmarc=pass` for the From's domain. Headers naming another authserv-id are ignored,
 * since anyone can write one; the receiving server must remove forged ones bearing its id.
 */
export function dmarcPasses(mail: InboundMail, authservId: string): boolean {
  const domain = mail.sender.slice(mail.sender.lastIndexOf('@') + 1);
  return (mail.headers.get('authentication-results') ?? []).some((value) => {
    const [id, ...results] = stripComments(value).split(';');
    if (id?.trim().split(/\s+/)[0]?.toLowerCase() !== authservId.toLowerCase()) return false;
    return results.some((result) => {
      if (!/^\s*dmarc\s*=\s*pass\b/i.test(result)) return false;
      const from = /\bheader\.from\s*=\s*"?([^\s";]+)/i.exec(result)?.[1];
      return from === undefined || from.toLowerCase() === domain;
    });
  });
}

/** Drops RFC 5322 comments, `(like this)`, which may hold anything, semicolons included. */
function stripComments(value: string): string {
  let depth = 0;
  let text = '';
  for (const char of value) {
    if (char === '(') depth++;
    else if (char === ')' && depth > 0) depth--;
    else if (depth === 0) text += char;
  }
  return text;
}

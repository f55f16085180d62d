/**
 * An error a person acts on: its message names what is wrong (the setting, the file, the
 * folder), why, and what to do, and is all the `facteur` command prints of it (no stack trace).
 */
export class ActionableError extends Error {
  override name = 'ActionableError';
}

/** System error codes that say the machine cannot do the work now, whatever was asked. */
const MACHINE = new Set(['ENOSPC', 'EDQUOT', 'EROFS', 'EACCES', 'EPERM', 'EIO', 'EMFILE', 'ENFILE']);

/**
 * Failures of the machine rather than of a request: the disk is full or the quota used up,
 * a file system read-only or a folder not Facteur's to write. They are no answer to give a
 * customer ("a problem prevents us from answering" would close the request as answered):
 * the work is left to be done again once the operator has fixed the cause.
 */
export function isMachineFault(error: unknown): boolean {
  for (let e = error as { code?: unknown; cause?: unknown } | undefined, depth = 0; e && depth < 5; e = e.cause as typeof e, depth++) {
    if (typeof e.code === 'string' && MACHINE.has(e.code)) return true;
  }
  return false;
}

/** SMTP replies about Facteur's own login, not about a recipient: authentication required, too weak, refused, or unavailable. */
const OWN_LOGIN_REPLIES = new Set([530, 534, 535, 538]);

/**
 * A mail server's refusal of Facteur itself (its login, its settings), not of a message:
 * nothing a retry of that message can cure, but no fault of the message either. The message
 * waits for the operator to fix the settings, and the log says so loudly.
 */
export function isOwnMailFault(error: unknown): boolean {
  const e = error as { code?: unknown; responseCode?: unknown };
  return e.code === 'EAUTH' || (typeof e.responseCode === 'number' && OWN_LOGIN_REPLIES.has(e.responseCode));
}

/**
 * A message with nothing left to say when its time came (a reminder whose invoices were all
 * paid meanwhile): not sent, and no failure either. The port that finds it so marks it `moot`.
 */
export function isMoot(error: unknown): boolean {
  return (error as { moot?: boolean }).moot === true;
}

/**
 * A refusal of the message that retrying cannot cure: an SMTP 5xx about it (not about
 * Facteur's login), or a port's own `permanent` mark (a Discord user who blocks DMs).
 */
export function isPermanent(error: unknown): boolean {
  const e = error as { responseCode?: number; permanent?: boolean };
  if (e.permanent === true) return true;
  return typeof e.responseCode === 'number' && e.responseCode >= 500 && !isOwnMailFault(error);
}

/**
 * A mail server's refusal of a message for its size: 552 (RFC 5321's "exceeded storage
 * allocation", which servers answer for a message over their limit and for a full mailbox),
 * or the enhanced status 5.3.4 ("message too big") under another code. The same message
 * without its files may still pass.
 */
export function isSizeRefusal(error: unknown): boolean {
  const e = error as { responseCode?: unknown; response?: unknown };
  if (e.responseCode === 552) return true;
  return typeof e.responseCode === 'number' && e.responseCode >= 500 && typeof e.response === 'string' && /\b5\.3\.4\b/.test(e.response);
}

/** A failure as the delivery log says it: the server's reply code first, when there is one. */
export function describeFailure(error: unknown): string {
  const e = error as { responseCode?: number; message?: string };
  return e.responseCode ? `${e.responseCode} ${e.message ?? ''}`.trim() : (e.message ?? String(error));
}

/**
 * An error a person acts on: its message names what is wrong (the setting, the file, the
 * folder), why, and what to do, and is all the `facteur` command prints of it (no stack trace).
 * The errors of each part that an operator fixes (ConfigError, StoreError, ImportError,
 * TemplateError, SaveError) extend it, so that the command knows them without loading their parts.
 */
export class ActionableError extends Error {
  override name = 'ActionableError';
}

/**
 * What Facteur's own refusals to send mean, by code, as nodemailer's `ERROR_CODES` do: the
 * caller decides on the code (give up, cancel), the delivery log keeps the message.
 */
export const FAULT_CODES = {
  ENOCUSTOMER: 'the customer is no longer in the store',
  ENOTTHEIRS: 'none of the invoices belongs to the customer any more',
  ENOTHINGLEFT: 'nothing left to send: its invoices were paid or cancelled meanwhile',
  EWITHHELD: 'every recipient is suppressed, because mail to them bounces',
  ENOCHANNEL: 'the channel it goes through is not configured',
  ETOOLARGE: 'a file is too large for the channel',
  EDMREFUSED: 'the chat network refuses direct messages to that user',
} as const;
export type FaultCode = keyof typeof FAULT_CODES;

/** A failure Facteur raises itself, with a `code` of {@link FAULT_CODES} that says what it means. */
export class Fault extends Error {
  override name = 'Fault';
  constructor(
    readonly code: FaultCode,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/** The codes of refusals that retrying cannot cure. */
const FINAL: ReadonlySet<FaultCode> = new Set(['ENOCUSTOMER', 'ENOTTHEIRS', 'EWITHHELD', 'ENOCHANNEL', 'ETOOLARGE', 'EDMREFUSED']);

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
 * paid meanwhile): not sent, and no failure either.
 */
export function isMoot(error: unknown): boolean {
  return error instanceof Fault && error.code === 'ENOTHINGLEFT';
}

/**
 * A refusal of the message that retrying cannot cure: an SMTP 5xx about it (not about
 * Facteur's login), or a {@link Fault} whose code says so (a Discord user who blocks DMs).
 */
export function isPermanent(error: unknown): boolean {
  if (error instanceof Fault) return FINAL.has(error.code);
  const e = error as { responseCode?: number };
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

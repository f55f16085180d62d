import { createHash, randomInt, timingSafeEqual } from 'node:crypto';
import { MINUTE_MS } from '../time.js';

/**
 * One-time codes that prove someone reads a mailbox (a new notification address,
 * later a chat account link). Only a hash is stored, bound to what it confirms, so a
 * code read from the store cannot confirm anything else.
 */
export const CODE_TTL_MINUTES = 15;
export const CODE_MAX_ATTEMPTS = 5;

export interface IssuedCode {
  code: string;
  codeHash: string;
  expiresAt: string;
}

/** Digits of a code, unless its use asks for more (see LINK_CODE_DIGITS): what a customer is told to type, and a chat option's length. */
export const CODE_DIGITS = 6;

/** A code of `digits` digits (CODE_DIGITS by default; more where a guess would win more), good for `ttlMinutes`. */
export function issueCode(subject: string, now: Date, ttlMinutes = CODE_TTL_MINUTES, digits = CODE_DIGITS): IssuedCode {
  const code = String(randomInt(0, 10 ** digits)).padStart(digits, '0');
  return { code, codeHash: hashCode(subject, code), expiresAt: new Date(now.getTime() + ttlMinutes * MINUTE_MS).toISOString() };
}

export type CodeCheck = 'ok' | 'wrong' | 'expired';

export function checkCode(pending: { codeHash: string; expiresAt: string; attempts: number }, subject: string, code: string, now: Date): CodeCheck {
  if (now.toISOString() > pending.expiresAt || pending.attempts >= CODE_MAX_ATTEMPTS) return 'expired';
  const given = Buffer.from(hashCode(subject, code), 'hex');
  return timingSafeEqual(given, Buffer.from(pending.codeHash, 'hex')) ? 'ok' : 'wrong';
}

function hashCode(subject: string, code: string): string {
  return createHash('sha256').update(`${subject}\n${code}`).digest('hex');
}

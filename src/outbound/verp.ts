import { createHmac, timingSafeEqual } from 'node:crypto';
import { DAY_MS } from '../time.js';

/**
 * VERP tokens: the `<token>` of a mail's envelope sender `bounces+<token>@domain`, one per
 * delivery and recipient, so that a delivery report coming back to that address says which
 * delivery and which address it is about. A token is the delivery's id, the day it stops being
 * good and an HMAC of both with the recipient's address, under a key only Facteur holds: a
 * report naming a delivery without its token, or a token for another address, another delivery
 * or a later day, is a forgery; one past its day is refused as expired.
 *
 * The token is lower-case base32 (RFC 4648's alphabet, no padding): mail systems may change the
 * case of a local part, never its letters, and `bounces+<45 characters>` stays within SMTP's 64.
 */
const ALPHABET = 'abcdefghijklmnopqrstuvwxyz234567';
const ID_BYTES = 16;
const DAY_BYTES = 2;
/** 80 bits: a forger guessing online is refused 2^80 times before one goes through. */
const MAC_BYTES = 10;
const TOKEN_BYTES = ID_BYTES + DAY_BYTES + MAC_BYTES;
export const VERP_TOKEN_LENGTH = Math.ceil((TOKEN_BYTES * 8) / 5);
/** Binds the MAC to this use: the same secret signing anything else never makes a token. */
const CONTEXT = 'facteur verp v1\0';
/** A token, found anywhere in a header: after the `+` of a local part, before its `@`. */
const IN_ADDRESS = new RegExp(`\\+([${ALPHABET}]{${VERP_TOKEN_LENGTH}})@`, 'gi');

/**
 * How long a report is taken after its mail left: servers give up on a message after five days
 * (Postfix's and Exim's default queue lifetime) and report then; a complaint may come a little
 * later. Past it, a report proves nothing anyone should act on.
 */
export const VERP_DAYS = 10;

/** What a good token says: the delivery it was made for, and that the report is about `recipient`. */
export interface VerpClaims {
  deliveryId: string;
  recipient: string;
}

export type VerpVerdict = { ok: true; claims: VerpClaims } | { ok: false; why: 'malformed' | 'forged' | 'expired' };

export class Verp {
  private readonly key: Buffer;

  /** `secret` is the installation's (FACTEUR_LINK_SECRET or the data folder's), from which this use's own key is drawn. */
  constructor(
    secret: string,
    private readonly returnPath: string,
    private readonly now: () => Date = () => new Date(),
  ) {
    this.key = createHmac('sha256', secret).update(CONTEXT).digest();
  }

  /** The envelope sender of `deliveryId`'s mail to `recipient`: `local+<token>@domain`. */
  envelopeSender(deliveryId: string, recipient: string): string {
    const id = idBytes(deliveryId);
    if (!id) throw new Error(`not a delivery id (a UUID): ${deliveryId}`);
    const day = Buffer.alloc(DAY_BYTES);
    day.writeUInt16BE(Math.floor(this.now().getTime() / DAY_MS) + VERP_DAYS);
    const body = Buffer.concat([id, day]);
    const [local, domain] = splitAddress(this.returnPath);
    return `${local}+${base32(Buffer.concat([body, this.mac(body, recipient)]))}@${domain}`;
  }

  /**
   * Reads a token for one of `recipients` (the delivery's addresses, tried in turn): which one
   * it was made for. The caller finds the delivery by `deliveryIdOf(token)` first.
   */
  verify(token: string, recipients: string[]): VerpVerdict {
    const bytes = unbase32(token.toLowerCase());
    if (!bytes || bytes.length !== TOKEN_BYTES) return { ok: false, why: 'malformed' };
    const body = bytes.subarray(0, ID_BYTES + DAY_BYTES);
    const mac = bytes.subarray(ID_BYTES + DAY_BYTES);
    const recipient = recipients.find((address) => timingSafeEqual(this.mac(body, address), mac));
    if (!recipient) return { ok: false, why: 'forged' };
    if (body.readUInt16BE(ID_BYTES) * DAY_MS <= this.now().getTime()) return { ok: false, why: 'expired' };
    return { ok: true, claims: { deliveryId: uuidOf(body.subarray(0, ID_BYTES)), recipient } };
  }

  private mac(body: Buffer, recipient: string): Buffer {
    return createHmac('sha256', this.key).update(body).update(recipient.toLowerCase()).digest().subarray(0, MAC_BYTES);
  }
}

/** The delivery a token names, before anything is verified (to find its addresses); null for what is no token. */
export function deliveryIdOf(token: string): string | null {
  const bytes = unbase32(token.toLowerCase());
  return bytes && bytes.length === TOKEN_BYTES ? uuidOf(bytes.subarray(0, ID_BYTES)) : null;
}

/** Every token-shaped local-part extension in `text` (a header's value), lower case, each once. */
export function tokensIn(text: string): string[] {
  return [...new Set([...text.matchAll(IN_ADDRESS)].map((match) => match[1]!.toLowerCase()))];
}

function splitAddress(address: string): [string, string] {
  const at = address.lastIndexOf('@');
  return [address.slice(0, at), address.slice(at + 1)];
}

function idBytes(uuid: string): Buffer | null {
  const hex = uuid.replaceAll('-', '');
  return /^[0-9a-f]{32}$/i.test(hex) ? Buffer.from(hex, 'hex') : null;
}

function uuidOf(bytes: Buffer): string {
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** RFC 4648 base32, lower case, without padding (Node has no base32 of its own). */
function base32(bytes: Buffer): string {
  let text = '';
  let bits = 0;
  let value = 0;
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    for (; bits >= 5; bits -= 5) text += ALPHABET[(value >>> (bits - 5)) & 31];
  }
  return bits > 0 ? text + ALPHABET[(value << (5 - bits)) & 31] : text;
}

function unbase32(text: string): Buffer | null {
  const bytes: number[] = [];
  let bits = 0;
  let value = 0;
  for (const char of text) {
    const digit = ALPHABET.indexOf(char);
    if (digit < 0) return null;
    value = ((value << 5) | digit) & 0xfff;
    bits += 5;
    if (bits >= 8) {
      bits -= 8;
      bytes.push((value >>> bits) & 0xff);
    }
  }
  return Buffer.from(bytes);
}

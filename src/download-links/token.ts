import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import { z } from 'zod';

/** What a download link grants: this customer's ZIP of these invoices, until then. */
export interface LinkClaims {
  customerId: string;
  invoices: string[];
  expiresAt: Date;
}

/** Why a token does not read: not one of ours at all, not signed by our secret (or changed since), or past its time. */
export type LinkRefusal = 'malformed' | 'forged' | 'expired';

export type LinkVerdict = { ok: true; claims: LinkClaims } | { ok: false; why: LinkRefusal };

/**
 * Characters a token may have: a URL that long still fits a mail line wrapped by clients, a
 * Discord message, and every proxy's request line. A customer whose ZIP names more invoices
 * than that holds gets the split files instead.
 */
export const MAX_TOKEN_LENGTH = 1_500;
/** What the payload may inflate to: it is only inflated once its signature is good, but a bug must not cost the memory. */
const MAX_PAYLOAD_BYTES = 64 * 1024;
/** Binds the signature to this use: the same secret signing anything else can never make a token. */
const CONTEXT = 'facteur download link v1.';
const MAC_LENGTH = 43; // 32 bytes of HMAC-SHA256 in base64url
const SHAPE = new RegExp(`^([A-Za-z0-9_-]{1,${MAX_TOKEN_LENGTH - MAC_LENGTH - 1}})\\.([A-Za-z0-9_-]{${MAC_LENGTH}})$`);

const payloadSchema = z.strictObject({
  c: z.string().min(1),
  i: z.array(z.string().min(1)).min(1),
  e: z.number().int().positive(),
});

/**
 * Download link tokens: `<payload>.<mac>`, the payload the claims as deflated JSON
 * (customer id, invoice numbers, expiry in unix seconds) and the MAC an HMAC-SHA256 of it
 * under the link secret, both base64url. Everything a token grants is inside what is signed,
 * so changing the customer, the invoices or the expiry breaks the signature; the signature
 * is compared in constant time and checked before anything else of the payload is read.
 * The payload is readable by whoever holds the token (it names nothing they cannot download).
 */
export class LinkSigner {
  constructor(private readonly secret: string) {}

  /** The token for these claims, or null when it would be longer than MAX_TOKEN_LENGTH. */
  sign(claims: LinkClaims): string | null {
    const json = JSON.stringify({ c: claims.customerId, i: claims.invoices, e: Math.floor(claims.expiresAt.getTime() / 1000) });
    const payload = deflateRawSync(Buffer.from(json, 'utf8'), { level: 9 }).toString('base64url');
    const token = `${payload}.${this.mac(payload).toString('base64url')}`;
    return token.length <= MAX_TOKEN_LENGTH ? token : null;
  }

  verify(token: string, now: Date): LinkVerdict {
    const parts = SHAPE.exec(token);
    if (!parts) return { ok: false, why: 'malformed' };
    const [, payload, mac] = parts as unknown as [string, string, string];
    // Compared as text, not as decoded bytes: base64url's last character has bits that decode
    // to nothing, and a token changed there must not pass for the one that was issued.
    if (!timingSafeEqual(Buffer.from(mac), Buffer.from(this.mac(payload).toString('base64url')))) return { ok: false, why: 'forged' };
    let decoded: unknown;
    try {
      decoded = JSON.parse(inflateRawSync(Buffer.from(payload, 'base64url'), { maxOutputLength: MAX_PAYLOAD_BYTES }).toString('utf8'));
    } catch {
      return { ok: false, why: 'malformed' };
    }
    const parsed = payloadSchema.safeParse(decoded);
    if (!parsed.success) return { ok: false, why: 'malformed' };
    const expiresAt = new Date(parsed.data.e * 1000);
    if (expiresAt.getTime() <= now.getTime()) return { ok: false, why: 'expired' };
    return { ok: true, claims: { customerId: parsed.data.c, invoices: parsed.data.i, expiresAt } };
  }

  private mac(payload: string): Buffer {
    return createHmac('sha256', this.secret).update(CONTEXT).update(payload).digest();
  }
}

/**
 * How logs and the delivery log name a link: the start of its token's SHA-256, which
 * tells links apart without giving any of the token away.
 */
export function linkId(token: string): string {
  return createHash('sha256').update(token).digest('hex').slice(0, 12);
}

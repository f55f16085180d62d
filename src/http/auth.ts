import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Bearer keys, compared in constant time: each key's SHA-256 against the given one's, so that
 * neither a key's length nor its first differing byte shows in the time an answer takes, and
 * every key is compared whichever matches.
 */
export class Keys {
  private readonly digests: Buffer[];

  constructor(keys: string[]) {
    this.digests = keys.map(digest);
  }

  get size(): number {
    return this.digests.length;
  }

  matches(given: string): boolean {
    const candidate = digest(given);
    let found = false;
    for (const key of this.digests) found = timingSafeEqual(key, candidate) || found;
    return found;
  }
}

/** The key in `Authorization: Bearer <key>`, if the header is that. */
export function bearerOf(header: string | undefined): string | null {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
  return match ? match[1]! : null;
}

function digest(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}

/** How old a signed request may be, either way: Stripe's tolerance. */
export const SIGNATURE_TOLERANCE_S = 300;

/** A signature that holds: which it is (`<t>.<v1>`), when it was signed, and until when it is good, as ISO times. */
export interface GoodSignature {
  signature: string;
  signedAt: string;
  expiresAt: string;
}

/**
 * Webhooks signed Stripe-style: `Facteur-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of
 * "<t>.<body>">`, with several `v1` allowed while a secret is being changed. A signature is
 * good within five minutes of its time; stale, garbled or not matching the body, it is
 * refused here. That it is good only once is the store's to say (see importSigned): what
 * one process remembered, another instance or a restart did not.
 */
export class Signatures {
  constructor(
    private readonly secret: string,
    private readonly now: () => number = () => Date.now(),
  ) {}

  /**
   * What can be said of the header before the body arrives: null when it is well formed and
   * within the tolerance, else why not. A stale or garbled one is refused without reading a byte.
   */
  precheck(header: string | undefined): string | null {
    const read = this.read(header);
    return typeof read === 'string' ? read : null;
  }

  private read(header: string | undefined): { t: string; given: string[] } | string {
    const parts = (header ?? '').split(',').map((part) => part.trim().split('='));
    const t = parts.find(([name]) => name === 't')?.[1];
    const given = parts.filter(([name, value]) => name === 'v1' && value).map(([, value]) => value!);
    if (!t || !/^\d{1,12}$/.test(t) || given.length === 0) return 'Facteur-Signature must read t=<unix seconds>,v1=<hex HMAC-SHA256>';
    if (Math.abs(Math.floor(this.now() / 1000) - Number(t)) > SIGNATURE_TOLERANCE_S)
      return `the signature's time is more than ${SIGNATURE_TOLERANCE_S / 60} minutes from now`;
    return { t, given };
  }

  /** The signature when it is good for this body, else why not, in words for the caller. */
  check(header: string | undefined, body: Buffer): GoodSignature | string {
    const read = this.read(header);
    if (typeof read === 'string') return read;
    const { t, given } = read;
    const expected = createHmac('sha256', this.secret).update(`${t}.`).update(body).digest();
    const good = given.find((hex) => /^[0-9a-f]{64}$/i.test(hex) && timingSafeEqual(Buffer.from(hex, 'hex'), expected));
    if (!good) return 'the signature does not match the body';
    const at = Number(t) * 1000;
    return {
      signature: `${t}.${good.toLowerCase()}`,
      signedAt: new Date(at).toISOString(),
      expiresAt: new Date(at + SIGNATURE_TOLERANCE_S * 1000).toISOString(),
    };
  }
}

/** The header a billing system sends: for its developers' tests and examples. */
export function sign(secret: string, body: string | Buffer, unixSeconds: number): string {
  return `t=${unixSeconds},v1=${createHmac('sha256', secret).update(`${unixSeconds}.`).update(body).digest('hex')}`;
}

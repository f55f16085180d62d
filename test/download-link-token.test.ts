/**
 * Download link tokens as an attacker meets them: altered in every part, re-signed with
 * another secret, stretched past their expiry, pointed at another customer's invoices,
 * padded, or plain garbage. Only a token this secret signed, unchanged and in time, reads.
 */
import { mkdtemp, readFile, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createHmac } from 'node:crypto';
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { linkId, LinkSigner, MAX_TOKEN_LENGTH } from '../src/download-links/token.js';
import { linkSecret } from '../src/download-links/secret.js';
import { DownloadLinks } from '../src/download-links/links.js';
import { dayStartIn } from '../src/billing/dates.js';
import { createLogger } from '../src/log.js';

const SECRET = 'a-link-secret-of-enough-length-0123456789';
const NOW = new Date('2026-11-25T10:00:00Z');
const LATER = new Date('2026-12-02T10:00:00Z');
const claims = { customerId: 'awa-id', invoices: ['1210', '1213', '1216'], expiresAt: LATER };

const signer = new LinkSigner(SECRET);
const token = signer.sign(claims)!;

/** The payload part decoded, as anyone holding a token can read it. */
function payloadOf(token: string): Record<string, unknown> {
  const [payload] = token.split('.');
  return JSON.parse(inflateRawSync(Buffer.from(payload!, 'base64url')).toString('utf8')) as Record<string, unknown>;
}

/** The token with its payload replaced by `change(payload)`, keeping the original signature. */
function rewritten(token: string, change: (payload: Record<string, unknown>) => Record<string, unknown>): string {
  const [, mac] = token.split('.');
  return `${deflateRawSync(Buffer.from(JSON.stringify(change(payloadOf(token))))).toString('base64url')}.${mac}`;
}

describe('a download link token', () => {
  it('reads back what it was signed with, before its expiry', () => {
    expect(signer.verify(token, NOW)).toEqual({ ok: true, claims });
    expect(token.length).toBeLessThan(200);
    expect(token).toMatch(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{43}$/);
  });

  it('is refused as forged when any character is changed, added or removed', () => {
    for (let i = 0; i < token.length; i++) {
      if (token[i] === '.') continue;
      const altered = `${token.slice(0, i)}${token[i] === 'A' ? 'B' : 'A'}${token.slice(i + 1)}`;
      expect(signer.verify(altered, NOW)).toMatchObject({ ok: false });
    }
    expect(signer.verify(`${token}A`, NOW)).toMatchObject({ ok: false });
    expect(signer.verify(token.slice(0, -1), NOW)).toMatchObject({ ok: false });
    expect(signer.verify(`A${token}`, NOW)).toMatchObject({ ok: false });
  });

  it('cannot be extended: a later expiry in the payload breaks the signature', () => {
    const extended = rewritten(token, (payload) => ({ ...payload, e: Number(payload.e) + 365 * 86_400 }));
    expect(signer.verify(extended, NOW)).toEqual({ ok: false, why: 'forged' });
  });

  it('cannot be pointed at another customer or at more invoices', () => {
    expect(
      signer.verify(
        rewritten(token, (payload) => ({ ...payload, c: 'paul-id' })),
        NOW,
      ),
    ).toEqual({ ok: false, why: 'forged' });
    expect(
      signer.verify(
        rewritten(token, (payload) => ({ ...payload, i: [...(payload.i as string[]), '1211'] })),
        NOW,
      ),
    ).toEqual({ ok: false, why: 'forged' });
    expect(
      signer.verify(
        rewritten(token, (payload) => ({ ...payload, i: ['1211'] })),
        NOW,
      ),
    ).toEqual({ ok: false, why: 'forged' });
  });

  it('made with another secret is forged', () => {
    const other = new LinkSigner('another-secret-of-enough-length-000000').sign(claims)!;
    expect(signer.verify(other, NOW)).toEqual({ ok: false, why: 'forged' });
  });

  it('is expired at and after its time, whatever else is right', () => {
    expect(signer.verify(token, LATER)).toEqual({ ok: false, why: 'expired' });
    expect(signer.verify(token, new Date(LATER.getTime() + 1))).toEqual({ ok: false, why: 'expired' });
    expect(signer.verify(token, new Date(LATER.getTime() - 1000))).toMatchObject({ ok: true });
  });

  it('refuses garbage of every shape as malformed, without throwing', () => {
    const garbage = [
      '',
      '.',
      '..',
      'abc',
      'abc.def',
      `${'A'.repeat(10)}.${'A'.repeat(43)}`,
      '<script>alert(1)</script>',
      '%00%00',
      'a'.repeat(MAX_TOKEN_LENGTH + 1),
      `${token}.${token}`,
      token.replace('.', ''),
    ];
    for (const text of garbage) expect(signer.verify(text, NOW)).toEqual({ ok: false, why: expect.stringMatching(/^(malformed|forged)$/) });
  });

  it('signed over a payload that is no link (another use of the secret) is malformed, not taken', () => {
    const junk = deflateRawSync(Buffer.from(JSON.stringify({ c: 1, i: 'x' }))).toString('base64url');
    const mac = createHmac('sha256', SECRET).update(`facteur download link v1.${junk}`).digest('base64url');
    expect(signer.verify(`${junk}.${mac}`, NOW)).toEqual({ ok: false, why: 'malformed' });
  });

  it('is not made past the length a URL carries safely; the caller then falls back to files', () => {
    const many = Array.from({ length: 5000 }, (_, i) => `INV-${(i * 7919) % 100_003}-${i}`);
    expect(signer.sign({ ...claims, invoices: many })).toBeNull();
    // A few hundred invoices with ordinary numbers compress well below it.
    const hundreds = Array.from({ length: 400 }, (_, i) => String(1210 + i));
    expect(signer.sign({ ...claims, invoices: hundreds })!.length).toBeLessThanOrEqual(MAX_TOKEN_LENGTH);
  });

  it('is named in logs by an id that does not give it away', () => {
    const id = linkId(token);
    expect(id).toMatch(/^[0-9a-f]{12}$/);
    expect(token).not.toContain(id);
    expect(linkId(token)).toBe(id);
  });
});

describe('the day a link works to', () => {
  /** A link made at `made` in `timeZone`, and the reader that serves it then. */
  const madeAt = (made: string, timeZone: string, days = 7) => {
    let now = new Date(made);
    const links = new DownloadLinks(SECRET, { publicUrl: 'https://factures.example', days }, timeZone, createLogger('silent'), () => now);
    const link = links.make('awa-id', ['1210'])!;
    const token = link.url.split('/d/')[1]!;
    return { link, reads: (at: string) => ((now = new Date(at)), links.read(token)), shown: () => links.lastDay(new Date(link.expiresAt)) };
  };

  it('is the day the message and the page name, and the link answers to its last minute in the provider’s time zone, 410 from the next', () => {
    // Made at 10:00 in Douala (UTC+1): « valable jusqu'au 6 déc. », and it still works that evening.
    const { link, reads, shown } = madeAt('2026-11-29T09:00:00Z', 'Africa/Douala');
    expect(link.expiresOn).toBe('2026-12-06');
    expect(shown()).toBe('2026-12-06');
    expect(reads('2026-12-06T13:00:00Z').ok).toBe(true);
    expect(reads('2026-12-06T22:59:59Z').ok).toBe(true);
    expect(reads('2026-12-06T23:00:00Z')).toEqual({ ok: false, why: 'expired' });
  });

  it('counts days where the provider is: made at 00:30 in Douala (still the day before in UTC)', () => {
    const { link, reads, shown } = madeAt('2026-11-29T23:30:00Z', 'Africa/Douala');
    expect(link.expiresOn).toBe('2026-12-07');
    expect(shown()).toBe('2026-12-07');
    expect(reads('2026-12-07T22:59:00Z').ok).toBe(true);
    expect(reads('2026-12-07T23:00:00Z').ok).toBe(false);
  });

  it('agrees west of UTC and across clock changes', () => {
    const haiti = madeAt('2026-11-29T03:00:00Z', 'America/Port-au-Prince'); // 22:00 on the 28th there
    expect(haiti.link.expiresOn).toBe('2026-12-05');
    expect(haiti.shown()).toBe('2026-12-05');
    expect(haiti.reads('2026-12-06T04:59:00Z').ok).toBe(true);
    expect(haiti.reads('2026-12-06T05:00:00Z').ok).toBe(false);
    // Paris goes to summer time on 29 March: the 29th has 23 hours, and the link still ends at midnight.
    const paris = madeAt('2026-03-22T12:00:00Z', 'Europe/Paris');
    expect(paris.link.expiresOn).toBe('2026-03-29');
    expect(paris.link.expiresAt).toBe('2026-03-29T22:00:00.000Z');
    expect(paris.shown()).toBe('2026-03-29');
  });

  it('begins each day at its first instant, even where a clock change skips midnight', () => {
    expect(dayStartIn('2026-12-07', 'Africa/Douala').toISOString()).toBe('2026-12-06T23:00:00.000Z');
    expect(dayStartIn('2026-12-07', 'UTC').toISOString()).toBe('2026-12-07T00:00:00.000Z');
    // Santiago: 5 September 23:59 is followed by 6 September 01:00; in April 23:59 by 23:00 again, the 5th beginning an hour later.
    expect(dayStartIn('2026-09-06', 'America/Santiago').toISOString()).toBe('2026-09-06T04:00:00.000Z');
    expect(dayStartIn('2026-04-05', 'America/Santiago').toISOString()).toBe('2026-04-05T04:00:00.000Z');
    expect(dayStartIn('2026-12-07', 'Pacific/Kiritimati').toISOString()).toBe('2026-12-06T10:00:00.000Z');
  });
});

describe('the link secret', () => {
  it('is FACTEUR_LINK_SECRET when set', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'facteur-secret-'));
    expect(await linkSecret(SECRET, dir)).toBe(SECRET);
  });

  it('is otherwise made once in the data folder, readable by its user only, and kept', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'facteur-secret-'));
    const made = await linkSecret(null, dir);
    expect(made.length).toBeGreaterThanOrEqual(32);
    const file = path.join(dir, 'link-secret');
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect((await readFile(file, 'utf8')).trim()).toBe(made);
    expect(await linkSecret(null, dir)).toBe(made);
  });

  it('refuses a file that holds too short a secret rather than sign with it', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'facteur-secret-'));
    await writeFile(path.join(dir, 'link-secret'), 'short\n', { mode: 0o600 });
    await expect(linkSecret(null, dir)).rejects.toThrow(/link-secret.*24/);
  });
});

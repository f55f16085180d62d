import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { deliveryIdOf, tokensIn, Verp, VERP_DAYS } from '../src/outbound/verp.js';
import { DAY_MS } from '../src/time.js';

/** The return path's token: what an attacker writing a report would have to forge. */
describe('VERP tokens', () => {
  const secret = 'a-secret-of-at-least-24-characters';
  const at = (iso: string) => () => new Date(iso);
  const signer = new Verp(secret, 'bounces@hebergeur.example', at('2026-12-01T10:00:00Z'));
  const id = randomUUID();
  const sender = signer.envelopeSender(id, 'Awa@Example.cm');
  const token = /^bounces\+([a-z2-7]+)@hebergeur\.example$/.exec(sender)![1]!;

  it('fits SMTP: the local part within 64 characters, letters and digits only', () => {
    expect(sender.split('@')[0]!.length).toBeLessThanOrEqual(64);
    expect(tokensIn(`To: ${sender}`)).toEqual([token]);
    expect(tokensIn(`Delivered-To: billing+${token.toUpperCase()}@hebergeur.example`)).toEqual([token]);
    expect(deliveryIdOf(token)).toBe(id);
  });

  it('names the delivery and the address it was made for, whatever the case', () => {
    expect(signer.verify(token, ['compta@nkolo.cm', 'awa@example.cm'])).toEqual({ ok: true, claims: { deliveryId: id, recipient: 'awa@example.cm' } });
    expect(signer.verify(token.toUpperCase(), ['awa@example.cm']).ok).toBe(true);
  });

  it('is refused for another address, another secret, a changed character, or past its days', () => {
    expect(signer.verify(token, ['paul@example.cm'])).toEqual({ ok: false, why: 'forged' });
    expect(new Verp('another-secret-of-24-characters!!', 'bounces@hebergeur.example', at('2026-12-01T10:00:00Z')).verify(token, ['awa@example.cm'])).toEqual({
      ok: false,
      why: 'forged',
    });
    const changed = token.slice(0, 20) + (token[20] === 'a' ? 'b' : 'a') + token.slice(21);
    expect(signer.verify(changed, ['awa@example.cm'])).toEqual({ ok: false, why: 'forged' });
    const later = new Verp(secret, 'bounces@hebergeur.example', at(new Date(Date.parse('2026-12-01T10:00:00Z') + (VERP_DAYS + 1) * DAY_MS).toISOString()));
    expect(later.verify(token, ['awa@example.cm'])).toEqual({ ok: false, why: 'expired' });
    expect(signer.verify('not-a-token', ['awa@example.cm'])).toEqual({ ok: false, why: 'malformed' });
    expect(signer.verify(token.slice(0, -1), ['awa@example.cm'])).toEqual({ ok: false, why: 'malformed' });
  });
});

/**
 * The pay link's rules, a pure function: the corpus in fixtures/pay-links/ holds what billing
 * systems write (providers' own pages, payment gateways' checkouts with tokens) and what an
 * attacker or a wrong export would put there, each with why.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkPayUrl, payHost, payLinkOf } from '../src/billing/pay-link.js';

interface Corpus {
  accepted: { written: string; kept: string; why: string }[];
  refused: { written: string; reason: string; why: string }[];
}

const corpus = JSON.parse(readFileSync(path.join(import.meta.dirname, 'fixtures', 'pay-links', 'links.json'), 'utf8')) as Corpus;

describe('checkPayUrl', () => {
  it.each(corpus.refused)('refuses $why, saying why', ({ written, reason }) => {
    const checked = checkPayUrl(written);
    expect(checked).toEqual({ reason: expect.stringContaining(reason) });
  });

  it.each(corpus.accepted)('keeps $why, as browsers write it', ({ written, kept }) => {
    expect(checkPayUrl(written)).toEqual({ url: kept });
    // What is kept is kept again as it is: the store's check and the import's agree.
    expect(checkPayUrl(kept)).toEqual({ url: kept });
  });

  it('refuses a huge text by its length, before reading it', () => {
    expect(checkPayUrl(`https://paiement.hebergeur.example/${'a'.repeat(5_000_000)}`)).toEqual({ reason: 'is 5000035 characters long, more than 2000' });
  });
});

describe('payLinkOf', () => {
  const url = 'https://paiement.hebergeur.example/p/1266';

  it('offers the link of an unpaid invoice only, never of a paid or cancelled one', () => {
    expect(payLinkOf({ status: 'unpaid', payUrl: url })).toBe(url);
    expect(payLinkOf({ status: 'paid', payUrl: url })).toBeNull();
    expect(payLinkOf({ status: 'cancelled', payUrl: url })).toBeNull();
    expect(payLinkOf({ status: 'unpaid' })).toBeNull();
  });

  it('offers nothing a hand-edited store holds that the import would have refused or written otherwise', () => {
    expect(payLinkOf({ status: 'unpaid', payUrl: 'javascript:alert(1)' })).toBeNull();
    expect(payLinkOf({ status: 'unpaid', payUrl: 'https://hebergeur.example@evil.example/' })).toBeNull();
    expect(payLinkOf({ status: 'unpaid', payUrl: 'HTTPS://paiement.hebergeur.example/p' })).toBeNull();
  });

  it('names the host a customer is sent to', () => {
    expect(payHost('https://paiement.hebergeur.example:8443/p?x=1')).toBe('paiement.hebergeur.example:8443');
  });
});

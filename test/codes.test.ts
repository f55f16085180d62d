import { describe, expect, it } from 'vitest';
import { checkCode, CODE_MAX_ATTEMPTS, issueCode } from '../src/billing/codes.js';

const NOW = new Date('2026-11-25T10:00:00Z');
const minutes = (n: number) => new Date(NOW.getTime() + n * 60_000);

describe('one-time codes', () => {
  it('confirm what they were issued for, within their lifetime, and nothing else', () => {
    const { code, codeHash, expiresAt } = issueCode('address:awa:compta@nkolo.cm', NOW);
    expect(code).toMatch(/^\d{6}$/);
    expect(codeHash).not.toContain(code);
    const pending = { codeHash, expiresAt, attempts: 0 };
    expect(checkCode(pending, 'address:awa:compta@nkolo.cm', code, minutes(14))).toBe('ok');
    expect(checkCode(pending, 'address:awa:someone@else.cm', code, minutes(1))).toBe('wrong');
    expect(checkCode(pending, 'address:awa:compta@nkolo.cm', code === '000000' ? '000001' : '000000', minutes(1))).toBe('wrong');
  });

  it('expire after their lifetime (15 minutes, or what the caller sets) and after too many wrong tries', () => {
    const address = issueCode('s', NOW);
    expect(checkCode({ ...address, attempts: 0 }, 's', address.code, minutes(16))).toBe('expired');
    const link = issueCode('s', NOW, 10);
    expect(checkCode({ ...link, attempts: 0 }, 's', link.code, minutes(9))).toBe('ok');
    expect(checkCode({ ...link, attempts: 0 }, 's', link.code, minutes(11))).toBe('expired');
    expect(checkCode({ ...address, attempts: CODE_MAX_ATTEMPTS }, 's', address.code, minutes(1))).toBe('expired');
  });
});

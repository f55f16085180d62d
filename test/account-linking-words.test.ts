import { describe, expect, it } from 'vitest';
import { parseLinkText } from '../src/account-linking/words.js';

describe('link words in a direct message', () => {
  it('read lier / link with an address or a code, and délier / unlink', () => {
    expect(parseLinkText('lier awa@example.cm')).toMatchObject({ kind: 'request', address: 'awa@example.cm', locale: 'fr' });
    expect(parseLinkText('link 123456')).toMatchObject({ kind: 'confirm', code: '123456', locale: 'en' });
    expect(parseLinkText('délier')).toMatchObject({ kind: 'unlink', locale: 'fr' });
  });

  it('are not fooled by names every JavaScript object has', () => {
    for (const word of ['constructor', 'toString', '__proto__', 'hasOwnProperty', 'constructor 123456']) expect(parseLinkText(word)).toBeNull();
  });
});

import type { Locale } from '../billing/types.js';

export type LinkRequest =
  { kind: 'request'; address: string; locale: Locale } | { kind: 'confirm'; code: string; locale: Locale } | { kind: 'unlink'; locale: Locale };

const LINK: Record<string, Locale> = { link: 'en', lier: 'fr', relier: 'fr', associer: 'fr' };
const UNLINK: Record<string, Locale> = { unlink: 'en', delier: 'fr', dissocier: 'fr', detacher: 'fr' };

/**
 * Linking written out in a direct message, as the slash commands would say it:
 * `lier awa@example.cm`, `link 123456`, `délier`. Anything else is not about linking.
 */
export function parseLinkText(text: string): LinkRequest | null {
  const words = text.normalize('NFD').replace(/\p{M}/gu, '').trim().split(/\s+/);
  const [first = '', second, ...rest] = words;
  const verb = first.toLowerCase();
  if (Object.hasOwn(UNLINK, verb) && second === undefined) return { kind: 'unlink', locale: UNLINK[verb]! };
  if (!Object.hasOwn(LINK, verb) || second === undefined || rest.length > 0) return null;
  const locale = LINK[verb]!;
  // Any run of digits is taken as a code, so that a mistyped one counts as a wrong code rather than as chatter.
  if (/^\d{4,12}$/.test(second)) return { kind: 'confirm', code: second, locale };
  if (second.includes('@')) return { kind: 'request', address: text.trim().split(/\s+/)[1]!, locale };
  return null;
}

import type { Invoice } from './types.js';

/** The longest pay link an invoice may carry, in characters, as written and as kept. */
export const PAY_URL_MAX = 2000;

export const PAY_URL_RULE = `an https:// address of at most ${PAY_URL_MAX} characters on a domain name written in ASCII`;

/** Spaces, controls and characters that show nothing (zero-width, bidirectional): a browser drops or encodes them, so the link would not be the one written. */
const UNSEEN = /[\s\p{Cc}\p{Cf}\p{Z}]/u;

/** A domain name as DNS writes it: labels of ASCII letters, digits and inner hyphens, at least two, the last (the top-level domain) letters only. */
const DOMAIN = /^(?:(?!-)[a-z0-9-]{1,63}(?<!-)\.)+[a-z]{2,63}$/;

/**
 * The billing system's pay link for an invoice (its payment page), checked, in the one form it
 * is kept and shown: the WHATWG URL parser's (scheme and host lower case, what is not ASCII in
 * the path and query percent-encoded), so that the address a customer reads is the one a
 * browser opens. The billing system is trusted, but its data may be wrong or have passed
 * through hands that are not: what is refused is what would send a customer somewhere other
 * than what the link seems to say, or anywhere but a secure page.
 *
 * - `https:` only: `http:` would carry a payment in clear, and `javascript:`, `data:`, `file:`
 *   are no page at all.
 * - Nothing before an `@` in the host: `https://hebergeur.example@evil.example` opens evil.example.
 * - A domain name in ASCII: an internationalised name (`hébergeur.cm`, or the Cyrillic `раураl.com`,
 *   which a browser writes `xn--…`) can be a look-alike of another domain, which a customer cannot
 *   tell from it; an IP address or a name without a dot (`localhost`) names nobody a customer can
 *   check. Payment pages (the provider's, a payment provider's) have ASCII domain names.
 * - No space, control or invisible character anywhere, no backslash (which browsers read as `/`),
 *   no `%` escape in the host: each is a way for the text to differ from where it leads.
 * - At most 2,000 characters, checked before anything else reads it.
 *
 * Surrounding spaces (a spreadsheet's cell, a pasted line) are trimmed first, as for every field
 * of an import. Returns the link as kept, or why it is refused, in words for the operator.
 */
export function checkPayUrl(written: string): { url: string } | { reason: string } {
  const text = written.trim();
  if (text.length > PAY_URL_MAX) return { reason: `is ${text.length} characters long, more than ${PAY_URL_MAX}` };
  const unseen = UNSEEN.exec(text);
  if (unseen)
    return {
      reason: `holds ${describe(unseen[0])} at character ${unseen.index + 1}, which a browser would drop or encode: the link would not be the one written`,
    };
  if (text.includes('\\')) return { reason: 'holds a backslash, which browsers read as "/": the link would not be the one written' };
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(text)?.[1]?.toLowerCase();
  if (scheme === undefined) return { reason: 'is not an address: it must start with https://' };
  if (scheme !== 'https') return { reason: `is a ${scheme}: address; a pay link must be https://` };
  const authority = /^https:\/\/([^/?#]*)/i.exec(text)?.[1];
  if (authority === undefined || authority === '') return { reason: 'names no host after https://' };
  const host = hostProblem(authority);
  if (host) return { reason: host };
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return { reason: 'is not a well-formed address' };
  }
  if (!DOMAIN.test(url.hostname)) return { reason: `names the host ${url.hostname}, which is no public domain name` };
  if (url.href.length > PAY_URL_MAX) return { reason: `is ${url.href.length} characters long once written as browsers write it, more than ${PAY_URL_MAX}` };
  return { url: url.href };
}

/** What is wrong with the host and port as written between `https://` and the path, if anything. */
function hostProblem(authority: string): string | null {
  if (authority.includes('@'))
    return `names a user before "@" (${authority.slice(authority.lastIndexOf('@') + 1)} is where it would lead): refused, as it is a way to dress one site up as another`;
  if (/[^\x20-\x7e]/.test(authority))
    return 'names its host with letters beyond ASCII (an internationalised domain name), which can be a look-alike of another domain: use the ASCII domain of the payment page';
  if (/(^|\.)xn--/i.test(authority))
    return 'names an internationalised domain name (xn--…), which can be a look-alike of another domain: use the ASCII domain of the payment page';
  if (authority.startsWith('[') || /^[\d.]+(:\d*)?$/.test(authority)) return 'names an IP address, not a domain name: a customer cannot tell whose it is';
  if (!/^[A-Za-z0-9.-]+(:\d{1,5})?$/.test(authority)) return `names its host as ${JSON.stringify(authority.slice(0, 60))}, with characters no domain name has`;
  return null;
}

/** A character as a reason names it: its code point and, when it prints, itself. */
function describe(character: string): string {
  const code = `U+${character.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;
  return /^[\p{L}\p{N}\p{P}\p{S}]$/u.test(character)
    ? `"${character}" (${code})`
    : character === ' '
      ? `a space (${code})`
      : `an invisible or control character (${code})`;
}

/**
 * Where a customer may pay this invoice, or null: only an unpaid invoice is offered for payment
 * (never a paid or cancelled one, whatever link it kept), and only through a link that passes
 * `checkPayUrl` still, whatever a hand-edited store holds.
 */
export function payLinkOf(invoice: Pick<Invoice, 'status' | 'payUrl'>): string | null {
  if (invoice.status !== 'unpaid' || invoice.payUrl === undefined) return null;
  return keptPayUrlProblem(invoice.payUrl) === null ? invoice.payUrl : null;
}

/** Why a link read from the store is not one `checkPayUrl` keeps (refused, or not in the form it keeps), or null when it is. */
export function keptPayUrlProblem(url: string): string | null {
  const checked = checkPayUrl(url);
  if ('reason' in checked) return checked.reason;
  return checked.url === url ? null : `is not written as browsers write it (${JSON.stringify(checked.url.slice(0, 80))})`;
}

/**
 * An unpaid invoice the customer may pay online, through the billing system's pay link (its
 * `payUrl`, as `payLinkOf` keeps it): channels show it as a button (Discord, mail) or a
 * line. `label` is worded for where the number is needed (« Payer la facture 1266 »).
 */
export interface PayLink {
  number: string;
  url: string;
  label: string;
}

/** The pay links of these invoices a customer may follow (see `payable`), each worded by `label` from its number. */
export function payLinks(invoices: readonly Pick<Invoice, 'number' | 'status' | 'payUrl' | 'dueAt'>[], label: (number: string) => string): PayLink[] {
  return payable(invoices).map(({ invoice, url }) => ({ number: invoice.number, url, label: label(invoice.number) }));
}

/** Pay links one message offers at most: as many as Discord puts in a row of buttons. A message about more unpaid invoices offers those due first. */
export const MAX_PAY_LINKS = 5;

/**
 * The invoices of these that a customer may pay online, each with its link, the one due first
 * first, MAX_PAY_LINKS at most: a list of ten unpaid invoices does not become ten buttons (each
 * invoice's details have its own).
 */
export function payable<T extends Pick<Invoice, 'status' | 'payUrl' | 'dueAt'>>(invoices: readonly T[]): { invoice: T; url: string }[] {
  return invoices
    .flatMap((invoice) => {
      const url = payLinkOf(invoice);
      return url === null ? [] : [{ invoice, url }];
    })
    .sort((a, b) => a.invoice.dueAt.localeCompare(b.invoice.dueAt))
    .slice(0, MAX_PAY_LINKS);
}

/** The host a pay link leads to, as a customer should see it beside the button: `paiement.hebergeur.example`. */
export function payHost(url: string): string {
  return new URL(url).host;
}

/**
 * The provider's own mailboxes: the address Facteur sends from, the billing inbox, the SMTP
 * login, staff, and the bounce address. None of them is ever where a customer's invoices
 * go: an attacker who got invoices or a code sent there would read them in the provider's
 * mailbox (or make the inbox read its own mail), and a customer who names one has misread a
 * mail. Compared in lower case and without a `+tag` (`facturation+x@…` is delivered to
 * `facturation@…`, and the bounce address takes `+<token>` for VERP); the rest of the
 * provider's domain is left alone, since customers may be hosted there.
 */
export class ProviderMailboxes {
  private readonly own: Set<string>;

  constructor(addresses: readonly string[]) {
    this.own = new Set(addresses.flatMap((text) => addressIn(text) ?? []).map(untagged));
  }

  /** Whether `address` is one of the provider's own mailboxes, or a tagged form of one. */
  owns(address: string): boolean {
    return this.own.has(untagged(address.trim().toLowerCase()));
  }
}

/** The address in `Name <address>` or a bare address, in lower case; null for a login that is no address. */
export function addressIn(text: string): string | null {
  const address = (/<([^<>\s]+@[^<>\s]+)>/.exec(text)?.[1] ?? text).trim().toLowerCase();
  return /^[^@\s]+@[^@\s]+$/.test(address) ? address : null;
}

function untagged(address: string): string {
  const at = address.lastIndexOf('@');
  return `${address.slice(0, at).split('+')[0]}${address.slice(at)}`;
}

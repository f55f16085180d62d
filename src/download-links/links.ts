import { addDays, dayIn, dayStartIn, lastDayBefore } from '../billing/dates.js';
import type { IsoDate } from '../billing/types.js';
import type { Logger } from '../log.js';
import type { DeliveryLink } from '../billing/delivery.js';
import { linkId, LinkSigner, type LinkVerdict } from './token.js';
import { DAY_MS } from '../time.js';

/** A download link as a channel sends it: the URL for the customer, the rest for the message and the delivery log. */
export interface IssuedLink extends DeliveryLink {
  customerId: string;
  url: string;
  /** The last day it works, in the provider's time zone, as the message says it: it works to that day's end. */
  expiresOn: IsoDate;
}

/**
 * What a channel is handed to offer a ZIP it cannot carry as a link instead: only this,
 * not the secret nor the HTTP server that serves it.
 */
export interface LinkMaker {
  /** A link to the ZIP of these invoices of this customer, or null when they are too many for a link. */
  make(customerId: string, invoices: string[]): IssuedLink | null;
}

/** What the HTTP server is handed to serve links: reading a token, and the last day it works, as its page says it. */
export interface LinkReader {
  read(token: string): LinkVerdict;
  lastDay(expiresAt: Date): IsoDate;
}

export interface LinkSettings {
  /** The HTTP server's public address (PUBLIC_URL), without a trailing slash. */
  publicUrl: string;
  /** How long a link works (LINK_DAYS). */
  days: number;
}

/**
 * Download links `PUBLIC_URL/d/<token>`, made for the channels and read by the HTTP server,
 * both with one secret (see token.ts). A link works for LINK_DAYS days and then to the end of
 * that day in the provider's time zone (PUSH_TIMEZONE): « valable jusqu'au 6 déc. » in the
 * message and on the page, and the link answers until midnight that night in Douala, not
 * 410 at the hour of the day it happened to be made.
 */
export class DownloadLinks implements LinkMaker, LinkReader {
  private readonly signer: LinkSigner;

  constructor(
    secret: string,
    private readonly settings: LinkSettings,
    private readonly timeZone: string,
    private readonly log: Logger,
    private readonly now: () => Date = () => new Date(),
  ) {
    this.signer = new LinkSigner(secret);
  }

  make(customerId: string, invoices: string[]): IssuedLink | null {
    const expiresOn = dayIn(new Date(this.now().getTime() + this.settings.days * DAY_MS), this.timeZone);
    const expiresAt = dayStartIn(addDays(expiresOn, 1), this.timeZone);
    const token = this.signer.sign({ customerId, invoices, expiresAt });
    if (!token) {
      this.log.warn(
        { event: 'download.link.tooLong', customer: customerId, invoices: invoices.length },
        'too many invoices for a download link: the files are sent split instead',
      );
      return null;
    }
    const link = { id: linkId(token), customerId, url: `${this.settings.publicUrl}/d/${token}`, expiresAt: expiresAt.toISOString(), expiresOn, invoices };
    this.log.info({ event: 'download.link', link: link.id, customer: customerId, invoices: invoices.length, expiresAt: link.expiresAt }, 'download link made');
    return link;
  }

  read(token: string): LinkVerdict {
    return this.signer.verify(token, this.now());
  }

  lastDay(expiresAt: Date): IsoDate {
    return lastDayBefore(expiresAt, this.timeZone);
  }
}

import { payLinks, type PayLink } from '../billing/pay-link.js';
import type { ProviderMailboxes } from '../billing/provider.js';
import type { Customer, Invoice, Locale } from '../billing/types.js';
import type { Store } from '../store/store.js';
import type { Catalog, Params } from '../templates/catalog.js';
import type { CodeMail } from '../notifications/code-mail.js';
import type { Logger } from '../log.js';
import type { ZipProgress } from '../documents/attachment.js';
import type { Documents } from '../documents/port.js';
import type { Reply } from './reply.js';

import type { Conversations } from './memory.js';
import type { Verdict } from '../verification/verify.js';

type ReplyExtra = Partial<Pick<Reply, 'outcome' | 'table' | 'attachments' | 'page' | 'choices' | 'invoices' | 'listed' | 'details' | 'pay'>>;

export interface Services {
  store: Store;
  documents: Documents;
  catalog: Catalog;
  codeMail: CodeMail;
  log: Logger;
  pageSize: number;
  /** The day (MM-DD) fiscal years start (FISCAL_YEAR_START), for « l'exercice 2021 », "FY2022". */
  fiscalYearStart?: string;
  /** The provider's own addresses (MAIL_FROM, the inbox, staff, the bounce address), which no change may name. */
  providerMailboxes: ProviderMailboxes;
  /** Whether a customer may turn payment reminders off (REMINDERS_OPT_OUT). */
  remindersOptOut: boolean;
  /** Tells support staff something they must act on (a payment a customer says they made), wherever they are reached. */
  tellStaff: (notice: { subject: string; text: string }) => Promise<void>;
  now: () => Date;
  /** Checks copies customers send (« est-ce bien une facture de chez vous ? »), up to its size limit; null where nothing may be checked. */
  verifier: { verify(bytes: Uint8Array): Promise<Verdict>; maxBytes: number } | null;
  /** Today in PUSH_TIMEZONE, from which periods such as "le mois dernier" count. */
  today: () => string;
}

/** One request being answered: who asks, in which language, and the services to answer with. */
export class Context {
  constructor(
    readonly services: Services,
    readonly customer: Customer,
    readonly locale: Locale,
    readonly conversation: string,
    readonly memory: Conversations,
    /** The channel's way to show a long ZIP under way (the request's `progress`), if it has one. */
    readonly progress?: ZipProgress,
  ) {}

  t(key: string, params?: Params): string {
    return this.services.catalog.t(this.locale, key, params);
  }

  /** The customer as the documents should address them: in the language of this conversation. */
  get reader(): Customer {
    return { ...this.customer, locale: this.locale };
  }

  /** The customer's own invoice with that number; someone else's is as unknown as a missing one. */
  async ownInvoice(number: string): Promise<Invoice | undefined> {
    return (await this.ownInvoices([number]))[0];
  }

  /** The customer's own invoices among these numbers, in their order; the others (someone else's, or none) are left out alike. */
  async ownInvoices(numbers: string[]): Promise<Invoice[]> {
    const found = new Map((await this.services.store.invoicesByNumber(numbers)).filter((i) => i.customerId === this.customer.id).map((i) => [i.number, i]));
    return numbers.flatMap((number) => found.get(number) ?? []);
  }

  reply(text: string[], extra: ReplyExtra = {}): Reply {
    return {
      locale: this.locale,
      customerId: this.customer.id,
      outcome: extra.outcome ?? 'answered',
      text,
      attachments: extra.attachments ?? [],
      ...(extra.table ? { table: extra.table } : {}),
      ...(extra.page ? { page: extra.page } : {}),
      ...(extra.choices ? { choices: extra.choices } : {}),
      ...(extra.invoices ? { invoices: extra.invoices } : {}),
      ...(extra.listed ? { listed: extra.listed } : {}),
      ...(extra.details ? { details: extra.details } : {}),
      ...(extra.pay?.length ? { pay: extra.pay } : {}),
    };
  }

  /** The pay links of these invoices a customer may follow (see billing's `payLinks`), worded. */
  payLinks(invoices: readonly Invoice[]): PayLink[] {
    return payLinks(invoices, (number) => this.t('pay.button', { number }));
  }

  refuse(key: string, params?: Params): Reply {
    return this.reply([this.t(key, params)], { outcome: 'refused' });
  }
}

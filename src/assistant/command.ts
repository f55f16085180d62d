import type { InvoiceFilter, ListPosition } from '../billing/filter.js';
import type { Locale } from '../billing/types.js';
import type { Range } from './reading/recognise/periods.js';

/** What a customer can ask for, whatever the channel and the language. */
export type Command =
  | { intent: 'help' }
  | { intent: 'list'; filter: InvoiceFilter }
  /** One invoice by its period or rank ("la facture d'octobre", "my latest bill"): its PDF when one matches, the list otherwise. */
  | { intent: 'singleInvoice'; filter: InvoiceFilter }
  /** `from`: the list and page shown where the customer pressed, when the channel kept them (a button); else the conversation's last list. */
  | { intent: 'page'; step: 1 | -1; from?: ListPosition }
  | { intent: 'pdf'; numbers: string[] }
  /** Staff asking for an invoice to go to its customer again; from a customer, it means the PDF. */
  | { intent: 'resend'; numbers: string[] }
  /** One invoice's details, by its number or (`filter`) by its period or rank (« c'est quoi la deuxième facture de 2021 ? »). */
  | { intent: 'details'; number: string | null; filter?: InvoiceFilter }
  | { intent: 'zip'; filter: InvoiceFilter }
  /** The files of the invoices the filter names (« envoyez-moi les factures de 2023 »): their PDFs, or one ZIP past a few, as for numbers. */
  | { intent: 'files'; filter: InvoiceFilter }
  /**
   * What is owed: the unpaid invoices and their total, with the account statement as a PDF
   * (`statement: false` when the customer said not to send it). `paid` adds to the statement
   * the invoices paid in that period ("relevé 2026").
   */
  | { intent: 'balance'; paid?: Range; statement?: false }
  | { intent: 'notifications' }
  | { intent: 'attachments'; on: boolean }
  | { intent: 'chat'; on: boolean }
  /** « est-ce bien une facture de chez vous ? »: whether the PDF the message carries is genuine. */
  | { intent: 'verify' }
  /** « j'ai déjà payé la facture 1266 »: the customer says these invoices are paid. */
  /**
   * `filter`: the unpaid invoice named by its period (« j'ai payé la facture de décembre »), when no number is;
   * `every`: all the unpaid ones it names, said in the plural (« les deux factures d'octobre », "both").
   */
  | { intent: 'paidClaim'; numbers: string[]; filter?: InvoiceFilter; every?: boolean }
  /** Payment reminders off or on: « rappels non », "stop the reminders". */
  | { intent: 'reminders'; on: boolean }
  | { intent: 'address'; address: string }
  /** Invoice contacts: « notifications ajouter compta@… », « retirer … », « … peut demander » (or « ne peut plus »). */
  | { intent: 'contactAdd'; address: string }
  | { intent: 'contactRemove'; address: string }
  | { intent: 'contactMayAsk'; address: string; on: boolean }
  /**
   * A change asked before taken back (« oubliez le changement d'adresse », "cancel that request"):
   * the waiting one of that kind (`address`: a new notification address; `contact`: any change of
   * a contact), or every one waiting when none is named.
   */
  | { intent: 'withdraw'; kind: 'address' | 'contact' | null }
  | { intent: 'confirm'; code: string | null }
  | { intent: 'smalltalk'; kind: 'hello' | 'thanks' | 'bye' | 'ok' }
  /** A question about hosting, DNS, prices…: who can answer it. */
  | { intent: 'offTopic' }
  /** Two readings are plausible: the customer is asked which one, by its number. */
  | { intent: 'clarify'; options: Command[] }
  /** The number of one of the choices offered by `clarify`. */
  | { intent: 'choose'; index: number };

export interface Parsed {
  command: Command | null;
  /** The language the text is written in, when its words say so. */
  locale: Locale | null;
}

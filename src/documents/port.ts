import type { Statement } from '../billing/statement.js';
import type { Customer, Invoice } from '../billing/types.js';
import type { Attachment, ZipProgress } from './attachment.js';

/**
 * The documents part as the parts above it use it (the assistant, the push, mails, download
 * links): attachments to send, without knowing PDF or ZIP libraries. Declared here, below
 * them all, so that none of them reaches into another for the type.
 */
export interface Documents {
  pdfAttachment(invoice: Invoice, customer: Customer): Promise<Attachment>;
  /** `progress`, when given, is told as each PDF of the ZIP is ready. */
  zipAttachment(invoices: Invoice[], customer: Customer, progress?: ZipProgress): Promise<Attachment>;
  statementAttachment(statement: Statement, customer: Customer): Promise<Attachment>;
  /** The numbers of these invoices whose PDF cannot be sent (PDF_SOURCE=billing and the billing system has not sent it). */
  missingPdfs(invoices: Invoice[]): Promise<string[]>;
}

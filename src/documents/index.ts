/** The documents part's entry point: invoices and statements as PDF and ZIP attachments (see invoice-documents.ts). */
export { InvoiceDocuments, type InvoiceDocumentsOptions } from './invoice-documents.js';
export type { IssuedPdfs } from './billing-pdfs.js';

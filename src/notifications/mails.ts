import type { Documents } from '../documents/port.js';
import { formatDecimal } from '../billing/money.js';
import type { Customer, Invoice } from '../billing/types.js';
import { MAX_PDFS, type Attachment } from '../documents/attachment.js';
import type { LinkMaker } from '../download-links/links.js';
import { offerLinks, type OfferedLink } from '../download-links/offer.js';
import { packAttachments, splitToFit } from '../outbound/fit.js';
import type { Block, Letter } from '../outbound/letter.js';
import type { Catalog, Params } from '../templates/catalog.js';
import { letterOf, type InvoiceWords } from './compose.js';

/**
 * Mails one message may take at most. Past that its files are not sent at all: the invoices
 * are listed in one mail that says how to ask for them. Five mails of MAIL_SIZE_LIMIT_MB (100 MB
 * by default) are already more than many mailboxes hold.
 */
export const MAX_PARTS = 5;

/**
 * One mail of a message about invoices: the invoices it lists, the files it carries, and what
 * it says of their PDFs — attached, linked, to ask for (not wanted, or too many to send), or
 * refused by the customer's mail server.
 */
export interface MailPart {
  invoices: Invoice[];
  files: Attachment[];
  says: 'attached' | 'linked' | 'ask' | 'tooMany' | 'refused';
  /** Whether the account statement is among its files (a reminder's, in its first mail). */
  statement: boolean;
  /** What the first mail says besides: a download link, a file too large for any mail. */
  extra: Block[];
}

export interface MailCut {
  parts: MailPart[];
  links: OfferedLink[];
}

/** What cutting a message into mails needs: its invoices (those whose PDFs go: `filed`), whose, the statement to add, the limit, and links when they can be made. */
export interface CutInput {
  invoices: Invoice[];
  filed: Invoice[];
  customer: Customer;
  attachPdf: boolean;
  statement: Attachment | null;
  documents: Documents;
  catalog: Catalog;
  limitBytes: number;
  links: LinkMaker | null;
}

/**
 * The mails that carry a message about invoices (an announcement, a reminder, a resend)
 * within MAIL_SIZE_LIMIT_MB, cut exactly as answers are: the PDFs one by one up to
 * MAX_PDFS and as one ZIP past that; a ZIP over the limit is a download link when links can
 * be made (PUBLIC_URL), else split into ZIPs within it, one a mail, marked (1/3), (2/3)…;
 * past MAX_PARTS mails, one mail that lists them all and says how to ask for them. Every
 * invoice is in exactly one mail's table, with its PDF in that mail's files (or the link),
 * and the statement rides in the first. The PDFs are looked up a few at a time
 * (`zipAttachment`), so a message of ten thousand invoices holds none of them in memory.
 */
export async function cutIntoMails(input: CutInput): Promise<MailCut> {
  const { invoices, statement, limitBytes } = input;
  const extraFiles = statement ? [statement] : [];
  const whole = (says: MailPart['says']): MailCut => ({ parts: [{ invoices, files: extraFiles, says, statement: statement !== null, extra: [] }], links: [] });
  if (!input.attachPdf || input.filed.length === 0) return whole('ask');
  const { files, holdsOf } = await invoiceFiles(input.documents, input.filed, input.customer);
  // The first mail keeps room for the statement, so that it travels with invoices, not alone.
  const room = limitBytes - (statement?.size ?? 0);
  const offered = offerLinks(files, room, input.links, input.catalog, input.customer.locale);
  if (offered.links.length > 0) {
    const extra = offered.links.map(({ sentence, link }): Block => ({ link: { sentence, url: link.url } }));
    return { parts: [{ invoices, files: [...extraFiles, ...offered.files], says: 'linked', statement: statement !== null, extra }], links: offered.links };
  }
  const { mails, tooLarge } = await packAttachments([...extraFiles, ...(await splitToFit(offered.files, room))], limitBytes);
  if (mails.length > MAX_PARTS) return whole('tooMany');
  const numbers = mails.map((group) => new Set(group.flatMap(holdsOf)));
  // A PDF too large for any mail leaves its invoice listed in the first, with a sentence that says so.
  const size = formatDecimal(limitBytes / (1024 * 1024), input.customer.locale);
  const refused = tooLarge.map((file): Block => ({ paragraph: input.catalog.t(input.customer.locale, 'email.tooLarge', { filename: file.filename, size }) }));
  const parts = mails.map((group, index): MailPart => {
    const listed = invoices.filter((invoice) => numbers[index]!.has(invoice.number) || (index === 0 && !numbers.some((set) => set.has(invoice.number))));
    return {
      invoices: listed,
      files: group,
      says: group.some((file) => holdsOf(file).length > 0) ? 'attached' : 'ask',
      statement: statement !== null && group.includes(statement),
      extra: index === 0 ? refused : [],
    };
  });
  return { parts, links: [] };
}

/**
 * The later mails of a message an earlier attempt cut (see DeliveryParts), each with the
 * files of the invoices it was given then, as that attempt made them: sent again, a mail is
 * the one the customer may already have, never another cut of the invoices.
 */
export async function recordedMails(
  cut: string[][],
  from: number,
  invoices: Invoice[],
  filed: Invoice[],
  customer: Customer,
  documents: Documents,
): Promise<MailPart[]> {
  const byNumber = new Map(invoices.map((invoice) => [invoice.number, invoice]));
  const withPdf = new Set(filed.map((invoice) => invoice.number));
  // As the first attempt chose, by how many invoices the message had then: one by one, or zipped.
  const zipped = cut.flat().length > MAX_PDFS;
  return Promise.all(
    cut.map(async (numbers, index): Promise<MailPart> => {
      const listed = numbers.flatMap((number) => byNumber.get(number) ?? []);
      if (index < from || listed.length === 0) return { invoices: listed, files: [], says: 'attached', statement: false, extra: [] };
      const pdfs = listed.filter((invoice) => withPdf.has(invoice.number));
      if (pdfs.length === 0) return { invoices: listed, files: [], says: 'ask', statement: false, extra: [] };
      const files = zipped
        ? [await documents.zipAttachment(pdfs, customer)]
        : await Promise.all(pdfs.map((invoice) => documents.pdfAttachment(invoice, customer)));
      return { invoices: listed, files, says: 'attached', statement: false, extra: [] };
    }),
  );
}

/**
 * The invoices' PDFs as a message carries them: one by one up to MAX_PDFS, else one ZIP
 * (looked up a few at a time, and split later if it must be); and which invoices each file holds.
 */
export async function invoiceFiles(
  documents: Documents,
  invoices: Invoice[],
  customer: Customer,
): Promise<{ files: Attachment[]; holdsOf: (file: Attachment) => string[] }> {
  if (invoices.length > MAX_PDFS) return { files: [await documents.zipAttachment(invoices, customer)], holdsOf: (file) => file.holds?.invoices ?? [] };
  const pdfs = await Promise.all(invoices.map(async (invoice) => [await documents.pdfAttachment(invoice, customer), invoice.number] as const));
  const numbers = new Map<Attachment, string>(pdfs);
  return { files: pdfs.map(([file]) => file), holdsOf: (file) => file.holds?.invoices ?? (numbers.has(file) ? [numbers.get(file)!] : []) };
}

/** A mail of the message as the customer reads it: its subject (marked (2/3) when there are several) and its letter. */
export function partLetter(words: InvoiceWords, part: MailPart, index: number, count: number, catalog: Catalog): { subject: string; letter: Letter } {
  const t = (key: string, params?: Params) => catalog.t(words.locale, key, params);
  const notes = count > 1 ? [t('email.part', { part: index + 1, parts: count })] : [];
  const year =
    part.invoices
      .map((invoice) => invoice.issuedAt.slice(0, 4))
      .sort()
      .at(-1) ?? '';
  const said: Record<MailPart['says'], string | null> = {
    attached: words.files.attached,
    linked: null,
    ask: words.files.ask,
    tooMany: t('push.tooMany', { count: part.invoices.length, year }),
    refused: [t('push.refused'), words.files.ask].join('\n'),
  };
  const files = [said[part.says], ...(part.statement && words.statement ? [words.statement] : [])].filter((sentence) => sentence !== null).join('\n') || null;
  const listed = new Set(part.invoices.map((invoice) => invoice.number));
  const rows = words.rows.filter((row) => listed.has(row.number));
  return {
    subject: count > 1 ? `${words.subject} (${index + 1}/${count})` : words.subject,
    letter: letterOf(words, { rows, notes, extra: part.extra, files, later: index === 0 ? words.notYet : [] }),
  };
}

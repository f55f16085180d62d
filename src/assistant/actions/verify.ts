import { invoiceFacts } from '../../billing/money.js';
import type { Attachment } from '../../documents/attachment.js';
import { PdfMissing } from '../../documents/attachment.js';
import type { Difference } from '../../verification/facts.js';
import type { Verdict } from '../../verification/verify.js';
import type { Locale } from '../../billing/types.js';
import type { Params } from '../../templates/catalog.js';
import type { Context, Services } from '../context.js';
import type { Reply } from '../reply.js';

/** A file a customer's message carried, to be checked: its bytes, or null when it was too large to be fetched. */
export interface AttachedFile {
  name: string;
  size: number;
  bytes: Uint8Array | null;
}

/** Who asked, for staff: the sender's address or chat account, and the channel. */
export interface Asker {
  sender: string;
  channel: string;
}

/** Files of one message checked at most: each is read on a thread of its own, within a time limit. */
export const MAX_CHECKED = 3;

/**
 * « est-ce bien une facture de chez vous ? » with a PDF attached: the verdict on each file, in
 * the customer's words. A genuine copy of their own invoice is named; an altered one says what
 * differs that matters, with the genuine PDF attached; a copy that is not ours but bears the
 * provider's name or one of our invoice numbers is also told to staff, with who sent it and what
 * differs. Nothing of another customer's invoice is told: a copy of it gets the same sentence
 * whatever it holds, and staff are told.
 */
export async function verifyAttached(ctx: Context, files: AttachedFile[], asker: Asker): Promise<Reply> {
  const verifier = ctx.services.verifier;
  const max = Math.round((verifier?.maxBytes ?? 0) / (1024 * 1024));
  if (!verifier || files.length === 0) return ctx.reply([ctx.t('verify.nothing', { max })], { outcome: 'refused' });
  const text: string[] = [];
  const attachments: Attachment[] = [];
  for (const file of files.slice(0, MAX_CHECKED)) {
    const verdict: Verdict = file.bytes === null ? { kind: 'unreadable', sha256: '', reason: 'tooLarge' } : await verifier.verify(file.bytes);
    ctx.services.log.info(
      { event: 'verify', customer: ctx.customer.id, file: file.name, verdict: verdict.kind, sha256: verdict.sha256 },
      'a customer asked whether a document is genuine',
    );
    const said = await say(ctx, file, verdict, max);
    text.push(...said.text);
    if (said.attach) attachments.push(said.attach);
    if (said.suspect) await tellStaff(ctx.services, ctx.customer.id, file, verdict, asker);
  }
  if (files.length > MAX_CHECKED) text.push(ctx.t('verify.more', { count: files.length - MAX_CHECKED }));
  return ctx.reply(text, { attachments, invoices: attachments.flatMap((a) => a.files.flatMap((f) => (f.invoice ? [f.invoice] : []))) });
}

/** The verdict in the customer's words, the genuine PDF to attach, and whether staff must hear of it. */
async function say(ctx: Context, file: AttachedFile, verdict: Verdict, max: number): Promise<{ text: string[]; attach?: Attachment; suspect: boolean }> {
  const name = file.name;
  switch (verdict.kind) {
    case 'unreadable':
      return { text: [ctx.t('verify.unreadable', { name, why: whyUnreadable(verdict.reason), max })], suspect: false };
    case 'foreign':
      return { text: [ctx.t(verdict.bearsProvider ? 'verify.forgedInOurName' : 'verify.foreign', { name })], suspect: verdict.bearsProvider };
    case 'genuine': {
      const mine = verdict.customer?.id === ctx.customer.id;
      if (!mine) return { text: [ctx.t('verify.notYours', { name })], suspect: true };
      if (!verdict.invoice) return { text: [ctx.t('verify.genuineDocument', { name })], suspect: false };
      const facts = invoiceFacts(verdict.invoice);
      const text = [ctx.t('verify.genuine', { name, number: facts.number, date: facts.date, total: facts.amount, source: verdict.source })];
      if (verdict.source === 'billing' && !verdict.current) text.push(ctx.t('verify.superseded', { number: facts.number }));
      return { text, suspect: false };
    }
    case 'altered': {
      if (verdict.invoice.customerId !== ctx.customer.id) return { text: [ctx.t('verify.notYours', { name })], suspect: true };
      const attach = await genuinePdf(ctx, verdict);
      const number = verdict.invoice.number;
      if (verdict.differences.length === 0) return { text: [ctx.t('verify.copy', { name, number })], ...(attach ? { attach } : {}), suspect: false };
      return {
        text: [
          ctx.t('verify.altered', {
            name,
            number,
            differences: differencesIn(ctx.locale, (key, params) => ctx.t(key, params), verdict.differences, verdict.invoice.currency),
          }),
        ],
        ...(attach ? { attach } : {}),
        suspect: true,
      };
    }
  }
}

/** The genuine PDF of the customer's invoice, to set beside the copy; none with PDF_SOURCE=billing before the billing system sent it. */
async function genuinePdf(ctx: Context, verdict: Extract<Verdict, { kind: 'altered' }>): Promise<Attachment | null> {
  try {
    return await ctx.services.documents.pdfAttachment(verdict.invoice, ctx.reader);
  } catch (error) {
    if (error instanceof PdfMissing) return null;
    throw error;
  }
}

/** What differs, in the reader's words and figures, as one phrase (« les coordonnées bancaires (…) et la date d’échéance (…) »). */
function differencesIn(locale: Locale, t: (key: string, params?: Params) => string, differences: Difference[], currency: string): string {
  const shown = (difference: Difference, values: string[]) =>
    values.length === 0 ? t('verify.diff.none') : values.map((value) => shownValue(locale, difference, value, currency)).join(', ');
  const phrases = differences.map((difference) =>
    t(`verify.diff.${difference.kind}`, { copy: shown(difference, difference.copy), genuine: shown(difference, difference.genuine) }),
  );
  return new Intl.ListFormat(locale, { type: 'conjunction' }).format(phrases);
}

/** A fact as a person reads it: an amount in its currency, an IBAN in groups of four, a day as a date. */
function shownValue(locale: Locale, difference: Difference, value: string, currency: string): string {
  if (difference.kind === 'amounts')
    return new Intl.NumberFormat(locale, { style: 'currency', currency, maximumFractionDigits: value.includes('.') ? 2 : 0 }).format(Number(value));
  if (difference.kind === 'dueDate') return new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeZone: 'UTC' }).format(new Date(`${value}T00:00:00Z`));
  if (difference.kind === 'bank' && /^[A-Z]{2}\d{2}/.test(value)) return value.replace(/(.{4})(?=.)/g, '$1 ');
  return value;
}

/** The checker's reason as the customer is told it: too large, no PDF, or unreadable. */
function whyUnreadable(reason: string): 'tooLarge' | 'notPdf' | 'unreadable' {
  if (reason === 'tooLarge' || /MB|Mo/.test(reason)) return 'tooLarge';
  return /%PDF-|is empty/.test(reason) ? 'notPdf' : 'unreadable';
}

/**
 * A stranger's copies (mail from an address on no customer's record): checked, and staff told
 * of those that claim to be ours and are not (altered, or in our name), with who sent them; the
 * stranger learns nothing of them. A victim of a forgery in our name is often no customer.
 */
export async function reportStrangersCopies(services: Services, files: AttachedFile[], asker: Asker): Promise<void> {
  if (!services.verifier) return;
  for (const file of files.slice(0, MAX_CHECKED)) {
    if (file.bytes === null) continue;
    const verdict = await services.verifier.verify(file.bytes);
    services.log.info(
      { event: 'verify', customer: null, sender: asker.sender, file: file.name, verdict: verdict.kind, sha256: verdict.sha256 },
      'a stranger sent a document',
    );
    if (verdict.kind === 'altered' || (verdict.kind === 'foreign' && verdict.bearsProvider)) await tellStaff(services, null, file, verdict, asker);
  }
}

/** Staff hear of a copy that is not ours but claims to be: who sent it, by which channel, the invoice it bears, and what differs. */
async function tellStaff(services: Services, customerId: string | null, file: AttachedFile, verdict: Verdict, asker: Asker): Promise<void> {
  const { catalog, log, store } = services;
  const invoice = verdict.kind === 'altered' || verdict.kind === 'genuine' ? verdict.invoice : null;
  const owner = invoice ? await store.customerById(invoice.customerId) : undefined;
  const differences =
    verdict.kind === 'altered'
      ? differencesIn('fr', (key, params) => catalog.t('fr', key, params), verdict.differences, verdict.invoice.currency)
      : catalog.t('fr', 'verify.diff.none');
  const params = {
    sender: asker.sender,
    channel: asker.channel,
    name: file.name,
    number: invoice?.number ?? 'none',
    customer: owner ? `${owner.name}, ${owner.email}` : '',
    differences,
    sha256: verdict.sha256,
  };
  log.warn(
    { event: 'verify.suspect', customer: customerId, sender: asker.sender, invoice: invoice?.number ?? null, sha256: verdict.sha256, verdict: verdict.kind },
    'a copy that is not ours was sent to be checked: staff told',
  );
  await services.tellStaff({ subject: catalog.t('fr', 'staff.suspect.subject', params), text: catalog.t('fr', 'staff.suspect.text', params) });
}

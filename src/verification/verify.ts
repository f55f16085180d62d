import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { FileSource } from '../billing/files.js';
import { invoiceNumber } from '../billing/numbers.js';
import type { Customer, Invoice } from '../billing/types.js';
import { PdfMissing } from '../documents/attachment.js';
import { checkPdf } from '../documents/reading/check.js';
import type { PdfReader } from '../documents/reading/reader.js';
import type { Store } from '../store/store.js';
import { differences, factsOf, fold, type Difference } from './facts.js';

/**
 * What a copy of a document is, checked against what Facteur holds and sent:
 * - `genuine`: its very bytes are a PDF the billing system sent for an invoice (the one sent
 *   now or an older one), or a file a delivery carried (a rendering sent, a statement), or the
 *   rendering Facteur sends now;
 * - `altered`: it names one of our invoices but its bytes are none of those: what differs that
 *   matters (amounts, bank details, mobile money, due date, customer) against the closest genuine one;
 * - `foreign`: it names none of our invoices (`bearsProvider`: it bears the provider's name all the same);
 * - `unreadable`: it is no PDF that can be read within the limits, with why.
 */
export type Verdict =
  | {
      kind: 'genuine';
      sha256: string;
      invoice: Invoice | null;
      customer: Customer | null;
      source: FileSource;
      current: boolean;
      at: string | null;
      document: string;
    }
  | { kind: 'altered'; sha256: string; invoice: Invoice; customer: Customer | null; differences: Difference[]; bearsProvider: boolean }
  | { kind: 'foreign'; sha256: string; bearsProvider: boolean }
  | { kind: 'unreadable'; sha256: string; reason: string };

/** What checking a copy needs: the store, the files sent now, the PDF reader and its limit, and the provider's name. */
export interface VerifierPorts {
  store: Pick<Store, 'issuedPdfHistory' | 'issuedPdfs' | 'pdfBytes' | 'deliveries' | 'invoice' | 'invoicesByNumber' | 'customerById'>;
  /** The file Facteur sends now for an invoice (the billing system's PDF, or its rendering). */
  documents: { pdf(invoice: Invoice, customer: Customer): Promise<string> };
  reader: PdfReader;
  maxBytes: number;
  providerName: string;
}

/** Words of a copy looked up as invoice numbers at most: an invoice has a few dozen, a hostile file many more. */
const MAX_CANDIDATES = 400;
/** The genuine PDFs of an invoice a copy is compared with at most (the latest first). */
const MAX_REFERENCES = 5;

/** Checks copies of documents: `facteur verify`, and customers asking whether a PDF is ours. */
export class Verifier {
  constructor(private readonly ports: VerifierPorts) {}

  async verify(bytes: Uint8Array): Promise<Verdict> {
    const { store, reader, maxBytes } = this.ports;
    const sha256 = sha256Of(bytes);
    const known = await this.byBytes(sha256);
    if (known) return known;
    const checked = await checkPdf(bytes, maxBytes, reader);
    if ('reason' in checked) return { kind: 'unreadable', sha256, reason: checked.reason };
    const text = checked.text.text;
    const bearsProvider = fold(text).includes(fold(this.ports.providerName));
    const invoice = await this.namedInvoice(text);
    if (!invoice) return { kind: 'foreign', sha256, bearsProvider };
    const customer = (await store.customerById(invoice.customerId)) ?? null;
    const current = await this.currentFile(invoice, customer);
    if (current && sha256Of(current.bytes) === sha256)
      return { kind: 'genuine', sha256, invoice, customer, source: current.source, current: true, at: null, document: 'invoice' };
    return { kind: 'altered', sha256, invoice, customer, differences: await this.closest(text, invoice, customer, current), bearsProvider };
  }

  /** The copy's bytes are a PDF the billing system sent, or a file a delivery carried. */
  private async byBytes(sha256: string): Promise<Verdict | null> {
    const { store } = this.ports;
    const issued = (await store.issuedPdfHistory({ sha256 })).at(-1);
    if (issued) {
      const invoice = (await store.invoice(issued.invoice)) ?? null;
      const latest = (await store.issuedPdfs([issued.invoice])).get(issued.invoice);
      const customer = invoice ? ((await store.customerById(invoice.customerId)) ?? null) : null;
      return { kind: 'genuine', sha256, invoice, customer, source: 'billing', current: latest?.sha256 === sha256, at: issued.receivedAt, document: 'invoice' };
    }
    const delivery = (await store.deliveries({ file: sha256 })).at(-1);
    const file = delivery?.files?.find((carried) => carried.sha256 === sha256);
    if (!delivery || !file) return null;
    const invoice = file.invoice ? ((await store.invoice(file.invoice)) ?? null) : null;
    const customer = (await store.customerById(delivery.customerId)) ?? null;
    return {
      kind: 'genuine',
      sha256,
      invoice,
      customer,
      source: file.source,
      current: false,
      at: delivery.createdAt,
      document: file.invoice ? 'invoice' : file.name,
    };
  }

  /**
   * The invoice of ours the copy names: of the words that are invoice numbers we have, the one
   * written after « facture », "invoice" or « n° », else the one written most.
   */
  private async namedInvoice(text: string): Promise<Invoice | null> {
    const upper = text.normalize('NFKC').toUpperCase();
    const words = [...upper.matchAll(/[A-Z0-9](?:[A-Z0-9\-_./]{0,38}[A-Z0-9])?/g)];
    const numbers = [
      ...new Set(
        words
          .map((m) => m[0])
          .filter((w) => /\d/.test(w))
          .map((w) => invoiceNumber(w))
          .filter((n): n is string => n !== null),
      ),
    ].slice(0, MAX_CANDIDATES);
    const found = await this.ports.store.invoicesByNumber(numbers);
    if (found.length === 0) return null;
    const score = (invoice: Invoice) =>
      words.reduce(
        (sum, m) =>
          m[0] !== invoice.number
            ? sum
            : sum + 1 + (/(FACTURE|INVOICE|N°|NO\.?|NUM[EÉ]RO|NUMBER)\s*:?\s*$/.test(upper.slice(Math.max(0, m.index - 20), m.index)) ? 100 : 0),
        0,
      );
    return found.toSorted((a, b) => score(b) - score(a) || a.number.localeCompare(b.number))[0]!;
  }

  /** The file Facteur sends for the invoice now, if it can say (none under PDF_SOURCE=billing before the billing system's comes). */
  private async currentFile(invoice: Invoice, customer: Customer | null): Promise<{ bytes: Buffer; source: FileSource } | null> {
    if (!customer) return null;
    const latest = (await this.ports.store.issuedPdfs([invoice.number])).get(invoice.number);
    try {
      return { bytes: await readFile(await this.ports.documents.pdf(invoice, customer)), source: latest ? 'billing' : 'rendered' };
    } catch (error) {
      if (error instanceof PdfMissing) return null;
      throw error;
    }
  }

  /**
   * What differs between the copy and the genuine PDF of the invoice closest to it: each PDF
   * the billing system sent for it (a copy of an older one is compared with that one), or
   * Facteur's rendering when it sent none.
   */
  private async closest(text: string, invoice: Invoice, customer: Customer | null, current: { bytes: Buffer } | null): Promise<Difference[]> {
    const { store, reader } = this.ports;
    const issued = (await store.issuedPdfHistory({ invoice: invoice.number })).reverse().slice(0, MAX_REFERENCES);
    const references = issued.length > 0 ? await Promise.all(issued.map(async (pdf) => (await store.pdfBytes(pdf.sha256)) ?? null)) : [current?.bytes ?? null];
    const copy = factsOf(text);
    const named = customer ? { email: customer.email, name: customer.name } : null;
    let best: Difference[] | null = null;
    for (const bytes of references) {
      if (!bytes) continue;
      const genuine = factsOf((await reader.read(bytes)).text);
      const found = differences(copy, genuine, named, text);
      if (!best || found.length < best.length) best = found;
    }
    return best ?? [];
  }
}

export function sha256Of(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

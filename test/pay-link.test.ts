/**
 * The pay link's rules, pure functions: the corpus in fixtures/pay-links/ holds what billing
 * systems write (providers' own pages, payment gateways' checkouts with tokens) and what an
 * attacker or a wrong export would put there, each with why; and which links a message about invoices offers.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { newCustomer } from '../src/billing/customer.js';
import { checkPayUrl, payHost, payLinkOf } from '../src/billing/pay-link.js';
import { invoiceWords, letterOf, reminderWords } from '../src/notifications/compose.js';
import { Catalog } from '../src/templates/catalog.js';

interface Corpus {
  accepted: { written: string; kept: string; why: string }[];
  refused: { written: string; reason: string; why: string }[];
}

const corpus = JSON.parse(readFileSync(path.join(import.meta.dirname, 'fixtures', 'pay-links', 'links.json'), 'utf8')) as Corpus;

describe('checkPayUrl', () => {
  it.each(corpus.refused)('refuses $why, saying why', ({ written, reason }) => {
    const checked = checkPayUrl(written);
    expect(checked).toEqual({ reason: expect.stringContaining(reason) });
  });

  it.each(corpus.accepted)('keeps $why, as browsers write it', ({ written, kept }) => {
    expect(checkPayUrl(written)).toEqual({ url: kept });
    // What is kept is kept again as it is: the store's check and the import's agree.
    expect(checkPayUrl(kept)).toEqual({ url: kept });
  });

  it('refuses a huge text by its length, before reading it', () => {
    expect(checkPayUrl(`https://paiement.hebergeur.example/${'a'.repeat(5_000_000)}`)).toEqual({ reason: 'is 5000035 characters long, more than 2000' });
  });
});

describe('payLinkOf', () => {
  const url = 'https://paiement.hebergeur.example/p/1266';

  it('offers the link of an unpaid invoice only, never of a paid or cancelled one', () => {
    expect(payLinkOf({ status: 'unpaid', payUrl: url })).toBe(url);
    expect(payLinkOf({ status: 'paid', payUrl: url })).toBeNull();
    expect(payLinkOf({ status: 'cancelled', payUrl: url })).toBeNull();
    expect(payLinkOf({ status: 'unpaid' })).toBeNull();
  });

  it('offers nothing a hand-edited store holds that the import would have refused or written otherwise', () => {
    expect(payLinkOf({ status: 'unpaid', payUrl: 'javascript:alert(1)' })).toBeNull();
    expect(payLinkOf({ status: 'unpaid', payUrl: 'https://hebergeur.example@evil.example/' })).toBeNull();
    expect(payLinkOf({ status: 'unpaid', payUrl: 'HTTPS://paiement.hebergeur.example/p' })).toBeNull();
  });

  it('names the host a customer is sent to', () => {
    expect(payHost('https://paiement.hebergeur.example:8443/p?x=1')).toBe('paiement.hebergeur.example:8443');
  });
});

describe('the pay buttons of announcements and reminders', async () => {
  const catalog = await Catalog.load(path.resolve(import.meta.dirname, '..', 'templates'));
  const customer = newCustomer('awa@example.cm', 'Awa Nkolo', 'fr');
  const invoice = (number: string, dueAt: string, changes: Record<string, unknown> = {}) => ({
    number,
    customerId: customer.id,
    issuedAt: '2026-10-01',
    dueAt,
    currency: 'XAF',
    lines: [{ label: 'Hébergement', quantity: 1, unitPrice: 1000 }],
    taxes: [],
    status: 'unpaid' as const,
    paidAt: null,
    payUrl: `https://paiement.hebergeur.example/facture/${number}`,
    ...changes,
  });
  const pays = (blocks: object[]) => blocks.flatMap((block) => ('pay' in block ? [(block as { pay: { label: string; url: string; where: string } }).pay] : []));

  it('offer the unpaid invoices with a link, the one due first first, five at most, each with where it leads', () => {
    const invoices = ['1301', '1302', '1303', '1304', '1305', '1306', '1307'].map((number, i) => invoice(number, `2026-11-${String(20 - i).padStart(2, '0')}`));
    const words = reminderWords(catalog, customer, invoices, '2026-11-25');
    const shown = pays(letterOf(words, { rows: words.rows, notes: [], extra: [], files: null, later: [] }).blocks);
    expect(shown.map((pay) => pay.label)).toEqual(['1307', '1306', '1305', '1304', '1303'].map((number) => `Payer la facture ${number}`));
    expect(shown[0]).toEqual({
      label: 'Payer la facture 1307',
      url: 'https://paiement.hebergeur.example/facture/1307',
      where: 'Page de paiement : paiement.hebergeur.example',
    });
  });

  it('show in each mail of several only its own invoices’ buttons, and none for a paid one', () => {
    const words = invoiceWords(
      catalog,
      customer,
      [invoice('1310', '2026-12-01'), invoice('1311', '2026-12-02'), invoice('1312', '2026-12-03', { status: 'paid', paidAt: '2026-11-02' })],
      'push',
    );
    const [first, second, third] = words.rows.map((row) => pays(letterOf(words, { rows: [row], notes: [], extra: [], files: null, later: [] }).blocks));
    expect(first!.map((pay) => pay.label)).toEqual(['Payer la facture 1310']);
    expect(second!.map((pay) => pay.label)).toEqual(['Payer la facture 1311']);
    expect(third).toEqual([]);
  });
});

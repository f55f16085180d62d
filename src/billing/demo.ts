import { newCustomer } from './customer.js';
import type { Customer, Invoice, InvoiceLine, Locale } from './types.js';

/**
 * Demo data for a first run with nothing configured: a few customers of a hosting
 * provider in Cameroon and their invoices from January 2019 up to `until`. It is
 * deterministic, so the README's examples (Awa Nkolo's invoice 1210 of 17 Jan 2019)
 * hold on every machine.
 */
interface DemoCustomer {
  email: string;
  name: string;
  locale: Locale;
  /** First invoice month (0-based from January 2019) and months between invoices. */
  start: number;
  every: number;
  day: number;
  lines: InvoiceLine[];
}

const VAT = [{ label: 'TVA', rate: 19.25 }];

const DEMO_CUSTOMERS: DemoCustomer[] = [
  {
    email: 'awa@example.cm',
    name: 'Awa Nkolo',
    locale: 'fr',
    start: 0,
    every: 4,
    day: 17,
    lines: [
      { label: 'Hébergement Pro (4 mois)', quantity: 1, unitPrice: 60000 },
      { label: 'Nom de domaine .cm', quantity: 1, unitPrice: 15000 },
    ],
  },
  {
    email: 'paul@example.cm',
    name: 'Paul Mbarga',
    locale: 'fr',
    start: 2,
    every: 6,
    day: 5,
    lines: [{ label: 'Hébergement Essentiel (6 mois)', quantity: 1, unitPrice: 30000 }],
  },
  {
    email: 'contact@ndjock-sarl.cm',
    name: 'Ndjock & Fils SARL',
    locale: 'fr',
    start: 1,
    every: 12,
    day: 28,
    lines: [
      { label: 'Serveur dédié (12 mois)', quantity: 1, unitPrice: 900000 },
      { label: 'Sauvegarde quotidienne', quantity: 12, unitPrice: 5000 },
    ],
  },
  {
    email: 'grace.eyenga@example.cm',
    name: 'Grâce Eyenga',
    locale: 'en',
    start: 4,
    every: 12,
    day: 10,
    lines: [
      { label: 'Hébergement WordPress (12 mois)', quantity: 1, unitPrice: 84000 },
      { label: 'Certificat SSL', quantity: 1, unitPrice: 25000 },
    ],
  },
  {
    email: 'jp.fotso@example.cm',
    name: 'Jean-Pierre Fotso',
    locale: 'fr',
    start: 7,
    every: 12,
    day: 21,
    lines: [{ label: 'Messagerie professionnelle (5 boîtes × 12 mois)', quantity: 60, unitPrice: 1500 }],
  },
];

const FIRST_NUMBER = 1210;

export function demoData(until: Date = new Date()): { customers: Customer[]; invoices: Invoice[] } {
  const customers = DEMO_CUSTOMERS.map((demo) => ({ demo, customer: newCustomer(demo.email, demo.name, demo.locale) }));
  const drafts: Omit<Invoice, 'number'>[] = [];
  const today = isoDate(until);
  for (const { demo, customer } of customers) {
    for (let month = demo.start; ; month += demo.every) {
      const issuedAt = isoDate(new Date(Date.UTC(2019, month, demo.day)));
      if (issuedAt > today) break;
      drafts.push({
        customerId: customer.id,
        issuedAt,
        dueAt: isoDate(new Date(Date.UTC(2019, month + 1, demo.day))),
        currency: 'XAF',
        lines: demo.lines.map((line) => ({ ...line, unitPrice: priceIn(line.unitPrice, issuedAt) })),
        taxes: VAT,
        status: 'paid',
        paidAt: isoDate(new Date(Date.UTC(2019, month, demo.day + 9))),
      });
    }
  }
  drafts.sort((a, b) => a.issuedAt.localeCompare(b.issuedAt));
  const invoices = drafts.map((draft, index) => ({ number: String(FIRST_NUMBER + index), ...draft }));
  markRecentUnpaid(invoices, today);
  if (invoices.length > 8) invoices[8] = { ...invoices[8]!, status: 'cancelled', paidAt: null };
  return { customers: customers.map(({ customer }) => customer), invoices };
}

/** Invoices not yet due are unpaid, and so is each customer's oldest invoice of the last year. */
function markRecentUnpaid(invoices: Invoice[], today: string): void {
  const yearAgo = `${Number(today.slice(0, 4)) - 1}${today.slice(4)}`;
  const seen = new Set<string>();
  for (const invoice of invoices) {
    const recent = invoice.issuedAt >= yearAgo && !seen.has(invoice.customerId);
    if (recent) seen.add(invoice.customerId);
    if (recent || invoice.dueAt > today) Object.assign(invoice, { status: 'unpaid', paidAt: null });
  }
}

/** Prices rise 5% a year from 2019, rounded to 500 XAF, so that amounts differ between invoices. */
function priceIn(price2019: number, issuedAt: string): number {
  const years = Number(issuedAt.slice(0, 4)) - 2019;
  return Math.round((price2019 * (1 + 0.05 * years)) / 500) * 500;
}

function isoDate(date: Date): string {
  return date.toISOString().slice(0, 10);
}

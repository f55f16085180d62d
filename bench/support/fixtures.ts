import { newCustomer } from '../../src/billing/customer.js';
import type { Customer, Invoice, InvoiceLine } from '../../src/billing/types.js';

/** The customer every document benchmark bills: French, so amounts carry the narrow spaces Roboto lacks. */
export const customer: Customer = newCustomer('contact@ndjock-sarl.cm', 'Ndjock & Fils SARL', 'fr');

/** A month of a business customer's hosting: eight lines, a one-page invoice like most. */
const LINES: InvoiceLine[] = [
  { label: 'Serveur dédié (1 mois)', quantity: 1, unitPrice: 75_000 },
  { label: 'Hébergement WordPress', quantity: 3, unitPrice: 7_000 },
  { label: 'Messagerie professionnelle (boîtes)', quantity: 12, unitPrice: 1_500 },
  { label: 'Nom de domaine .cm', quantity: 2, unitPrice: 15_000 },
  { label: 'Certificat SSL', quantity: 1, unitPrice: 25_000 },
  { label: 'Sauvegarde quotidienne', quantity: 1, unitPrice: 5_000 },
  { label: 'Support prioritaire (heures)', quantity: 2.5, unitPrice: 12_000 },
  { label: 'Adresse IP supplémentaire', quantity: 1, unitPrice: 3_500 },
];

/** `count` distinct invoices of `customer` (numbers from 100000, one a day from 2019), each a different PDF. */
export function invoices(count: number, first = 100_000): Invoice[] {
  return Array.from({ length: count }, (_, i) => {
    const issued = new Date(Date.UTC(2019, 0, 1 + i));
    const due = new Date(Date.UTC(2019, 0, 31 + i));
    return {
      number: String(first + i),
      customerId: customer.id,
      issuedAt: issued.toISOString().slice(0, 10),
      dueAt: due.toISOString().slice(0, 10),
      currency: 'XAF',
      lines: LINES,
      taxes: [{ label: 'TVA', rate: 19.25 }],
      status: i % 3 === 0 ? 'unpaid' : 'paid',
      paidAt: i % 3 === 0 ? null : due.toISOString().slice(0, 10),
    };
  });
}

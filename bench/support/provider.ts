import { newCustomer } from '../../src/billing/customer.js';
import type { Customer, Invoice } from '../../src/billing/types.js';
import type { Delivery } from '../../src/billing/delivery.js';
import { DAY_MS } from '../../src/time.js';

/**
 * A provider's customers and invoices, made the same on every call so that two processes
 * (one per store) seed the same data: customer `i` is `client<i>@example.cm`, and invoices are
 * spread over customers unevenly, as real ones are (some customers have many).
 */
export function customerAt(i: number): Customer {
  return { ...newCustomer(`client${i}@example.cm`, `Client ${i}`, i % 5 === 0 ? 'en' : 'fr'), id: `customer-${i}` };
}

export function invoiceAt(i: number, customerCount: number): Invoice {
  const owner = Math.floor((((i * 2654435761) % 2 ** 32) / 2 ** 32) * customerCount);
  const issued = new Date(Date.UTC(2019, 0, 1 + Math.floor(i / 400)));
  return {
    number: String(1_000_000 + i),
    customerId: `customer-${owner}`,
    issuedAt: issued.toISOString().slice(0, 10),
    dueAt: new Date(issued.getTime() + 30 * DAY_MS).toISOString().slice(0, 10),
    currency: 'XAF',
    lines: [
      { label: 'Hébergement Pro (1 mois)', quantity: 1, unitPrice: 15_000 },
      { label: 'Nom de domaine .cm', quantity: 1, unitPrice: 15_000 },
    ],
    taxes: [{ label: 'TVA', rate: 19.25 }],
    status: i % 4 === 0 ? 'unpaid' : 'paid',
    paidAt: i % 4 === 0 ? null : issued.toISOString().slice(0, 10),
  };
}

/** `count` items made by `make`, `size` at a time, so that a million never sit in memory at once. */
export function* batchesOf<T>(count: number, size: number, make: (i: number) => T): Generator<T[]> {
  for (let start = 0; start < count; start += size) yield Array.from({ length: Math.min(size, count - start) }, (_, k) => make(start + k));
}

/** A delivery record of one invoice (a staff resend), as the log holds them. */
export function deliveryOf(customer: Customer, invoice: Invoice, i: number): Delivery {
  const at = new Date(Date.UTC(2026, 10, 25, 8, 0, i)).toISOString();
  return {
    id: `bench-${i}`,
    customerId: customer.id,
    invoices: [invoice.number],
    channel: 'email',
    recipient: customer.email,
    reason: 'resend',
    status: 'sent',
    attempts: 1,
    lastError: null,
    messageId: `<bench-${i}@facteur.example>`,
    attachPdf: false,
    requestedBy: null,
    createdAt: at,
    updatedAt: at,
    nextAttemptAt: null,
  };
}

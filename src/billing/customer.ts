import { randomUUID } from 'node:crypto';
import type { Customer, Locale } from './types.js';

/** A customer as first met (by import or demo seed): notifications go to the login email, PDFs attached. */
export function newCustomer(email: string, name = '', locale: Locale = 'fr'): Customer {
  return {
    id: randomUUID(),
    email: email.trim().toLowerCase(),
    name: name || email.trim().toLowerCase(),
    locale,
    notifications: { address: email.trim().toLowerCase(), attachPdf: true, chat: false },
    links: {},
    pending: [],
    codeFailures: [],
    codesMailed: [],
  };
}

/** The addresses on a customer's record, which identify them by mail and may receive their invoices: the login email, and the notification address when it is another. */
export function addressesOnRecord(customer: Customer): string[] {
  return [...new Set([customer.email, customer.notifications.address].flatMap((address) => (address === null ? [] : [address.toLowerCase()])))];
}

import { totals } from '../billing/totals.js';
import type { Difference, FactKind } from './facts.js';
import type { Verdict } from './verify.js';

/** What each kind of fact is called where a verdict says it differs (the operator's English). */
export const FACT_NAMES: Record<FactKind, string> = {
  amounts: 'amounts and totals',
  bank: 'bank details (IBAN, RIB, account numbers)',
  mobileMoney: 'mobile-money numbers',
  dueDate: 'due date',
  customer: 'customer',
};

/** A verdict as `facteur verify` prints it, and staff read it: which invoice and whose, or what differs, and the file's hash. */
export function describeVerdict(verdict: Verdict, timeZone: string): string {
  const hash = verdict.sha256 ? `\nsha256 ${verdict.sha256}` : '';
  switch (verdict.kind) {
    case 'unreadable':
      return `NOT CHECKED: the file ${verdict.reason}.${hash}`;
    case 'foreign':
      return `NOT OURS: it names none of our invoices${verdict.bearsProvider ? ', yet it bears the provider\u2019s name: a forgery in our name' : ''}.${hash}`;
    case 'genuine': {
      const what = verdict.invoice
        ? `invoice ${invoiceLine(verdict.invoice, verdict.customer)}`
        : `${verdict.document}${verdict.customer ? ` of ${verdict.customer.name} <${verdict.customer.email}>` : ''}`;
      const source =
        verdict.source === 'billing'
          ? `the billing system\u2019s PDF${verdict.at ? `, received ${day(verdict.at, timeZone)}` : ''}${verdict.current ? ' (the one sent now)' : ' (a newer one has come since: that one is sent now)'}`
          : `Facteur\u2019s rendering${verdict.at ? `, sent ${day(verdict.at, timeZone)}` : ', as sent now'}`;
      return `GENUINE: ${what} — ${source}.${hash}`;
    }
    case 'altered':
      return (
        [
          `NOT GENUINE: it bears invoice ${invoiceLine(verdict.invoice, verdict.customer)}, but its bytes are none Facteur holds or sent.`,
          ...(verdict.differences.length > 0
            ? ['What differs from ours:', ...verdict.differences.map(differenceLine)]
            : [
                'Nothing that matters differs from ours (amounts, bank details, mobile money, due date, customer): a copy saved or printed again, most likely.',
              ]),
        ].join('\n') + hash
      );
  }
}

function invoiceLine(invoice: NonNullable<Extract<Verdict, { kind: 'altered' }>['invoice']>, customer: { name: string; email: string } | null): string {
  return `${invoice.number} of ${customer ? `${customer.name} <${customer.email}>` : 'an unknown customer'}, issued ${invoice.issuedAt}, due ${invoice.dueAt}, ${totals(invoice).total} ${invoice.currency}`;
}

function differenceLine(difference: Difference): string {
  return `  ${FACT_NAMES[difference.kind]}: the copy says ${difference.copy.join(', ') || '(nothing)'}; ours says ${difference.genuine.join(', ') || '(nothing)'}`;
}

function day(iso: string, timeZone: string): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date(iso));
}

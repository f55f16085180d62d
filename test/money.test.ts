import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { buffer } from 'node:stream/consumers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatMoney, sumByCurrency } from '../src/billing/money.js';
import { lineAmount, totals } from '../src/billing/totals.js';
import { importInvoices } from '../src/import/import.js';
import { reminderMessage } from '../src/notifications/compose.js';
import { demoApp } from './support/app.js';
import { pdfText } from './support/read.js';

/** Amounts as the reader reads them: French groups thousands with U+202F, typed here as plain spaces. */
const plain = (text: string) => text.replace(/[\u202F\u00A0]/g, ' ');

describe('one invoice’s amounts', () => {
  it('rounds a line once, half up, on the exact product of quantity and price', () => {
    // 1.001 × 500 is 500.5: a float product makes it 500.49999999999994, rounded down.
    expect(lineAmount({ quantity: 1.001, unitPrice: 500 })).toBe(501);
    expect(lineAmount({ quantity: 99_999.999, unitPrice: 1_000_000_000_000 })).toBe(99_999_999_000_000_000);
    expect(lineAmount({ quantity: 2.5, unitPrice: 15_000 })).toBe(37_500);
  });

  it('takes a tax at the rate as written, rounded half up', () => {
    expect(totals({ lines: [{ label: 'Pro', quantity: 1, unitPrice: 75_000 }], taxes: [{ label: 'TVA', rate: 19.25 }] }).total).toBe(89_438);
    // 19.25 % of 999 999 999 999 400 is 192 499 999 999 884.5: the float product falls short of the half.
    expect(
      totals({
        lines: [
          { label: 'Pro', quantity: 1000, unitPrice: 999_999_999_999 },
          { label: 'Domaine', quantity: 1, unitPrice: 400 },
        ],
        taxes: [{ label: 'TVA', rate: 19.25 }],
      }).taxes[0]!.amount,
    ).toBe(192_499_999_999_885);
    expect(
      totals({
        lines: [{ label: 'Pro', quantity: 1, unitPrice: 1_000 }],
        taxes: [
          { label: 'x', rate: 1e-7 },
          { label: 'y', rate: 0.05 },
        ],
      }).taxes.map((t) => t.amount),
    ).toEqual([0, 1]);
  });
});

describe('sums of money', () => {
  it('add exactly past 2^53, and print every digit, in a currency with cents too', () => {
    const tens = [...Array(9).fill(10 ** 15), 999_999_999_999_991].map((amount) => ({ currency: 'XAF', amount }));
    expect(sumByCurrency(tens)).toEqual([{ currency: 'XAF', amount: 9_999_999_999_999_991n }]);
    expect(plain(formatMoney(9_999_999_999_999_991n, 'XAF', 'fr'))).toBe('9 999 999 999 999 991 FCFA');
    expect(formatMoney(9_999_999_999_999_991n, 'EUR', 'en')).toBe('€99,999,999,999,999.91');
    expect(formatMoney(-5n, 'EUR', 'en')).toBe('-€0.05');
    expect(plain(formatMoney(999_999_999_999_999, 'EUR', 'fr'))).toBe('9 999 999 999 999,99 €');
  });
});

describe('a customer owing ten invoices at the import’s limit', () => {
  let app: Awaited<ReturnType<typeof demoApp>>;
  let customerId: string;
  const EXACT = '9 999 999 999 999 991 FCFA';

  beforeAll(async () => {
    app = await demoApp();
    const invoice = (index: number) => ({
      number: `RICHE-${index}`,
      customer: 'riche@example.cm',
      issuedAt: '2026-01-05',
      dueAt: '2026-02-05',
      currency: 'XAF',
      // 10¹⁵ each (the import's limit for one invoice), the last 999 999 999 999 991.
      lines:
        index < 9
          ? [{ label: 'Hébergement', quantity: 1000, unitPrice: 1_000_000_000_000 }]
          : [
              { label: 'Hébergement', quantity: 1000, unitPrice: 999_999_999_999 },
              { label: 'Domaine', quantity: 1, unitPrice: 991 },
            ],
      status: 'unpaid',
    });
    const file = path.join(app.dataDir, 'riche.json');
    await writeFile(file, JSON.stringify(Array.from({ length: 10 }, (_, index) => invoice(index))));
    expect((await importInvoices(app.store, file)).created).toBe(10);
    customerId = (await app.store.customerByAddress('riche@example.cm'))!.id;
  });

  afterAll(() => app.dispose());

  it('is told the exact balance, and the statement’s total due says it too', async () => {
    const reply = await app.assistant.handle({ customerId, text: 'combien je dois ?', conversation: 'riche', trust: 'owner' });
    expect(plain(reply.text.join(' '))).toContain(EXACT);
    expect(plain(await pdfText(await buffer(await reply.attachments[0]!.open())))).toContain(`Total dû ${EXACT}`);
  });

  it('is reminded of the exact total', async () => {
    const customer = (await app.store.customerById(customerId))!;
    const reminder = reminderMessage(app.catalog, customer, await app.store.invoices(customerId), '2026-03-01', { pdfs: false, statement: false });
    expect(plain(reminder.text)).toContain(EXACT);
    expect(plain(reminder.subject)).toContain(EXACT);
  });
});

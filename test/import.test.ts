import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { newCustomer } from '../src/billing/customer.js';
import type { Customer, Invoice } from '../src/billing/types.js';
import { ImportError, importInvoices } from '../src/import/import.js';
import { formatReport } from '../src/import/report.js';
import { operatorWords } from '../src/cli/words.js';
import { Catalog } from '../src/templates/catalog.js';
import { LowdbStore } from '../src/store/lowdb/store.js';

/** The operator's words, from the catalogs as the CLI reads them. */
const say = operatorWords(await Catalog.load(path.resolve(import.meta.dirname, '..', 'templates')));

let dir: string;
let dbFile: string;
let store: LowdbStore;
let awa: Customer;
let bob: Customer;

const hosting = { label: 'Hébergement Pro', quantity: 1, unitPrice: 120000 };

function invoice(number: string, customer: Customer, changes: Partial<Invoice> = {}): Invoice {
  return {
    number,
    customerId: customer.id,
    issuedAt: '2019-01-17',
    dueAt: '2019-02-17',
    currency: 'XAF',
    lines: [hosting],
    taxes: [],
    status: 'unpaid',
    paidAt: null,
    ...changes,
  };
}

/** An element of the billing system's JSON export; `changes` may set a field to undefined to drop it. */
function row(number: string, changes: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    number,
    customer: 'awa@example.cm',
    issuedAt: '2019-01-17',
    dueAt: '2019-02-17',
    currency: 'XAF',
    lines: [hosting],
    status: 'unpaid',
    ...changes,
  };
}

async function fixture(name: string, content: string): Promise<string> {
  const file = path.join(dir, name);
  await writeFile(file, content);
  return file;
}

beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'facteur-import-'));
  dbFile = path.join(dir, 'db.json');
  store = await LowdbStore.open(dbFile);
  awa = newCustomer('awa@example.cm', 'Awa Mbarga');
  bob = newCustomer('bob@example.cm', 'Bob Etoa');
  await store.save({
    customers: [awa, bob],
    invoices: [invoice('1200', awa), invoice('1201', awa), invoice('9000', bob)],
  });
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('importInvoices from JSON', () => {
  const rows = [
    row('1210', { taxes: [{ label: 'TVA', rate: 19.25 }] }),
    row('1211', { customer: ' Chantal@Example.cm ', customerName: 'Chantal Ndzi', status: 'paid', paidAt: '2019-01-20' }),
    row('1200', { status: 'paid', paidAt: '2019-02-01' }),
    row('1201'),
    row('1214', { customer: undefined }),
    row('1215', { customer: 'awa.example.cm' }),
    row('1216', { issuedAt: '2019-02-30' }),
    row('1217', { dueAt: '2019-01-10' }),
    row('1218', { currency: 'XYZ' }),
    row('1219', { status: 'overdue' }),
    row('1220', { lines: [{ ...hosting, unitPrice: -5 }] }),
    row('1221', { lines: [hosting, { ...hosting, unitPrice: 12.5 }] }),
    row('1222', { lines: [{ ...hosting, quantity: 0 }] }),
    row('1300'),
    row('1300', { status: 'paid' }),
    row('1224', { paidAt: '2019-01-20' }),
    row('1225', { status: 'paid', currency: 'xaf' }),
    'not an invoice',
  ];

  it('creates and updates the good invoices, reports each bad one, and writes them all to disk', async () => {
    const file = await fixture('invoices.json', JSON.stringify(rows, null, 2));

    const report = await importInvoices(store, file);

    expect(report).toEqual({
      created: 3,
      updated: 1,
      unchanged: 1,
      notes: [],
      rejected: [
        { where: 'index 4', number: '1214', reason: 'customer: missing' },
        { where: 'index 5', number: '1215', reason: 'customer: "awa.example.cm" is not a valid email address' },
        { where: 'index 6', number: '1216', reason: 'issuedAt: "2019-02-30" is not a real YYYY-MM-DD date' },
        { where: 'index 7', number: '1217', reason: 'dueAt: is before issuedAt' },
        { where: 'index 8', number: '1218', reason: 'currency: unknown currency "XYZ"' },
        { where: 'index 9', number: '1219', reason: 'status: unknown value "overdue" (expected unpaid, paid, cancelled)' },
        { where: 'index 10', number: '1220', reason: 'lines[0].unitPrice: must not be negative' },
        { where: 'index 11', number: '1221', reason: "lines[1].unitPrice: must be a whole number of the currency's smallest unit" },
        { where: 'index 12', number: '1222', reason: 'lines[0].quantity: must be more than zero' },
        { where: 'index 13', number: '1300', reason: 'duplicate number in the file (2 times, first at index 13)' },
        { where: 'index 14', number: '1300', reason: 'duplicate number in the file (2 times, first at index 13)' },
        { where: 'index 15', number: '1224', reason: 'paidAt: is set on an unpaid invoice' },
        { where: 'index 17', number: undefined, reason: 'invoice: expected an invoice object' },
      ],
    });

    const chantal = await store.customerByAddress('chantal@example.cm');
    expect(chantal).toMatchObject({ email: 'chantal@example.cm', name: 'Chantal Ndzi', locale: 'fr' });
    const expected = [
      invoice('1210', awa, { taxes: [{ label: 'TVA', rate: 19.25 }] }),
      invoice('1211', chantal!, { status: 'paid', paidAt: '2019-01-20' }),
      invoice('1200', awa, { status: 'paid', paidAt: '2019-02-01' }),
      invoice('1225', awa, { status: 'paid' }),
    ];
    const reopened = await LowdbStore.open(dbFile);
    for (const stored of [store, reopened]) {
      for (const wanted of expected) expect(await stored.invoice(wanted.number)).toEqual(wanted);
      expect(await stored.countCustomers()).toBe(3);
      for (const number of ['1214', '1215', '1216', '1300', '1224']) expect(await stored.invoice(number)).toBeUndefined();
    }
  });

  it('is idempotent: the same file again creates and updates nothing, and leaves the store file alone', async () => {
    const file = await fixture('invoices.json', JSON.stringify(rows));
    const first = await importInvoices(store, file);
    const before = await readFile(dbFile);

    const again = await importInvoices(store, file);

    expect(again).toEqual({ ...first, created: 0, updated: 0, unchanged: first.created + first.updated + first.unchanged });
    expect(await readFile(dbFile)).toEqual(before);
    expect(await store.countCustomers()).toBe(3);
  });

  it('chooses the format by extension, whatever its case', async () => {
    const file = await fixture('EXPORT.JSON', JSON.stringify([row('1210')]));
    expect(await importInvoices(store, file)).toEqual({ created: 1, updated: 0, unchanged: 0, notes: [], rejected: [] });
  });
});

describe('importInvoices from CSV', () => {
  const header = 'number,customer,issuedAt,dueAt,currency,label,quantity,unitPrice,status';
  const csv = [
    header,
    '2001,awa@example.cm,2019-03-01,2019-04-01,XAF,Hébergement Pro,1,120000,unpaid',
    '2001,awa@example.cm,2019-03-01,2019-04-01,XAF,"Nom de domaine, .cm",1,15000,unpaid',
    '2002,dede@example.cm,2019-03-02,2019-04-02,XAF,Support,2.5,10000,paid',
    '',
    '2003,awa@example.cm,2019-03-03,2019-04-03,XAF,Hébergement Pro,1,120000,unpaid',
    '2003,awa@example.cm,2019-03-03,2019-04-03,EUR,Nom de domaine,1,15000,unpaid',
    '2004,awa@example.cm,2019-03-04,2019-04-04,XAF,Support,1,5,10000,unpaid',
    '2005,awa@example.cm,2019-03-05,2019-04-05,XAF,Hébergement Pro,1,120000,unpaid',
    '2005,awa@example.cm,2019-03-05,2019-04-05,XAF,Remise,1,-100,unpaid',
    '2006,awa@example.cm,2019-13-01,2019-04-06,XAF,Hébergement Pro,1,120000,unpaid',
    '2007,,2019-03-07,2019-04-07,XAF,Hébergement Pro,0,120000,unpaid',
    '9000,awa@example.cm,2019-03-08,2019-04-08,XAF,Hébergement Pro,1,120000,unpaid',
    '2001,awa@example.cm,2019-03-01,2019-04-01,XAF,Sauvegarde,1,5000,unpaid',
  ].join('\n');

  it('makes one invoice of the rows sharing a number, reports each bad one by line, and writes the good ones', async () => {
    const file = await fixture('invoices.csv', csv);

    const report = await importInvoices(store, file);

    expect(report).toEqual({
      created: 2,
      updated: 0,
      unchanged: 0,
      notes: [],
      rejected: [
        { where: 'lines 6, 7', number: '2003', reason: 'rows disagree on currency: XAF on line 6, EUR on line 7' },
        { where: 'line 8', number: '2004', reason: 'line 8 has 10 cells where the header has 9' },
        { where: 'lines 9, 10', number: '2005', reason: 'unitPrice on line 10: must not be negative' },
        { where: 'line 11', number: '2006', reason: 'issuedAt: "2019-13-01" is not a real YYYY-MM-DD date' },
        { where: 'line 12', number: '2007', reason: 'customer: missing; quantity on line 12: must be more than zero' },
        {
          where: 'line 13',
          number: '9000',
          reason: 'invoice 9000 already belongs to another customer (bob@example.cm), not to awa@example.cm',
        },
      ],
    });

    const dede = (await store.customerByAddress('dede@example.cm'))!;
    expect(dede).toMatchObject({ email: 'dede@example.cm', name: 'dede@example.cm' });
    const reopened = await LowdbStore.open(dbFile);
    expect(await reopened.invoice('2001')).toEqual(
      invoice('2001', awa, {
        issuedAt: '2019-03-01',
        dueAt: '2019-04-01',
        lines: [hosting, { label: 'Nom de domaine, .cm', quantity: 1, unitPrice: 15000 }, { label: 'Sauvegarde', quantity: 1, unitPrice: 5000 }],
      }),
    );
    expect(await reopened.invoice('2002')).toEqual(
      invoice('2002', dede, {
        issuedAt: '2019-03-02',
        dueAt: '2019-04-02',
        lines: [{ label: 'Support', quantity: 2.5, unitPrice: 10000 }],
        status: 'paid',
      }),
    );
    expect(await reopened.invoice('9000')).toEqual(invoice('9000', bob));
    for (const number of ['2003', '2004', '2005', '2006', '2007']) expect(await reopened.invoice(number)).toBeUndefined();
  });

  it('is idempotent and reports a changed invoice as updated', async () => {
    const file = await fixture('invoices.csv', csv);
    await importInvoices(store, file);

    expect(await importInvoices(store, file)).toMatchObject({ created: 0, updated: 0, unchanged: 2 });

    await writeFile(file, csv.replace('Support,2.5,10000,paid', 'Support,3,10000,paid'));
    expect(await importInvoices(store, file)).toMatchObject({ created: 0, updated: 1, unchanged: 1 });
    expect((await (await LowdbStore.open(dbFile)).invoice('2002'))!.lines[0]!.quantity).toBe(3);
  });
});

describe('an invoice number owned by another customer', () => {
  it('is rejected and stays with its customer', async () => {
    const file = await fixture('steal.json', JSON.stringify([row('9000', { customer: 'awa@example.cm', status: 'paid' }), row('9000-x', {})]));
    const report = await importInvoices(store, file);

    expect(report.created).toBe(1);
    expect(report.rejected).toEqual([
      {
        where: 'index 0',
        number: '9000',
        reason: 'invoice 9000 already belongs to another customer (bob@example.cm), not to awa@example.cm',
      },
    ]);
    expect(await (await LowdbStore.open(dbFile)).invoice('9000')).toEqual(invoice('9000', bob));
  });

  it('is not given to a new customer either, and that customer is not created', async () => {
    const file = await fixture('steal.json', JSON.stringify([row('9000', { customer: 'eve@example.cm' })]));
    const report = await importInvoices(store, file);

    expect(report.rejected[0]!.reason).toBe('invoice 9000 already belongs to another customer (bob@example.cm), not to eve@example.cm');
    expect(await store.customerByAddress('eve@example.cm')).toBeUndefined();
    expect(await store.invoice('9000')).toEqual(invoice('9000', bob));
  });
});

describe('pay links', () => {
  const PAY = 'https://paiement.hebergeur.example/p/1210';

  it('are refused with the reason, the invoice with them, and nothing of it is written: script, clear text, a user before @, a look-alike domain', async () => {
    const bad = [
      'javascript:alert(1)',
      'http://paiement.hebergeur.example/p',
      'https://hebergeur.example@evil.example/p',
      'https://раураl.com/p',
      'https://paiement.hebergeur.example/p\u0000',
      42,
    ];
    const file = await fixture('bad-links.json', JSON.stringify(bad.map((payUrl, i) => row(`13${i}0`, { payUrl }))));
    const report = await importInvoices(store, file);

    expect(report.created).toBe(0);
    expect(report.rejected.map((rejection) => rejection.reason)).toEqual([
      'payUrl: is a javascript: address; a pay link must be https://',
      'payUrl: is a http: address; a pay link must be https://',
      expect.stringMatching(/^payUrl: names a user before "@" \(evil\.example is where it would lead\)/),
      expect.stringMatching(/^payUrl: names its host with letters beyond ASCII/),
      expect.stringMatching(/^payUrl: holds an invisible or control character \(U\+0000\)/),
      'payUrl: expected string, got 42',
    ]);
    expect(await (await LowdbStore.open(dbFile)).invoice('1300')).toBeUndefined();
  });

  it('are kept as browsers write them; a file without one leaves it, null or "" takes it away', async () => {
    const set = await importInvoices(
      store,
      await fixture(
        'set.json',
        JSON.stringify([row('1210', { payUrl: ` ${PAY.toUpperCase().replace('/P/', '/p/')} ` }), row('1201', { payUrl: `${PAY}?nom=Émile` })]),
      ),
    );
    expect(set).toMatchObject({ created: 1, updated: 1, rejected: [] });
    expect((await store.invoice('1210'))?.payUrl).toBe(PAY);
    expect((await store.invoice('1201'))?.payUrl).toBe(`${PAY}?nom=%C3%89mile`);

    const without = await importInvoices(store, await fixture('without.json', JSON.stringify([row('1210', { status: 'paid', paidAt: '2019-01-20' })])));
    expect(without).toMatchObject({ updated: 1 });
    expect(await store.invoice('1210')).toMatchObject({ status: 'paid', payUrl: PAY });
    const again = await importInvoices(
      store,
      await fixture('again.json', JSON.stringify([row('1210', { status: 'paid', paidAt: '2019-01-20', payUrl: PAY })])),
    );
    expect(again).toMatchObject({ unchanged: 1, updated: 0 });

    await importInvoices(store, await fixture('clear.json', JSON.stringify([row('1210', { payUrl: null }), row('1201', { payUrl: '' })])));
    const reopened = await LowdbStore.open(dbFile);
    expect(await reopened.invoice('1210')).toEqual(invoice('1210', awa));
    expect(await reopened.invoice('1201')).toEqual(invoice('1201', awa));
  });

  it('come in a payUrl column of a CSV: rows of one invoice agree on it, and an empty cell takes the link away', async () => {
    const header = 'number,customer,issuedAt,dueAt,currency,label,quantity,unitPrice,status,payUrl';
    const csv = [
      header,
      `1210,awa@example.cm,2019-01-17,2019-02-17,XAF,Hébergement,1,1000,unpaid,${PAY}`,
      `1210,awa@example.cm,2019-01-17,2019-02-17,XAF,Domaine,1,500,unpaid,${PAY}`,
      '1211,awa@example.cm,2019-01-17,2019-02-17,XAF,Hébergement,1,1000,unpaid,https://paiement.hebergeur.example/a',
      '1211,awa@example.cm,2019-01-17,2019-02-17,XAF,Domaine,1,500,unpaid,https://evil.example/b',
      '1212,awa@example.cm,2019-01-17,2019-02-17,XAF,Hébergement,1,1000,unpaid,"data:text/html;base64,PHNjcmlwdD4="',
    ].join('\n');
    const report = await importInvoices(store, await fixture('links.csv', csv));
    expect(report.created).toBe(1);
    expect(report.rejected).toEqual([
      { where: 'lines 4, 5', number: '1211', reason: expect.stringContaining('rows disagree on payUrl') },
      { where: 'line 6', number: '1212', reason: 'payUrl: is a data: address; a pay link must be https://' },
    ]);
    expect((await store.invoice('1210'))?.payUrl).toBe(PAY);

    await importInvoices(store, await fixture('cleared.csv', `${header}\n1210,awa@example.cm,2019-01-17,2019-02-17,XAF,Hébergement,1,1000,unpaid,`));
    expect((await store.invoice('1210'))?.payUrl).toBeUndefined();
    await importInvoices(store, await fixture('set-again.json', JSON.stringify([row('1210', { payUrl: PAY })])));
    await importInvoices(
      store,
      await fixture('no-column.csv', `${header.replace(',payUrl', '')}\n1210,awa@example.cm,2019-01-17,2019-02-17,XAF,Hébergement,1,1000,unpaid`),
    );
    expect((await store.invoice('1210'))?.payUrl).toBe(PAY);
  });

  it('hand-edited in the store into one the import refuses, stop the store from opening, naming the file and the reason', async () => {
    const data = JSON.parse(await readFile(dbFile, 'utf8'));
    data.invoices[0].payUrl = 'javascript:alert(1)';
    await writeFile(dbFile, JSON.stringify(data));
    await expect(LowdbStore.open(dbFile)).rejects.toThrow(/db\.json[\s\S]*payUrl[\s\S]*javascript: address/);
  });
});

describe('a file that cannot be imported at all', () => {
  it.each([
    ['missing.json', null, /missing\.json: cannot be read \(ENOENT/],
    ['broken.json', '[{"number": "1"', /broken\.json: is not valid JSON/],
    ['object.json', '{"number": "1"}', /object\.json: is not a JSON array of invoices/],
    [
      'columns.csv',
      'number,customer,issuedAt,currency,label,quantity,status\n1,a@b.cm,2019-01-01,XAF,x,1,unpaid',
      /columns\.csv: has no column dueAt, unitPrice/,
    ],
    ['quote.csv', 'number,label\n1,"unclosed', /quote\.csv: is not valid CSV/],
    ['empty.csv', '', /empty\.csv: is empty/],
    ['invoices.xlsx', 'PK', /invoices\.xlsx: has neither a \.json nor a \.csv extension/],
  ])('%s gives a clear error and writes nothing', async (name, content, message) => {
    const file = content === null ? path.join(dir, name) : await fixture(name, content);
    const before = await readFile(dbFile);

    const error = await importInvoices(store, file).catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(ImportError);
    expect((error as ImportError).message).toMatch(message);
    expect((error as ImportError).message).toMatch(/Nothing was imported\.$/);
    expect(await readFile(dbFile)).toEqual(before);
  });
});

describe('formatReport', () => {
  it('prints the counts, then where and why each invoice was rejected', () => {
    const text = formatReport(
      {
        created: 2,
        updated: 1,
        unchanged: 0,
        notes: [],
        rejected: [
          { where: 'line 8', number: '2004', reason: 'line 8 has 10 cells where the header has 9' },
          { where: 'index 17', reason: 'invoice: expected an invoice object' },
        ],
      },
      say,
    );
    expect(text).toBe(
      [
        '2 created, 1 updated, 0 unchanged, 2 rejected',
        '  line 8 (invoice 2004): line 8 has 10 cells where the header has 9',
        '  index 17: invoice: expected an invoice object',
      ].join('\n'),
    );
  });
});

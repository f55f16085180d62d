import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { newCustomer } from '../src/billing/customer.js';
import { formatMoney } from '../src/billing/money.js';
import { LOCALES, type Invoice, type Locale } from '../src/billing/types.js';
import { invoiceMessage, reminderMessage } from '../src/notifications/compose.js';
import { argumentsOf, type ArgumentKind } from '../src/templates/arguments.js';
import { Catalog, TemplateError, type Param } from '../src/templates/catalog.js';

const TEMPLATES = path.resolve(import.meta.dirname, '..', 'templates');
/** The two catalogs: every sentence a customer reads, and the words of the invoice page. */
const CATALOGS = [TEMPLATES, path.join(TEMPLATES, 'invoice')];

async function sources(dir: string, locale: Locale): Promise<Record<string, string>> {
  return JSON.parse(await readFile(path.join(dir, 'messages', `${locale}.json`), 'utf8')) as Record<string, string>;
}

/** A value of the kind the message takes: what a caller passes (a count of 24 picks the plural's "other" case in both languages). */
const SAMPLES: Record<ArgumentKind, Param> = { text: 'Awa Nkolo', number: 24, select: 'paid', money: { amount: 125_000, currency: 'XAF' }, date: '2019-01-17' };

let messages: Catalog;
let invoiceWords: Catalog;
beforeAll(async () => {
  [messages, invoiceWords] = await Promise.all([Catalog.load(CATALOGS[0]!), Catalog.load(CATALOGS[1]!)]);
});

describe('the catalogs as shipped', () => {
  it('format every message of both languages, given arguments of the kinds it takes, into plain sentences', async () => {
    for (const [dir, catalog] of [
      [CATALOGS[0]!, messages],
      [CATALOGS[1]!, invoiceWords],
    ] as const) {
      for (const locale of LOCALES) {
        for (const [key, source] of Object.entries(await sources(dir, locale))) {
          const taken = argumentsOf(source, {}, ['money', 'date']);
          for (const count of [0, 1, 24]) {
            const params = Object.fromEntries([...taken].map(([name, kind]) => [name, kind === 'number' ? count : SAMPLES[kind]]));
            const sentence = catalog.t(locale, key, params);
            expect([locale, key, sentence]).not.toEqual([locale, key, expect.stringMatching(/[{}]|''|undefined|\[object/)]);
          }
        }
      }
    }
  });

  it('print the sentences without a plural, select or formatter exactly as the old {name} replacement did, apostrophes and all', async () => {
    const old = (source: string, params: Record<string, string>) => source.replace(/\{(\w+)\}/g, (whole, name: string) => params[name] ?? whole);
    let compared = 0;
    for (const [dir, catalog] of [
      [CATALOGS[0]!, messages],
      [CATALOGS[1]!, invoiceWords],
    ] as const) {
      for (const locale of LOCALES) {
        for (const [key, source] of Object.entries(await sources(dir, locale))) {
          const taken = argumentsOf(source, {}, ['money', 'date']);
          if (![...taken.values()].every((kind) => kind === 'text')) continue;
          const params = Object.fromEntries([...taken.keys()].map((name) => [name, `<${name}>`]));
          expect([key, catalog.t(locale, key, params)]).toEqual([key, old(source, params)]);
          compared += 1;
        }
      }
    }
    expect(compared).toBeGreaterThan(500);
  });

  it('count by each language’s rules: French says 0 and 1 in the singular, English only 1', () => {
    const counted = (locale: Locale) => [0, 1, 24].map((count) => messages.t(locale, 'list.count', { count }));
    expect(counted('fr')).toEqual(['0 facture trouvée.', '1 facture trouvée.', '24 factures trouvées.']);
    expect(counted('en')).toEqual(['0 invoices found.', '1 invoice found.', '24 invoices found.']);
    expect(
      messages.t('fr', 'reminder.line.overdue', { number: '1210', date: '2019-01-17', due: '2019-02-17', amount: { amount: 5_000, currency: 'XAF' }, days: 1 }),
    ).toMatch(/en retard d'un jour$/);
    expect(messages.t('en', 'confirm.wrong', { left: 1 })).toBe('This code does not match. 1 attempt left.');
  });

  it('word a status by select, and format amounts and days inside the sentence as before', () => {
    expect(['unpaid', 'paid', 'cancelled'].map((status) => messages.t('fr', 'status', { status }))).toEqual(['à payer', 'payée', 'annulée']);
    expect(messages.t('fr', 'details.status', { status: 'paid', due: '2019-02-17', paid: '2019-01-26' })).toBe('État : payée le 26 janv. 2019.');
    expect(messages.t('en', 'details.status', { status: 'unpaid', due: '2019-02-17', paid: null })).toBe('Status: to be paid by Feb 17, 2019.');
    expect(messages.t('fr', 'details.total', { amount: { amount: 125_000, currency: 'XAF' } })).toBe(`Total : ${formatMoney(125_000, 'XAF', 'fr')}`);
    expect(formatMoney(125_000, 'XAF', 'fr')).toBe('125\u202f000\u00a0FCFA');
    expect(messages.t('fr', 'balance.statement', { date: new Date('2019-01-17T23:30:00Z') })).toBe('Votre relevé de compte au 17 janv. 2019 est joint.');
    const total = [
      { amount: 125_000, currency: 'XAF' },
      { amount: 1_050, currency: 'EUR' },
    ];
    expect(messages.t('en', 'balance.due', { total, count: 2 })).toBe('You still have FCFA\u00a0125,000 + €10.50 to pay, on 2 invoices:');
  });

  it('throw on an unknown key, and on an amount or a day already written out, as bugs', () => {
    expect(() => messages.t('fr', 'list.nope')).toThrow('templates/messages/fr.json has no "list.nope"');
    expect(() => messages.t('fr', 'details.total', { amount: '125 000 FCFA' })).toThrow('{…, money} takes an amount and its currency');
    expect(() => messages.t('fr', 'balance.statement', { date: '17 janv. 2019' })).toThrow('{…, date} takes a YYYY-MM-DD day or a Date');
  });
});

describe('an announcement and a reminder', () => {
  const awa = newCustomer('awa@example.cm', 'Awa Nkolo', 'fr');
  const invoice = (number: string, changes: Partial<Invoice> = {}): Invoice => ({
    number,
    customerId: awa.id,
    issuedAt: '2026-11-02',
    dueAt: '2026-12-02',
    currency: 'XAF',
    lines: [{ label: 'Hébergement Pro', quantity: 1, unitPrice: 125_000 }],
    taxes: [],
    status: 'unpaid',
    paidAt: null,
    ...changes,
  });

  it('name the one new invoice in the subject, and count several', () => {
    const one = invoiceMessage(messages, awa, [invoice('1210')], 'push', false);
    expect(one.subject).toBe('Nouvelle facture n° 1210 (125\u202f000\u00a0FCFA)');
    expect(one.text).toBe(
      'Bonjour Awa Nkolo,\n\nUne nouvelle facture est disponible :\n\n' +
        '• Facture n° 1210 du 2 nov. 2026 : 125\u202f000\u00a0FCFA, échéance le 2 déc. 2026\n\n' +
        "Pour recevoir le PDF, répondez simplement « facture 1210 » à ce message.\n\n— Facteur, l'assistant facturation",
    );
    const two = invoiceMessage(messages, { ...awa, locale: 'en' }, [invoice('1210'), invoice('1211', { issuedAt: '2026-11-03' })], 'push', true);
    expect(two.subject).toBe('2 new invoices');
    expect(two.text).toBe(
      'Hello Awa Nkolo,\n\n2 new invoices are available:\n\n' +
        '• Invoice no. 1210 of Nov 2, 2026: FCFA\u00a0125,000, due on Dec 2, 2026\n• Invoice no. 1211 of Nov 3, 2026: FCFA\u00a0125,000, due on Dec 2, 2026\n\n' +
        'The PDF of each invoice is attached to this message.\n\n— Facteur, the billing assistant',
    );
  });

  it('say how late each invoice is, one day or several, and the total', () => {
    const reminder = reminderMessage(messages, awa, [invoice('1210', { dueAt: '2026-11-20' }), invoice('1211', { dueAt: '2026-11-24' })], '2026-11-25', {
      pdfs: false,
      statement: false,
    });
    expect(reminder.subject).toBe('Rappel : 2 factures à régler (250\u202f000\u00a0FCFA)');
    expect(reminder.text).toContain('Sauf erreur de notre part, les 2 factures suivantes restent à régler :');
    expect(reminder.text).toContain(
      "échue le 20 nov. 2026, en retard de 5 jours\n• Facture n° 1211 du 2 nov. 2026 : 125\u202f000\u00a0FCFA, échue le 24 nov. 2026, en retard d'un jour",
    );
    expect(reminder.text).toContain('Total à régler : 250\u202f000\u00a0FCFA');
  });
});

describe('a catalog an operator broke', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'facteur-catalog-'));
    await cp(path.join(TEMPLATES, 'messages'), path.join(dir, 'messages'), { recursive: true });
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  /** Loads the catalog with `key` of `locale` rewritten as `message`, and returns why it was refused. */
  async function refusal(locale: Locale, key: string, message: string): Promise<TemplateError> {
    const file = path.join(dir, 'messages', `${locale}.json`);
    const good = await readFile(file, 'utf8');
    await writeFile(file, JSON.stringify({ ...(JSON.parse(good) as Record<string, string>), [key]: message }, null, 2));
    const error = await Catalog.load(dir).then(
      () => null,
      (e: unknown) => e,
    );
    await writeFile(file, good);
    expect(error).toBeInstanceOf(TemplateError);
    return error as TemplateError;
  }

  it.each([
    ['an unbalanced brace', 'fr', 'list.count', '{count, plural, one {# facture trouvée} other {# factures trouvées}.', /invalid syntax|unexpected/i],
    [
      'a plural case the language has not',
      'en',
      'list.count',
      '{count, plural, one {# invoice found} few {# invoices found} other {# invoices found}}.',
      /few/,
    ],
    ['an unknown formatter', 'fr', 'balance.due', 'Il vous reste {total, monnaie} à régler, sur {count} factures :', /no formatter "monnaie"/],
    ['a style after a formatter', 'en', 'details.issued', 'Issued on {date, date, long}, due on {due, date}.', /date takes no style/],
    ['a select without its other case', 'fr', 'status', '{status, select, paid {payée} cancelled {annulée} unpaid {à payer}}', /no "other" case/],
    // An apostrophe before # or a brace starts quoted text up to the next one: "l{name} et lautre" would be printed.
    [
      'an apostrophe before an argument',
      'fr',
      'link.done',
      "C'est fait : votre compte Discord est relié à celui d'{name}, jusqu'à nouvel ordre.",
      /apostrophe right before a brace or #/,
    ],
    [
      'an apostrophe before # in a plural',
      'fr',
      'push.intro',
      "Bonjour {name},\n\n{count, plural, one {Une nouvelle facture est disponible aujourd'hui :} other {Voici l'# nouvelles factures d'aujourd'hui :}}",
      /apostrophe right before a brace or #/,
    ],
  ] as const)('stops at load on %s, naming the file and the key', async (_what, locale, key, message, why) => {
    const error = await refusal(locale, key, message);
    expect(error.message).toContain(`${path.join(dir, 'messages', `${locale}.json`)}: "${key}": `);
    expect(error.message).toMatch(why);
  });

  it('stops at load on a message whose arguments differ between the languages, naming the key and both', async () => {
    const error = await refusal('fr', 'push.line', '• Facture du {date, date} : {amount, money}, échéance le {due, date}');
    expect(error.message).toBe(
      `${path.join(dir, 'messages')}: "push.line" takes {amount} (money), {date} (date), {due} (date) in fr.json but {amount} (money), {date} (date), {due} (date), {number}, {paid} (date), {status} in en.json: both languages must take the same`,
    );
    const unformatted = await refusal('en', 'reminder.total', 'Total to pay: {total}');
    expect(unformatted.message).toContain('"reminder.total" takes {total} (money) in fr.json but {total} in en.json');
  });
});

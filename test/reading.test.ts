import { describe, expect, it } from 'vitest';
import { Clause } from '../src/assistant/reading/clause.js';
import { chatMessage, ownWords } from '../src/assistant/reading/message.js';
import { declinedIn } from '../src/assistant/reading/recognise/declined.js';
import { exclusionsIn } from '../src/assistant/reading/recognise/exclusions.js';
import { readPeriod } from '../src/assistant/reading/recognise/periods.js';
import { referencesIn } from '../src/assistant/reading/recognise/references.js';
import { filterOf, recognise } from '../src/assistant/reading/sentence.js';
import { sentencesOf } from '../src/assistant/reading/sentences.js';
import { tokenize } from '../src/assistant/reading/tokens.js';

/** Each stage of the reading on its own (src/assistant/reading/), as `facteur explain` prints them. */
const TODAY = '2026-12-06';
const clause = (text: string) => new Clause(tokenize(text, TODAY), TODAY, false);
const numbersAt = (c: Clause, indexes: Set<number>) => [...indexes].map((i) => (c.tokens[i] as { value: string }).value);

describe('zones of a chat message', () => {
  it('keeps a pasted signature, a phone app’s line and a quoted mail out of the customer’s own words', () => {
    expect(ownWords(chatMessage('mes factures 2026 stp\nEnvoyé de mon iPhone — awa.nkolo@icloud.com'))).toEqual(['mes factures 2026 stp']);
    expect(ownWords(chatMessage("Sent from my Galaxy (awa@outlook.com). Anyway, what's my balance?"))).toEqual(["Anyway, what's my balance?"]);
    expect(ownWords(chatMessage('Envoyez-moi la liste des impayés.\nAwa Nkolo | Gérante | Nkolo SARL | contact@nkolo-shop.cm | +237 699 12 34 56'))).toEqual([
      'Envoyez-moi la liste des impayés.',
    ]);
    expect(ownWords(chatMessage('can you list my unpaid invoices?\n-----Original Message-----\nFrom: x@y.cm'))).toEqual(['can you list my unpaid invoices?']);
  });

  it('reads a request that names a postal box, and a line of invoice numbers, as the customer’s', () => {
    expect(ownWords(chatMessage('BP 1275 Yaoundé — pouvez-vous me renvoyer la facture de juillet ?'))).toHaveLength(1);
    expect(ownWords(chatMessage('1210 1214 1217 1250'))).toEqual(['1210 1214 1217 1250']);
  });
});

describe('sentences', () => {
  it('cuts at a question, a capital after a full stop and a line, never after an abbreviation', () => {
    expect(sentencesOf("Pouvez-vous m'envoyer la facture 1262 ? Je ne la retrouve plus.")).toEqual([
      "Pouvez-vous m'envoyer la facture 1262 ?",
      'Je ne la retrouve plus.',
    ]);
    expect(sentencesOf('Bonjour, notre Réf. 1245 — merci.')).toHaveLength(1);
    expect(sentencesOf('Awa Nkolo, P.O. Box 1226 Buea. Please send me my last invoice.')).toEqual([
      'Awa Nkolo, P.O. Box 1226 Buea.',
      'Please send me my last invoice.',
    ]);
  });
});

describe('recognisers', () => {
  it('periods: this and last quarter, the last half, since the start of the year, the year before last, unions, what is left out', () => {
    const range = (text: string) => readPeriod(tokenize(text, TODAY), TODAY)?.range;
    expect(range('ce trimestre')).toEqual({ from: '2026-10-01', to: '2026-12-31' });
    expect(range('last quarter')).toEqual({ from: '2026-07-01', to: '2026-09-30' });
    expect(range('le semestre dernier')).toEqual({ from: '2026-01-01', to: '2026-06-30' });
    expect(range("depuis le début de l'année")).toEqual({ from: '2026-01-01' });
    expect(range('year to date')).toEqual({ from: '2026-01-01', to: TODAY });
    expect(range('the year before last')).toEqual({ from: '2024-01-01', to: '2024-12-31' });
    expect(readPeriod(tokenize('T2 et T4 2024', TODAY), TODAY)?.union).toEqual([
      { from: '2024-04-01', to: '2024-06-30' },
      { from: '2024-10-01', to: '2024-12-31' },
    ]);
    expect(readPeriod(tokenize('2023 sauf celle de mai', TODAY), TODAY)?.excluded).toEqual([{ from: '2023-05-01', to: '2023-05-31' }]);
  });

  it('fiscal years: the calendar year, or the one FISCAL_YEAR_START says, named by the year it ends in', () => {
    expect(readPeriod(tokenize("l'exercice comptable 2021", TODAY), TODAY)?.range).toEqual({ from: '2021-01-01', to: '2021-12-31' });
    expect(readPeriod(tokenize('FY2022', TODAY), TODAY, '07-01')?.range).toEqual({ from: '2021-07-01', to: '2022-06-30' });
    expect(readPeriod(tokenize('invoices of 2022', TODAY), TODAY, '07-01')?.range).toEqual({ from: '2022-01-01', to: '2022-12-31' });
  });

  it('exclusions: a status, numbers, the words of a line', () => {
    expect(exclusionsIn(clause('factures 2025 hors impayées')).exclusion).toEqual({ status: 'unpaid' });
    expect(exclusionsIn(clause('factures 2019 excepté la 1203')).exclusion).toEqual({ numbers: ['1203'] });
    expect(exclusionsIn(clause('every invoice except the domain renewal')).exclusion).toEqual({ label: ['domaine', 'renouvellement'] });
    expect(exclusionsIn(clause('envoyez sans attendre')).exclusion).toEqual({});
  });

  it('references: a marker, a reference’s prefix or a postcode makes a number no invoice’s', () => {
    const c = clause('Réf. 1245, ticket #1250, VIR-1263, reçu n° 1262-0045, CH-1201 : facture 1280');
    expect(numbersAt(c, referencesIn(c))).toEqual(['1245', '1250', 'VIR-1263', '1262', '0045', 'CH-1201']);
    expect(recognise(c).numbers).toEqual(['1280']);
  });

  it('declined answers: the noun and its refusal are taken out, and the rest is read', () => {
    const { tokens, declined } = declinedIn(tokenize("Inutile de m'envoyer le détail, le PDF de la 1280 suffira", TODAY));
    expect(declined).toEqual(['details']);
    expect(tokens.some((t) => t.kind === 'word' && t.role === 'details')).toBe(false);
    expect(declinedIn(tokenize('ne désactivez pas le PDF', TODAY)).declined).toEqual([]);
    expect(declinedIn(tokenize("vous ne m'avez pas envoyé le relevé", TODAY)).declined).toEqual([]);
  });

  it('the day paid: a payment word and « en », "in", "last" before the period', () => {
    expect(filterOf(recognise(clause('factures réglées en juillet 2021')))).toEqual({ status: 'paid', paid: { from: '2021-07-01', to: '2021-07-31' } });
    expect(filterOf(recognise(clause('les factures payées de 2025')))).toEqual({ status: 'paid', from: '2025-01-01', to: '2025-12-31' });
  });
});

describe('numbers said in words', () => {
  it('writes an invoice number said in French or English in digits, and leaves counts as words', async () => {
    const { spokenNumbers } = await import('../src/assistant/reading/recognise/spoken.js');
    expect(spokenNumbers('la facture mille deux cent quatre-vingt-trois')).toBe('la facture 1283');
    expect(spokenNumbers('facture douze cent soixante-dix-sept')).toBe('facture 1277');
    expect(spokenNumbers('facture mil deux cent soixante huit')).toBe('facture 1268');
    expect(spokenNumbers('invoice twelve eighty-eight')).toBe('invoice 1288');
    expect(spokenNumbers('invoice one two six six')).toBe('invoice 1266');
    expect(spokenNumbers('les trois dernières factures, the October one')).toBe('les trois dernières factures, the October one');
  });
});

describe('junk', () => {
  it('reads code and overlong numbers as nothing, never as every invoice', async () => {
    const { parse } = await import('../src/assistant/reading/read.js');
    for (const text of [
      "'; DROP TABLE factures; --",
      "SELECT * FROM invoices WHERE customer = 'paul@mbarga.cm'",
      "<script>alert('invoice')</script>",
      'facture 987654321098765432109876543210',
    ]) {
      expect([text, parse(text, TODAY).command]).toEqual([text, null]);
    }
    expect(parse('please delete old.accountant@firm.com from the invoice contacts', TODAY).command?.intent).toBe('contactRemove');
  });
});

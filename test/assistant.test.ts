import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { buffer } from 'node:stream/consumers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Reply } from '../src/assistant/reply.js';
import { addDays } from '../src/billing/dates.js';
import { formatDate } from '../src/billing/money.js';
import { importInvoices } from '../src/import/import.js';
import { demoApp, outbox } from './support/app.js';
import { pdfText } from './support/read.js';
import { DAY_MS } from '../src/time.js';

let app: Awaited<ReturnType<typeof demoApp>>;
let awa: string;
let paul: string;
let grace: string;

beforeAll(async () => {
  app = await demoApp();
  awa = (await app.store.customerByAddress('awa@example.cm'))!.id;
  paul = (await app.store.customerByAddress('paul@example.cm'))!.id;
  grace = (await app.store.customerByAddress('grace.eyenga@example.cm'))!.id;
});

afterAll(() => app.dispose());

/** French amounts group thousands with U+202F; a plain space is easier to read in expectations. */
const plain = (text: string) => text.replace(/[\u202F\u00A0]/g, ' ');

function ask(customerId: string, text: string, conversation = `test:${customerId}`): Promise<Reply> {
  return app.assistant.handle({ customerId, text, conversation, trust: 'owner' });
}

describe('a customer asking the assistant', () => {
  it('gets invoice 1210 as a PDF that shows its number, date, amount and name', async () => {
    const reply = await ask(awa, 'Bonjour, la facture n° 1210 svp');
    expect(reply.outcome).toBe('answered');
    expect(reply.text[0]).toMatch(/1210/);
    expect(reply.attachments.map((a) => a.filename)).toEqual(['facture-1210.pdf']);
    const text = await pdfText(await buffer(await reply.attachments[0]!.open()));
    expect(text).toContain('1210');
    expect(text).toContain('17 janv. 2019');
    expect(text).toContain('89 438 FCFA');
    expect(text).toContain('Awa Nkolo');
  });

  it('gets the same answer for someone else’s invoice as for one that does not exist', async () => {
    const theirs = await ask(paul, 'facture 1210');
    const missing = await ask(paul, 'facture 9999');
    expect(theirs.outcome).toBe('refused');
    expect(theirs.attachments).toEqual([]);
    expect(theirs.text.join().replace('1210', 'N')).toBe(missing.text.join().replace('9999', 'N'));
    const details = await ask(paul, 'détails 1210');
    expect(details.text.join(' ')).not.toMatch(/Awa|89 438|Hébergement Pro/);
    const zip = await ask(paul, 'zip 1210');
    expect(zip.attachments).toEqual([]);
  });

  it('lists invoices like the client area, ten a page, with next and previous', async () => {
    const first = await ask(awa, 'factures', 'paging');
    expect(first.table?.columns).toEqual(['Date', 'N°', 'Montant', 'État']);
    expect(first.table?.rows).toHaveLength(10);
    expect(first.table?.rows[0]?.map(plain)).toEqual(['17 sept. 2026', '1273', '121 039 FCFA', 'payée']);
    const second = await ask(awa, 'suivant', 'paging');
    expect(second.table?.rows[0]?.[1]).toBe('1246');
    const third = await ask(awa, 'suivant', 'paging');
    expect(third.table?.rows.at(-1)?.[1]).toBe('1210');
    expect((await ask(awa, 'suivant', 'paging')).outcome).toBe('refused');
    expect((await ask(awa, 'précédent', 'paging')).table?.rows[0]?.[1]).toBe('1246');
  });

  it('narrows the list by year, month, status and date range', async () => {
    const numbers = async (text: string) => (await ask(awa, text)).table?.rows.map((row) => row[1]);
    expect(await numbers('factures 2019')).toEqual(['1217', '1214', '1210']);
    expect(await numbers('factures janvier 2019')).toEqual(['1210']);
    expect(await numbers('factures du 2019-01-01 au 2019-06-30')).toEqual(['1214', '1210']);
    expect(await numbers('unpaid invoices')).toEqual(['1266']);
    expect((await ask(awa, 'factures 2003')).text).toEqual(['Aucune facture ne correspond à votre demande.']);
  });

  it('shows the details of an invoice: lines, taxes, total and status', async () => {
    const reply = await ask(awa, 'détails 1210');
    const text = plain(reply.text.join('\n'));
    expect(reply.table?.rows.map((row) => row[0])).toEqual(['Hébergement Pro (4 mois)', 'Nom de domaine .cm']);
    expect(text).toContain('TVA (19,25 %) : 14 438 FCFA');
    expect(text).toContain('Total : 89 438 FCFA');
    expect(text).toContain('payée le 26 janv. 2019');
  });

  it('says a paid invoice is paid, without a day, when the billing system gave none (it may: paidAt is optional)', async () => {
    // An app of its own: another invoice for Awa would change what the other tests count.
    const own = await demoApp();
    try {
      const hers = (await own.store.customerByAddress('awa@example.cm'))!.id;
      const [model] = await own.store.invoices(hers, { numbers: ['1210'] });
      await own.store.save({ invoices: [{ ...model!, number: '7001', paidAt: null }], announced: ['7001'] });
      const asked = (text: string) => own.assistant.handle({ customerId: hers, text, conversation: 'test:undated', trust: 'owner' });
      const fr = await asked('détails 7001');
      expect(fr.text).toContain('État : payée.');
      expect(fr.details?.status).toBe('payée');
      const en = await asked('details of invoice 7001 please');
      expect(en.text).toContain('Status: paid.');
      expect(en.details?.status).toBe('paid');
    } finally {
      await own.dispose();
    }
  });

  it('says an unpaid invoice past its due day is overdue and since how many days, in every channel’s words, French and English', async () => {
    const own = await demoApp();
    try {
      const hers = (await own.store.customerByAddress('awa@example.cm'))!.id;
      const [model] = await own.store.invoices(hers, { numbers: ['1210'] });
      const today = own.assistant.today();
      const due = (number: string, days: number) => ({
        ...model!,
        number,
        issuedAt: addDays(today, days - 30),
        dueAt: addDays(today, days),
        status: 'unpaid' as const,
        paidAt: null,
      });
      const invoices = [due('7101', -12), due('7102', -1), due('7103', 0), due('7104', 1)];
      await own.store.save({ invoices, announced: invoices.map((i) => i.number) });
      const asked = async (text: string) => {
        const reply = await own.assistant.handle({ customerId: hers, text, conversation: `test:${text}`, trust: 'owner' });
        return { text: plain(reply.text.join('\n')), card: plain(reply.details!.status) };
      };
      const day = (offset: number, locale: 'fr' | 'en') => plain(formatDate(addDays(today, offset), locale));
      expect(await asked('détails 7101')).toEqual({
        text: expect.stringContaining(`État : en retard de 12 jours, échue le ${day(-12, 'fr')}.`),
        card: `en retard de 12 jours (échue le ${day(-12, 'fr')})`,
      });
      expect(await asked('détails 7102')).toEqual({
        text: expect.stringContaining(`État : en retard d'un jour, échue le ${day(-1, 'fr')}.`),
        card: `en retard d'un jour (échue le ${day(-1, 'fr')})`,
      });
      expect(await asked('détails 7103')).toEqual({
        text: expect.stringContaining(`État : à payer aujourd'hui, ${day(0, 'fr')}.`),
        card: "à payer aujourd'hui",
      });
      expect(await asked('détails 7104')).toEqual({
        text: expect.stringContaining(`État : à payer avant le ${day(1, 'fr')}.`),
        card: `à payer avant le ${day(1, 'fr')}`,
      });
      expect(await asked('details of invoice 7101 please')).toEqual({
        text: expect.stringContaining(`Status: 12 days overdue, due on ${day(-12, 'en')}.`),
        card: `12 days overdue (due ${day(-12, 'en')})`,
      });
      expect((await asked('details of invoice 7102 please')).card).toBe(`one day overdue (due ${day(-1, 'en')})`);
    } finally {
      await own.dispose();
    }
  });

  it('answers in English to English words, and in the customer’s language when it cannot tell', async () => {
    expect((await ask(awa, 'invoice 1210')).attachments[0]?.filename).toBe('invoice-1210.pdf');
    const unclear = await ask(grace, 'blabla');
    expect(unclear.outcome).toBe('not-understood');
    expect(unclear.text[0]).toMatch(/did not understand/);
    expect((await ask(awa, 'blabla')).text[0]).toMatch(/pas compris/);
    expect((await ask(awa, 'aide')).text.join('\n')).toContain('zip 2019');
  });

  it('changes the notification address only once the code mailed to it comes back', async () => {
    expect((await ask(awa, 'notifications')).text[0]).toContain('awa@example.cm');
    const asked = await ask(awa, 'notifications adresse Compta@Nkolo.cm');
    expect(asked.outcome).toBe('answered');
    const to = async (address: string) => (await outbox(app.dataDir)).filter((mail) => mail.to && 'text' in mail.to && mail.to.text === address);
    const [toNew] = await to('compta@nkolo.cm');
    const code = /confirmer (\d{6})/.exec(toNew!.text ?? '')![1]!;
    expect((await app.store.customerById(awa))!.notifications.address).toBe('awa@example.cm');

    const wrong = code === '000000' ? '000001' : '000000';
    expect((await ask(awa, `confirmer ${wrong}`)).outcome).toBe('refused');
    expect((await app.store.customerById(awa))!.notifications.address).toBe('awa@example.cm');
    expect((await ask(awa, `confirmer ${code}`)).outcome).toBe('answered');
    expect((await app.store.customerById(awa))!.notifications.address).toBe('compta@nkolo.cm');
    const [notice] = await to('awa@example.cm');
    expect(notice!.subject).toBe('Vos factures sont désormais envoyées à compta@nkolo.cm');
    expect((await ask(awa, `confirmer ${code}`)).outcome).toBe('refused');
  });

  it('takes a message of six digits alone for the code while one is on its way, and for an invoice number otherwise', async () => {
    const ndjock = (await app.store.customerByAddress('contact@ndjock-sarl.cm'))!.id;
    expect((await ask(ndjock, '482913')).text[0]).toContain('482913');
    expect((await app.store.customerById(ndjock))!.notifications.address).toBe('contact@ndjock-sarl.cm');
    await ask(ndjock, 'envoyez désormais nos factures à compta@ndjock-sarl.cm');
    const mail = (await outbox(app.dataDir)).findLast((m) => m.to && 'text' in m.to && m.to.text === 'compta@ndjock-sarl.cm');
    const code = /confirmer (\d{6})/.exec(mail!.text ?? '')![1]!;
    const pasted = await ask(ndjock, ` ${code}. `);
    expect(pasted.outcome).toBe('answered');
    expect((await app.store.customerById(ndjock))!.notifications.address).toBe('compta@ndjock-sarl.cm');
  });

  it('toggles the PDF attachment of new invoices', async () => {
    await ask(paul, 'notifications pièces-jointes non');
    expect((await app.store.customerById(paul))!.notifications.attachPdf).toBe(false);
    await ask(paul, 'notifications attachments on');
    expect((await app.store.customerById(paul))!.notifications.attachPdf).toBe(true);
  });

  it('turns payment reminders off and on, and shows where they stand; by mail only once the owner approves', async () => {
    const off = await ask(grace, 'arrêtez de me relancer svp');
    expect(off.text[0]).toContain('plus de rappel de paiement');
    // Grace reads English: what she is shown next is in her language.
    expect((await app.store.customerById(grace))!.notifications.reminders).toBe(false);
    expect((await ask(grace, 'notifications')).text.join('\n')).toContain('Payment reminders: off');
    await ask(grace, 'rappels oui');
    expect((await app.store.customerById(grace))!.notifications.reminders).toBe(true);
    // A From alone proves nothing: by mail, the change waits for the owner's approval.
    const byMail = await app.assistant.handle({ customerId: grace, text: 'rappels non', conversation: 'mail:grace', trust: 'address' });
    expect(byMail.outcome).toBe('answered');
    expect((await app.store.customerById(grace))!.notifications.reminders).toBe(true);
    expect((await app.store.customerById(grace))!.pending.map((p) => p.change)).toEqual([{ kind: 'reminders', on: false }]);
  });

  it('refuses to turn reminders off where the provider sends them to every customer', async () => {
    const strict = await demoApp({ REMINDERS_ENABLED: 'true', REMINDERS_OPT_OUT: 'false' });
    try {
      const id = (await strict.store.customerByAddress('paul@example.cm'))!.id;
      const reply = await strict.assistant.handle({ customerId: id, text: 'rappels non', conversation: 'test', trust: 'owner' });
      expect(reply.outcome).toBe('refused');
      expect(reply.text[0]).toContain('ne peuvent pas être désactivés');
      expect((await strict.store.customerById(id))!.notifications.reminders).toBeUndefined();
    } finally {
      await strict.dispose();
    }
  });

  it('sends an address a few codes an hour at most, so that no one can flood it', async () => {
    const jp = (await app.store.customerByAddress('jp.fotso@example.cm'))!.id;
    const before = (await outbox(app.dataDir)).filter((mail) => mail.subject?.includes('code')).length;
    const replies = [];
    for (let i = 0; i < 4; i++) replies.push(await ask(jp, 'notifications adresse victime@example.org'));
    expect(replies.map((reply) => reply.outcome)).toEqual(['answered', 'answered', 'answered', 'refused']);
    expect(replies[3]!.text[0]).toContain('Trop de codes');
    const codes = (await outbox(app.dataDir)).filter((mail) => mail.subject?.includes('code')).length - before;
    expect(codes).toBe(3);
  });

  it('refuses an address that is not one', async () => {
    const reply = await ask(paul, 'notifications adresse paul@@example');
    expect(reply.outcome).toBe('refused');
    expect(reply.text[0]).toContain('paul@@example');
    expect((await app.store.customerById(paul))!.pending).toEqual([]);
  });
});

describe('a customer asking in their own words', () => {
  const numbersIn = (reply: Reply) => reply.table?.rows.map((row) => row[1]);
  const files = (reply: Reply) => reply.attachments.map((a) => a.filename);

  it('gets one invoice asked for by its rank as its PDF, and several as the list', async () => {
    const newest = (await app.store.invoices(awa)).map((i) => i.number);
    expect(files(await ask(awa, 'ma dernière facture svp'))).toEqual([`facture-${newest[0]}.pdf`]);
    expect(files(await ask(awa, "l'avant-dernière facture"))).toEqual([`facture-${newest[1]}.pdf`]);
    // Asked in English, answered in English, down to the file's name.
    expect(files(await ask(awa, 'my most recent bill'))).toEqual([`invoice-${newest[0]}.pdf`]);
    expect(numbersIn(await ask(awa, 'mes 3 dernières factures'))).toEqual(newest.slice(0, 3));
    // "la facture de 2019" names one invoice, but three match: the list, not a guess.
    const ofYear = await ask(awa, 'la facture de 2019');
    expect([numbersIn(ofYear), files(ofYear)]).toEqual([['1217', '1214', '1210'], []]);
  });

  it('says what is owed, with the total and how many are past due, in the language asked', async () => {
    const owed = await ask(awa, 'combien je dois ?');
    expect(plain(owed.text[0]!)).toBe('Il vous reste 121 039 FCFA à régler, sur 1 facture :');
    expect(numbersIn(owed)).toEqual(['1266']);
    expect(owed.text[1]).toBe('Échéance dépassée : 1 facture.');
    const balance = await ask(grace, 'what is my balance');
    expect(balance.locale).toBe('en');
    expect(plain(balance.text[0]!)).toMatch(/^You still have FCFA 175,894 to pay, on 1 invoice:$/);
    expect(numbersIn(await ask(awa, 'mes factures en retard'))).toEqual(['1266']);
  });

  it('tells a customer who owes nothing so', async () => {
    const jp = (await app.store.customerByAddress('jp.fotso@example.cm'))!.id;
    const [unpaid] = await app.store.invoices(jp, { status: 'unpaid' });
    await app.store.save({ invoices: [{ ...unpaid!, status: 'paid', paidAt: unpaid!.issuedAt }] });
    const reply = await ask(jp, 'est-ce que je dois encore quelque chose ?');
    expect([reply.outcome, reply.text[0]]).toEqual(['answered', 'Vous ne devez rien : toutes vos factures sont réglées.']);
    expect(reply.attachments.map((a) => a.filename)).toEqual([`releve-${app.assistant.today()}.pdf`]);
    expect(await pdfText(await buffer(await reply.attachments[0]!.open()))).toContain('Aucune facture à régler : votre compte est à jour.');
  });

  it('sends more than five PDFs asked for by number as one ZIP, and names the numbers that are not the customer’s', async () => {
    const six = await ask(awa, '1210 1214 1217 1250 1254 1257');
    expect(files(six)).toEqual(['factures-1210-1257.zip']);
    const range = await ask(awa, 'factures 1210 à 1220');
    expect(files(range)).toEqual(['facture-1210.pdf', 'facture-1214.pdf', 'facture-1217.pdf', 'facture-1218.pdf']);
    expect(range.text[1]).toContain('1211');
    expect(range.text.join(' ')).not.toMatch(/Paul|Mbarga/);
  });

  it('answers small talk warmly in the customer’s language, and says who answers what it cannot', async () => {
    expect((await ask(awa, 'Bonjour !')).text[0]).toMatch(/^Bonjour Awa Nkolo !/);
    const thanks = await ask(grace, 'thanks a lot!');
    expect([thanks.locale, thanks.outcome]).toEqual(['en', 'answered']);
    const offTopic = await ask(awa, 'mon site est en panne depuis ce matin');
    expect(offTopic.text[0]).toContain('support technique');
    expect(offTopic.attachments).toEqual([]);
  });
});

describe('the account statement', () => {
  const statementOf = async (reply: Reply) => pdfText(await buffer(await reply.attachments[0]!.open()));
  /** The invoice numbers the statement's tables list: each row starts with one. */
  const listed = (text: string) => [...text.matchAll(/^(\d{4}) /gm)].map((m) => m[1]);
  const daysSince = (day: string) => Math.round((Date.parse(app.assistant.today()) - Date.parse(day)) / DAY_MS);

  it('comes with what is owed: the unpaid invoices, their days overdue and the total due, and no paid one unless asked', async () => {
    const reply = await ask(awa, 'relevé');
    const today = app.assistant.today();
    expect(reply.attachments.map((a) => [a.filename, a.contentType])).toEqual([[`releve-${today}.pdf`, 'application/pdf']]);
    expect(plain(reply.text[0]!)).toBe('Il vous reste 121 039 FCFA à régler, sur 1 facture :');
    expect(reply.text.at(-1)).toMatch(/^Votre relevé de compte au .+ est joint\.$/);
    const text = await statementOf(reply);
    expect(text).toContain('Relevé de compte');
    expect(text).toContain('Awa Nkolo');
    expect(text).toContain(`1266 17 janv. 2026 17 févr. 2026 ${plain(daysSince('2026-02-17').toLocaleString('fr-CM'))} 121 039 FCFA`);
    expect(text).toContain('Total dû 121 039 FCFA');
    expect(listed(text)).toEqual(['1266']);
    // "combien je dois ?" answers the same way, statement included.
    expect((await ask(awa, 'combien je dois ?')).attachments.map((a) => a.filename)).toEqual([`releve-${today}.pdf`]);
  });

  it('lists the invoices paid in the period the sentence names', async () => {
    const reply = await ask(awa, 'relevé 2026');
    expect(reply.text.at(-1)).toMatch(/avec les factures payées du 1 janv\. 2026 au 31 déc\. 2026 \(2\)\.$/);
    const text = await statementOf(reply);
    expect(text).toContain('Factures payées du 1 janv. 2026 au 31 déc. 2026');
    expect(text).toContain('1270 17 mai 2026 26 mai 2026 121 039 FCFA');
    expect(text).toContain('1273 17 sept. 2026 26 sept. 2026 121 039 FCFA');
    expect(text).toContain('Total payé 242 078 FCFA');
    expect(listed(text)).toEqual(['1266', '1270', '1273']);
  });

  it('holds only the customer’s own invoices, whatever period is asked', async () => {
    const own = new Set((await app.store.invoices(paul)).map((invoice) => invoice.number));
    const text = await statementOf(await ask(paul, 'relevé depuis 2019 avec les factures payées'));
    expect(listed(text).length).toBeGreaterThan(5);
    for (const number of listed(text)) expect(own.has(number!)).toBe(true);
    expect(text).not.toMatch(/Awa|Nkolo/);
  });

  it('is in English for an English sentence, named statement-<day>.pdf', async () => {
    const reply = await ask(grace, 'send me my statement');
    expect(reply.locale).toBe('en');
    expect(reply.attachments.map((a) => a.filename)).toEqual([`statement-${app.assistant.today()}.pdf`]);
    const text = await statementOf(reply);
    expect(text).toContain('Account statement');
    expect(text).toContain('Total due FCFA 175,894');
  });

  it('is left out when the customer says they do not want it', async () => {
    const reply = await ask(awa, 'pas besoin du relevé, juste le montant que je dois');
    expect(plain(reply.text[0]!)).toBe('Il vous reste 121 039 FCFA à régler, sur 1 facture :');
    expect(reply.attachments).toEqual([]);
  });
});

describe('a sentence that could mean two things', () => {
  // Paul has invoices of 2021, and now one numbered 2021 too (issued in 2023): "la facture 2021" is either.
  beforeAll(async () => {
    const [model] = await app.store.invoices(paul, { year: 2021 });
    await app.store.save({ invoices: [{ ...model!, number: '2021', issuedAt: '2023-05-05', dueAt: '2023-06-05' }], announced: ['2021'] });
  });

  it('offers both readings, numbered, and the number sent back picks one', async () => {
    const question = await ask(paul, 'la facture 2021 svp', 'choice');
    expect(question.attachments).toEqual([]);
    expect(question.choices).toEqual(['la facture n° 2021', 'vos factures du 1 janv. 2021 au 31 déc. 2021']);
    expect(question.text.join('\n')).toContain('1. la facture n° 2021');
    expect(question.text.join('\n')).toContain('Répondez simplement par le numéro de votre choix (1 à 2)');
    const chosen = await ask(paul, '1', 'choice');
    expect(chosen.attachments.map((a) => a.filename)).toEqual(['facture-2021.pdf']);
    // The question is answered: a second number no longer picks anything.
    const again = await ask(paul, '2', 'choice');
    expect([again.outcome, again.attachments]).toEqual(['not-understood', []]);
    expect(again.text[0]).toContain("Je n'attends pas de réponse");
  });

  it('takes "numéro 2", "choix 2" or "le premier" for the choice while the question is open, and only then', async () => {
    await ask(paul, 'la facture 2021', 'choice-words');
    const second = await ask(paul, 'numéro 2', 'choice-words');
    expect(second.table?.rows.map((row) => row[1])).toEqual((await app.store.invoices(paul, { year: 2021 })).map((i) => i.number));
    await ask(paul, 'the invoice 2021', 'choice-words');
    expect((await ask(paul, 'le premier', 'choice-words')).attachments.map((a) => a.filename)).toEqual(['facture-2021.pdf']);
    // With no question open, "le premier" is the customer's first invoice.
    const first = await ask(paul, 'le premier', 'choice-words');
    expect(first.text.join(' ')).toContain((await app.store.invoices(paul)).at(-1)!.number);
  });

  it('keeps each conversation’s question to itself: another customer’s "1" picks nothing', async () => {
    await ask(paul, 'la facture 2021', 'shared');
    const other = await ask(awa, '1', 'shared');
    expect(other.outcome).toBe('not-understood');
    expect(other.attachments).toEqual([]);
    expect((await ask(paul, '1', 'shared')).attachments.map((a) => a.filename)).toEqual(['facture-2021.pdf']);
  });

  it('answers at once when the customer’s invoices leave one reading', async () => {
    // Awa has no invoice n° 2019 but invoices of 2019: the year is meant.
    const reply = await ask(awa, 'la facture 2019', 'one-reading');
    expect(reply.choices).toBeUndefined();
    expect(reply.table?.rows.map((row) => row[1])).toEqual(['1217', '1214', '1210']);
  });
});

describe('invoice numbers as billing systems write them', () => {
  const numbered = (number: string, label: string) => ({
    number,
    customer: 'awa@example.cm',
    issuedAt: '2024-03-01',
    dueAt: '2024-03-31',
    currency: 'XAF',
    lines: [{ label, quantity: 1, unitPrice: 10_000 }],
    status: 'unpaid',
  });

  beforeAll(async () => {
    const file = path.join(app.dataDir, 'lettered.json');
    await writeFile(
      file,
      JSON.stringify([
        numbered('00001', 'Ligne de 00001'),
        numbered('INV/2024/00001', 'Ligne de INV/2024/00001'),
        numbered('F2024-001', 'Ligne de F2024-001'),
        numbered('INJ-1', 'Ligne de INJ-1'),
        numbered('2024/00001', 'Ligne de 2024/00001'),
      ]),
    );
    expect((await importInvoices(app.store, file)).created).toBe(5);
  });

  const asked = async (text: string) => {
    const reply = await ask(awa, text, `lettered:${text}`);
    return Promise.all(reply.attachments.map(async (attachment) => /Ligne de (\S+)/.exec(await pdfText(await buffer(await attachment.open())))?.[1]));
  };

  it('sends exactly the invoice named, with letters, slashes and dashes, however it is cased', async () => {
    expect(await asked('facture INV/2024/00001')).toEqual(['INV/2024/00001']);
    expect(await asked('facture 00001')).toEqual(['00001']);
    expect(await asked('send me F2024-001')).toEqual(['F2024-001']);
    expect(await asked('la inj-1 svp')).toEqual(['INJ-1']);
    expect(await asked('#inv/2024/00001')).toEqual(['INV/2024/00001']);
    expect(await asked('la facture 2024/00001 svp')).toEqual(['2024/00001']);
  });

  it('finds the invoice a customer types in full-width or Arabic-Indic digits', async () => {
    for (const text of ['facture １２１０', 'facture ١٢١٠', 'la facture 𝟏𝟐𝟏𝟎'])
      expect((await ask(awa, text, 'lookalike')).attachments.map((a) => a.filename)).toEqual(['facture-1210.pdf']);
    expect(await asked('ｆａｃｔｕｒｅ ＩＮＶ／２０２４／００００１')).toEqual(['INV/2024/00001']);
  });

  it('gives another customer nothing for them, as for a number that does not exist', async () => {
    const theirs = await ask(paul, 'facture INV/2024/00001');
    expect(theirs.outcome).toBe('refused');
    expect(theirs.attachments).toEqual([]);
  });
});

import { describe, expect, it } from 'vitest';
import { chatMessage } from '../src/assistant/reading/message.js';
import { read } from '../src/assistant/reading/read.js';
import type { Invoice } from '../src/billing/types.js';

/**
 * The message's context, the first stage of the reading (src/assistant/reading/context.ts):
 * what the message a customer answers carried, which her words point at.
 */
const TODAY = '2026-12-06';

const invoice = (number: string, issuedAt: string, status: Invoice['status'] = 'unpaid'): Invoice => ({
  number,
  customerId: 'awa',
  issuedAt,
  dueAt: issuedAt,
  currency: 'XAF',
  lines: [{ label: 'Hébergement', quantity: 1, unitPrice: 1000 }],
  taxes: [],
  status,
  paidAt: status === 'paid' ? issuedAt : null,
});

const DECEMBER = [invoice('1291', '2026-12-01')];
const AUTUMN = [invoice('1283', '2026-10-01'), invoice('1286', '2026-10-19'), invoice('1288', '2026-11-02')];
const YEAR_2023 = ['1241:01-09', '1244:03-07', '1245:04-05', '1246:05-16', '1248:07-04', '1250:10-03'].map((entry) =>
  invoice(entry.slice(0, 4), `2023-${entry.slice(5)}`, 'paid'),
);
const SPRING_2026 = [
  invoice('1272', '2026-01-12', 'paid'),
  invoice('1275', '2026-04-06', 'paid'),
  invoice('1277', '2026-07-06', 'paid'),
  invoice('1280', '2026-09-01', 'paid'),
];

/** What `text` asks, written as a reply to a message that carried `carried`. */
function inReplyTo(carried: Invoice[], text: string) {
  return read({ ...chatMessage(text), context: { channel: 'chat', replyTo: { invoices: carried } } }, TODAY).parsed.command;
}

describe('a reply is about what the replied-to message carried', () => {
  it('takes a pronoun, a demonstrative or no object at all for its invoices', () => {
    expect(inReplyTo(DECEMBER, 'Pourriez-vous me le renvoyer ?')).toEqual({ intent: 'resend', numbers: ['1291'] });
    expect(inReplyTo(DECEMBER, 'Envoyez-moi aussi le PDF, s’il vous plaît.')).toEqual({ intent: 'pdf', numbers: ['1291'] });
    expect(inReplyTo(AUTUMN, 'as a zip please')).toEqual({ intent: 'zip', filter: { numbers: ['1283', '1286', '1288'] } });
    expect(inReplyTo(SPRING_2026, 'all of them as pdf pls')).toMatchObject({ numbers: ['1272', '1275', '1277', '1280'] });
    expect(inReplyTo([AUTUMN[2]!], 'elle est payée, celle-là ?')).toEqual({ intent: 'details', number: '1288' });
    expect(inReplyTo(DECEMBER, 'renvoyez-la')).toEqual({ intent: 'resend', numbers: ['1291'] });
    expect(inReplyTo(DECEMBER, "c'est réglé pour celle-ci ?")).toEqual({ intent: 'details', number: '1291' });
    expect(inReplyTo(AUTUMN, 'resend those as a single zip')).toEqual({ intent: 'zip', filter: { numbers: ['1283', '1286', '1288'] } });
  });

  it('narrows them by what the sentence says, its months read within their days', () => {
    expect(inReplyTo(SPRING_2026, "le détail de celle d'avril")).toEqual({ intent: 'details', number: '1275' });
    expect(inReplyTo(YEAR_2023, 'all except the May one, zipped')).toEqual({ intent: 'zip', filter: { numbers: ['1241', '1244', '1245', '1248', '1250'] } });
  });

  it('asks what is owed on them, unless it names the whole account', () => {
    expect(inReplyTo(DECEMBER, 'combien je dois pour celle-ci ?')).toEqual({ intent: 'details', number: '1291' });
    expect(inReplyTo(DECEMBER, 'how much do I owe on this one?')).toEqual({ intent: 'details', number: '1291' });
    expect(inReplyTo(DECEMBER, "what's my balance now that I paid it?")).toMatchObject({ intent: 'balance' });
    expect(inReplyTo(DECEMBER, 'je dois encore quelque chose ?')).toMatchObject({ intent: 'balance' });
  });

  it('says a payment of them, and never a payment of the others', () => {
    expect(inReplyTo([invoice('1268', '2025-09-15')], 'Je l’ai réglée par Orange Money le 28 novembre.')).toEqual({ intent: 'paidClaim', numbers: ['1268'] });
    expect(inReplyTo(AUTUMN, 'Je les ai payées toutes les trois vendredi.')).toEqual({ intent: 'paidClaim', numbers: ['1283', '1286', '1288'] });
  });

  it('asks the file again when it came missing or broken, never the setting that attaches files', () => {
    expect(inReplyTo(DECEMBER, "Il n'y avait aucune pièce jointe dans votre message. Pourriez-vous me le renvoyer ?")).toEqual({
      intent: 'resend',
      numbers: ['1291'],
    });
    expect(inReplyTo([invoice('1270', '2025-10-06')], 'La pièce jointe fait 0 Ko et ne s’ouvre pas.')).toEqual({ intent: 'pdf', numbers: ['1270'] });
    expect(inReplyTo(AUTUMN.slice(1), 'la pièce jointe de celle de novembre manque')).toEqual({ intent: 'pdf', numbers: ['1288'] });
    expect(inReplyTo(DECEMBER, "le fichier n'était pas joint")).toEqual({ intent: 'pdf', numbers: ['1291'] });
    expect(inReplyTo(DECEMBER, 'Vous avez oublié la pièce jointe.')).toEqual({ intent: 'pdf', numbers: ['1291'] });
    expect(inReplyTo(DECEMBER, 'je ne trouve pas le PDF dans votre mail')).toEqual({ intent: 'pdf', numbers: ['1291'] });
    expect(inReplyTo(AUTUMN, "there's no attachment in your email")).toEqual({ intent: 'pdf', numbers: ['1283', '1286', '1288'] });
    // The reason beside a request: the request wins.
    expect(inReplyTo(AUTUMN.slice(1), 'Can you put both in a zip and send them again? My phone shows the two PDFs as unreadable attachments.')).toEqual({
      intent: 'zip',
      filter: { numbers: ['1286', '1288'] },
    });
  });

  it('leaves alone what names invoices of its own, a setting and a thank-you', () => {
    expect(inReplyTo(DECEMBER, 'Merci. Pouvez-vous m’envoyer aussi celle de novembre ?')).toMatchObject({
      intent: 'singleInvoice',
      filter: { from: '2026-11-01', to: '2026-11-30' },
    });
    expect(inReplyTo(DECEMBER, 'la facture 1288 svp')).toEqual({ intent: 'pdf', numbers: ['1288'] });
    expect(inReplyTo(DECEMBER, 'je ne veux plus recevoir les PDF en pièce jointe')).toEqual({ intent: 'attachments', on: false });
    expect(inReplyTo(DECEMBER, 'Perfect, thank you very much!')).toMatchObject({ intent: 'smalltalk' });
    expect(inReplyTo(DECEMBER, 'Got it, thanks. Could you also send me last month’s invoice? I can’t find it anywhere.')).toMatchObject({
      filter: { from: '2026-11-01', to: '2026-11-30' },
    });
  });
});

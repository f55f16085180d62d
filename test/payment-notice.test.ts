import { describe, expect, it } from 'vitest';
import { chatMessage } from '../src/assistant/reading/message.js';
import { readRequest } from '../src/assistant/reading/request.js';

/**
 * A payment notice pasted under the customer's words (src/assistant/reading/notice.ts): a
 * mobile-money SMS or a bank's notice is evidence, her line is the request.
 */
const TODAY = '2026-12-06';
const asked = (text: string) => readRequest(chatMessage(text), TODAY).command;

const ORANGE = (ref: string) => `Vous avez payé 21465 FCFA à HEBERGEUR SA. Ref. facture: ${ref}. ID transaction: CI261204.0833.B12877. Solde: 104 532 FCFA.`;
const MOMO = "Y'ello! You have sent 53,663 FCFA to HEBERGEUR SA 650001122 on 04/12/2026 14:22. Transaction ID: 8812045517. Fee: 0 FCFA. Balance: 9,870 FCFA.";
const BANK = (narrative: string) =>
  `ECOBANK CAMEROUN\nAvis de virement\nRéférence : FT26338XK12\nMontant : 53 663 XAF\nBénéficiaire : HEBERGEUR SA\nLibellé : ${narrative}`;

describe('a payment notice pasted under her words', () => {
  it('is a claim of the invoices her words name, its figures never read', () => {
    expect(asked(`payée, la 1291 :\n${MOMO}`)).toEqual({ intent: 'paidClaim', numbers: ['1291'] });
    expect(asked(`c'est fait pour la 1288\n\n${ORANGE('1286')}`)).toEqual({ intent: 'paidClaim', numbers: ['1288'] });
    expect(asked(`settled 1283 this morning\n${BANK('NKOLO SARL')}`)).toEqual({ intent: 'paidClaim', numbers: ['1283'] });
  });

  it('takes the invoice the notice names as paid when her words name none', () => {
    expect(asked(`réglée 👇\n\n${ORANGE('1286')}`)).toEqual({ intent: 'paidClaim', numbers: ['1286'] });
    expect(asked(`here is the proof\n${BANK('Facture 1283')}`)).toEqual({ intent: 'paidClaim', numbers: ['1283'] });
    expect(
      asked(
        `voilà le justificatif\n[Orange Money] Paiement de 119250 FCFA effectue a HEBERGEUR SA le 02/12/2026. Trans ID: PP261202.1755.C00912. Motif: FACT 1268`,
      ),
    ).toEqual({
      intent: 'paidClaim',
      numbers: ['1268'],
    });
  });

  it('asks which of her unpaid invoices, or the one of the month she names, when neither names one', () => {
    expect(asked(`paid the november one:\n\n${MOMO}`)).toEqual({ intent: 'paidClaim', numbers: [], filter: { from: '2026-11-01', to: '2026-11-30' } });
    expect(asked(`virement fait hier\n${BANK('NKOLO SARL')}`)).toEqual({ intent: 'paidClaim', numbers: [], filter: {} });
    expect(asked(`done ✅\n${MOMO}`)).toEqual({ intent: 'paidClaim', numbers: [], filter: {} });
  });

  it('claims all the unpaid invoices of the month she names when she says so in the plural', () => {
    const october = { intent: 'paidClaim', numbers: [], filter: { from: '2026-10-01', to: '2026-10-31' }, every: true };
    expect(asked(`virement fait pour les deux factures d'octobre :\n\n${BANK('NKOLO SARL FACT OCT')}`)).toEqual(october);
    expect(asked(`payées, celles d'octobre 👇\n${ORANGE('NKOLO')}`)).toEqual(october);
    expect(asked(`paid both October invoices\n${MOMO}`)).toEqual(october);
    expect(asked(`I settled the two from October:\n${BANK('NKOLO SARL')}`)).toEqual(october);
  });

  it('leaves a question or a request of anything else as it is', () => {
    expect(asked(`combien il me reste à payer après ça ?\n${MOMO}`)).toMatchObject({ intent: 'balance' });
    expect(asked(`is 1288 paid now?\n${MOMO}`)).toMatchObject({ intent: 'details', number: '1288' });
  });

  it('keeps her own words, even with an amount, out of the notice', () => {
    expect(asked("j'ai fait un virement de 75 128 XAF pour la 1283")).toEqual({ intent: 'paidClaim', numbers: ['1283'] });
    expect(chatMessage('Mobile Money : j’ai payé la 1266').zones).toEqual([{ kind: 'own', lines: ['Mobile Money : j’ai payé la 1266'] }]);
  });
});

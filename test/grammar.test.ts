import { describe, expect, it } from 'vitest';
import type { Command } from '../src/assistant/command.js';
import { parse } from '../src/assistant/reading/read.js';
import { canonical } from './support/commands.js';

const TODAY = '2026-11-25';

/** Phrasings customers actually write, in both languages, and what they mean. */
const PHRASINGS: [text: string, command: Command | null, locale?: 'fr' | 'en' | null][] = [
  ['aide', { intent: 'help' }, 'fr'],
  ['Aide !', { intent: 'help' }, 'fr'],
  ['help', { intent: 'help' }, 'en'],
  ['?', null],
  ['Que puis-je demander ? aide svp', { intent: 'help' }, 'fr'],
  ['factures', { intent: 'list', filter: {} }, 'fr'],
  ['FACTURES', { intent: 'list', filter: {} }, 'fr'],
  ['mes factures svp', { intent: 'list', filter: {} }, 'fr'],
  ['invoices', { intent: 'list', filter: {} }, 'en'],
  ['show me my invoices please', { intent: 'list', filter: {} }, 'en'],
  ['factures 2019', { intent: 'list', filter: { year: 2019 } }, 'fr'],
  ['invoices 2021', { intent: 'list', filter: { year: 2021 } }, 'en'],
  ['factures janvier 2019', { intent: 'list', filter: { year: 2019, month: 1 } }, 'fr'],
  ['Factures de Février 2020', { intent: 'list', filter: { year: 2020, month: 2 } }, 'fr'],
  ['invoices March 2022', { intent: 'list', filter: { year: 2022, month: 3 } }, 'en'],
  ['factures décembre', { intent: 'list', filter: { year: 2025, month: 12 } }, 'fr'],
  ['factures mars', { intent: 'list', filter: { year: 2026, month: 3 } }, 'fr'],
  ['factures impayées', { intent: 'list', filter: { status: 'unpaid' } }, 'fr'],
  ['Factures IMPAYEES', { intent: 'list', filter: { status: 'unpaid' } }, 'fr'],
  ['unpaid invoices', { intent: 'list', filter: { status: 'unpaid' } }, 'en'],
  ['my outstanding invoices', { intent: 'list', filter: { status: 'unpaid' } }, 'en'],
  ['factures payées 2020', { intent: 'list', filter: { status: 'paid', year: 2020 } }, 'fr'],
  ['factures annulées', { intent: 'list', filter: { status: 'cancelled' } }, 'fr'],
  ['impayées', { intent: 'list', filter: { status: 'unpaid' } }, 'fr'],
  ['factures du 2019-01-01 au 2019-03-31', { intent: 'list', filter: { from: '2019-01-01', to: '2019-03-31' } }, 'fr'],
  ['factures du 01/01/2019 au 31/03/2019', { intent: 'list', filter: { from: '2019-01-01', to: '2019-03-31' } }, 'fr'],
  ['invoices from 2019-01-01 to 2019-03-31', { intent: 'list', filter: { from: '2019-01-01', to: '2019-03-31' } }, 'en'],
  ['invoices since 2024-06-01', { intent: 'list', filter: { from: '2024-06-01' } }, 'en'],
  ['factures 2019 2020', { intent: 'list', filter: { from: '2019-01-01', to: '2020-12-31' } }, 'fr'],
  ['suivant', { intent: 'page', step: 1 }, 'fr'],
  ['Suivante svp', { intent: 'page', step: 1 }, 'fr'],
  ['next', { intent: 'page', step: 1 }, 'en'],
  ['more', { intent: 'page', step: 1 }, 'en'],
  ['précédent', { intent: 'page', step: -1 }, 'fr'],
  ['previous', { intent: 'page', step: -1 }, 'en'],
  ['facture 1210', { intent: 'pdf', numbers: ['1210'] }, 'fr'],
  ['invoice 1210', { intent: 'pdf', numbers: ['1210'] }, 'en'],
  ['facture n° 1210', { intent: 'pdf', numbers: ['1210'] }, 'fr'],
  ['Facture N°1210', { intent: 'pdf', numbers: ['1210'] }, 'fr'],
  ['#1210', { intent: 'pdf', numbers: ['1210'] }, null],
  ['n° 1210 svp', { intent: 'pdf', numbers: ['1210'] }, 'fr'],
  ['la facture 1210 svp', { intent: 'pdf', numbers: ['1210'] }, 'fr'],
  ['Bonjour, pouvez-vous m’envoyer la facture n° 1210 ? Merci', { intent: 'pdf', numbers: ['1210'] }, 'fr'],
  ["Bonjour, pouvez-vous m'envoyer la facture n° 1210 ?", { intent: 'pdf', numbers: ['1210'] }, 'fr'],
  ['Could you send me invoice No. 1210 please?', { intent: 'pdf', numbers: ['1210'] }, 'en'],
  ['invoice #2019', { intent: 'pdf', numbers: ['2019'] }, 'en'],
  ['facture 1210 et 1214', { intent: 'pdf', numbers: ['1210', '1214'] }, 'fr'],
  ['pdf 1210', { intent: 'pdf', numbers: ['1210'] }],
  ['renvoyer 1210', { intent: 'resend', numbers: ['1210'] }, 'fr'],
  [
    'Pouvez-vous me renvoyer la facture 2019 ?',
    {
      intent: 'clarify',
      options: [
        { intent: 'pdf', numbers: ['2019'] },
        { intent: 'singleInvoice', filter: { from: '2019-01-01', to: '2019-12-31' } },
      ],
    },
    'fr',
  ],
  ['resend invoice 1210', { intent: 'resend', numbers: ['1210'] }, 'en'],
  ['détails 1210', { intent: 'details', number: '1210' }, 'fr'],
  ['details 1210', { intent: 'details', number: '1210' }],
  ['Détail de la facture n°1210', { intent: 'details', number: '1210' }, 'fr'],
  ['details of invoice 1210 please', { intent: 'details', number: '1210' }, 'en'],
  ['détails', { intent: 'details', number: null }, 'fr'],
  ['zip tout', { intent: 'zip', filter: {} }, 'fr'],
  ['zip all', { intent: 'zip', filter: {} }, 'en'],
  ['ZIP de toutes mes factures', { intent: 'zip', filter: {} }, 'fr'],
  ['zip 1210 1211 1305', { intent: 'zip', filter: { numbers: ['1210', '1211', '1305'] } }],
  ['zip 2019', { intent: 'zip', filter: { year: 2019 } }],
  ['zip #2019', { intent: 'zip', filter: { numbers: ['2019'] } }],
  ['all my 2019 invoices as a zip please', { intent: 'zip', filter: { year: 2019 } }, 'en'],
  ['zip du 2019-01-01 au 2019-06-30', { intent: 'zip', filter: { from: '2019-01-01', to: '2019-06-30' } }, 'fr'],
  ['zip from 2020-01-01 to 2020-12-31', { intent: 'zip', filter: { from: '2020-01-01', to: '2020-12-31' } }, 'en'],
  ['archive des factures impayées', { intent: 'zip', filter: { status: 'unpaid' } }, 'fr'],
  ['notifications', { intent: 'notifications' }],
  ['Notifications ?', { intent: 'notifications' }],
  ['notifications pièces-jointes oui', { intent: 'attachments', on: true }, 'fr'],
  ['notifications pieces-jointes non', { intent: 'attachments', on: false }, 'fr'],
  ['notifications attachments on', { intent: 'attachments', on: true }, 'en'],
  ['notifications attachments off', { intent: 'attachments', on: false }, 'en'],
  ['notifications attachments no', { intent: 'attachments', on: false }],
  ['pièces-jointes désactiver', { intent: 'attachments', on: false }, 'fr'],
  ['notifications discord oui', { intent: 'chat', on: true }, 'fr'],
  ['notifications dm off', { intent: 'chat', on: false }, 'en'],
  ['notifications en mp non', { intent: 'chat', on: false }, 'fr'],
  ['notifications adresse Compta@Exemple.cm', { intent: 'address', address: 'compta@exemple.cm' }, 'fr'],
  ['notifications address billing@example.com', { intent: 'address', address: 'billing@example.com' }, 'en'],
  ['confirmer 123456', { intent: 'confirm', code: '123456' }, 'fr'],
  ['confirm 004211', { intent: 'confirm', code: '004211' }, 'en'],
  ['Confirmer le code 123456 merci', { intent: 'confirm', code: '123456' }, 'fr'],
  ['confirmer', { intent: 'confirm', code: null }, 'fr'],
  ['bonjour', { intent: 'smalltalk', kind: 'hello' }, 'fr'],
  ['blabla', null, null],
  ['', null, null],
];

describe('the command language', () => {
  it('covers at least fifty phrasings', () => {
    expect(PHRASINGS.length).toBeGreaterThanOrEqual(50);
  });

  it.each(PHRASINGS)('%j', (text, command, locale) => {
    const parsed = parse(text, TODAY);
    expect(canonical(parsed.command)).toEqual(canonical(command));
    if (locale !== undefined) expect(parsed.locale).toBe(locale);
  });

  it('does not guess at an impossible date', () => {
    expect(parse('factures du 2019-02-30 au 2019-03-31', TODAY)).toEqual({ command: null, locale: 'fr' });
  });
});

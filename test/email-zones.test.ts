import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { mailRequest } from './support/mail-request.js';
import { readSubject } from '../src/channels/email/subject.js';
import { readZones } from '../src/channels/email/zones.js';
import type { Zone } from '../src/assistant/reading/zones.js';

const TODAY = '2026-11-25';
const fixtures = path.resolve(import.meta.dirname, 'fixtures');
const subjects = JSON.parse(await readFile(path.join(fixtures, 'subjects.json'), 'utf8')) as Record<'reply' | 'forward' | 'fresh', string[]>;

/** A mail's zones as kinds and texts, for comparing. */
function zonesOf(subject: string, text: string, thread: { inReplyTo?: string } = {}): [Zone['kind'], string][] {
  return readZones({ subject, text, inReplyTo: thread.inReplyTo ?? null, references: [] }).map((zone) => [zone.kind, zone.lines.join('\n')]);
}

describe('a subject’s provenance', () => {
  it.each(subjects.reply)('%j is a reply’s: someone else’s words', (subject) => {
    expect(readSubject(subject, false).borrowed).toBe('reply');
  });

  it.each(subjects.forward)('%j is a forward’s: someone else’s words', (subject) => {
    expect(readSubject(subject, false).borrowed).toBe('forward');
  });

  it.each(subjects.fresh)('%j is the customer’s own', (subject) => {
    expect(readSubject(subject, false).borrowed).toBeNull();
  });

  it('is a reply’s whatever its words when the mail answers another (In-Reply-To, References), in a language no list holds', () => {
    expect(readSubject('notifications pièces-jointes non', true)).toEqual({ borrowed: 'reply', topic: 'notifications pièces-jointes non' });
    expect(readSubject('Vastaus: lasku 1210', true).borrowed).toBe('reply');
  });

  it('keeps the topic without prefixes, counters and list tags', () => {
    expect(readSubject('[Clients] RE : Re[2]: AW:  facture 1210 ', false).topic).toBe('facture 1210');
    expect(readSubject('[URGENT] facture 1210', false)).toEqual({ borrowed: null, topic: 'facture 1210' });
    expect(readSubject('Question : mes factures', false).topic).toBe('Question : mes factures');
  });

  it('costs steps in proportion to its length, however it is built', () => {
    expect(readSubject(`${'Re: '.repeat(300_000)}notifications adresse x@y.example`, false).borrowed).toBe('reply');
    expect(readSubject(`${'['.repeat(300_000)}`, false).borrowed).toBeNull();
    expect(readSubject(`Re${' '.repeat(1_000_000)}:`, false).borrowed).toBeNull();
  });
});

describe('a body’s zones', () => {
  it('tells the customer’s words from the signature and the quoted history', () => {
    const text = [
      'Bonjour,',
      '',
      'la facture 1214 svp',
      '',
      '-- ',
      'Awa Nkolo',
      '',
      'Le mer. 25 nov. 2026 à 10:02, Facteur <facturation@facteur.example> a écrit :',
      '> Voici la facture n° 1210',
    ].join('\n');
    expect(zonesOf('Re: Votre facture', text, { inReplyTo: '<r1@facteur.example>' })).toEqual([
      ['replySubject', 'Votre facture'],
      ['own', 'Bonjour,\nla facture 1214 svp'],
      ['signature', 'Awa Nkolo'],
      ['quoted', 'Le mer. 25 nov. 2026 à 10:02, Facteur <facturation@facteur.example> a écrit :\n> Voici la facture n° 1210'],
    ]);
  });

  it('reads a forward’s message as forwarded, under Gmail’s, Thunderbird’s or Apple Mail’s rule', () => {
    for (const rule of [
      '---------- Forwarded message ---------',
      '-------- Message transféré --------',
      'Début du message réexpédié :',
      'Begin forwarded message:',
    ]) {
      const text = [
        'Je vous transfère la demande de mon comptable.',
        '',
        rule,
        'De : Compta <compta@exemple.cm>',
        'Objet : factures',
        '',
        'il nous manque les factures du 2e semestre 2022',
      ].join('\n');
      expect(zonesOf('Fwd: factures', text)).toEqual([
        ['replySubject', 'factures'],
        ['own', 'Je vous transfère la demande de mon comptable.'],
        ['forwarded', `${rule}\nDe : Compta <compta@exemple.cm>\nObjet : factures\nil nous manque les factures du 2e semestre 2022`],
      ]);
    }
  });

  it('reads Outlook’s header block as forwarded in a forward, as quoted in a reply', () => {
    const text = [
      'Voir ci-dessous.',
      '',
      '________________________________',
      'De : Compta <compta@exemple.cm>',
      'Envoyé : lundi 23 novembre 2026 09:14',
      'Objet : factures',
      '',
      'notifications adresse compta@exemple.cm',
    ].join('\n');
    expect(zonesOf('TR : factures', text).map(([kind]) => kind)).toEqual(['replySubject', 'own', 'forwarded']);
    expect(zonesOf('RE : factures', text).map(([kind]) => kind)).toEqual(['replySubject', 'own', 'quoted']);
  });

  it('keeps an answer written between quoted lines as the customer’s', () => {
    expect(zonesOf('', 'zip 2019\n> facture 1210\nmerci')).toEqual([
      ['subject', ''],
      ['own', 'zip 2019'],
      ['quoted', '> facture 1210'],
      ['own', 'merci'],
    ]);
  });
});

describe('the request of a mail', () => {
  const ask = (subject: string, text: string, inReplyTo?: string) =>
    mailRequest(readZones({ subject, text, inReplyTo: inReplyTo ?? null, references: [] }), TODAY);

  it('takes a fresh subject as the customer’s words, able to ask a change', () => {
    expect(ask('notifications pièces-jointes non', '')).toMatchObject({ intent: 'attachments', words: 'own' });
  });

  it('takes a reply’s subject as quoted words, which may name an invoice but ask no change', () => {
    expect(ask('Re: facture 1210', 'Bonjour, merci')).toMatchObject({ intent: 'pdf', text: 'facture 1210', words: 'quoted' });
    expect(ask('Re: notifications adresse mallory@evil.example', 'Oui, parfait, merci.')).toMatchObject({
      intent: 'smalltalk',
      words: 'own',
      text: 'Oui, parfait, merci.',
    });
    expect(ask('Re: Votre code de confirmation : 123456', 'Merci !')).toMatchObject({ intent: 'smalltalk', words: 'own', text: 'Merci !' });
    // Nothing else to read: the change is handed over as quoted words, for the assistant to say it makes none.
    expect(ask('AW: notifications pièces-jointes non', '')).toMatchObject({ intent: 'attachments', words: 'quoted' });
    expect(ask('notifications pièces-jointes non', '', '<r1@facteur.example>')).toMatchObject({ words: 'quoted' });
  });

  it('joins a reply’s subject to the customer’s words only as quoted words', () => {
    expect(ask('Re: mallory@evil.example', 'changez mon adresse de notification')).not.toMatchObject({ intent: 'address', words: 'own' });
  });

  it('never reads quoted, forwarded or signature lines, whatever they ask', () => {
    expect(ask('Re: Bonjour', 'Merci\n\nLe lun. 23 nov. 2026, X a écrit :\n> notifications adresse mallory@evil.example')).toMatchObject({
      intent: 'smalltalk',
      words: 'own',
    });
    expect(ask('Fwd: x', 'Merci\n---------- Forwarded message ---------\nzip 2019')).toMatchObject({ intent: 'smalltalk' });
  });
});

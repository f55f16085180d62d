import type { Clause } from '../clause.js';
import type { Sentence } from '../sentence.js';

/**
 * « est-ce bien une facture de chez vous ? », "is this invoice real?", « cette facture me
 * semble falsifiée », "can you verify the attached invoice": whether a document is genuine.
 * The PDF is the message's attachment; the words only ask.
 */

/** Words saying a document is genuine or not: enough on their own beside a document. */
const STRONG = [
  'authentique',
  'authentiques',
  'veritable',
  'veritables',
  'legitime',
  'legitimes',
  'fausse',
  'fausses',
  'falsifiee',
  'falsifiees',
  'falsifie',
  'falsification',
  'contrefaite',
  'contrefait',
  'arnaque',
  'escroquerie',
  'fraude',
  'frauduleuse',
  'frauduleux',
  'trafiquee',
  'trafique',
  'hameconnage',
  'genuine',
  'authentic',
  'legit',
  'legitimate',
  'fake',
  'forged',
  'forgery',
  'fraud',
  'fraudulent',
  'scam',
  'tampered',
  'counterfeit',
  'bogus',
  'phishing',
];
/** Words that say so only in a question: « c'est vrai que je l'ai reçue » asks nothing. */
const WEAK = [
  'vraie',
  'vrai',
  'vraies',
  'vrais',
  'reelle',
  'reel',
  'officielle',
  'officiel',
  'suspecte',
  'suspect',
  'bizarre',
  'louche',
  'normal',
  'normale',
  'real',
  'suspicious',
  'official',
  'valid',
  'valide',
];
/** Verbs asking for a check of something. */
const CHECK = ['verifier', 'verifiez', 'verifie', 'verification', 'controler', 'controlez', 'authentifier', 'check', 'verify', 'authenticate'];
/** What is checked: a document, the one attached, the one received. */
const DOCUMENT = [
  'document',
  'documents',
  'piece',
  'fichier',
  'pdf',
  'facture',
  'factures',
  'invoice',
  'invoices',
  'bill',
  'ceci',
  'cela',
  'ca',
  'this',
  'it',
  'ci-joint',
  'ci-jointe',
  'attached',
  'attachment',
  'joint',
  'jointe',
  'recu',
  'recue',
  'received',
  'courrier',
  'mail',
];
/** Who sent it: « de chez vous », « de votre part », "from you", "did you send". */
const FROM_YOU = [
  'chez vous',
  'de votre part',
  'vient de vous',
  'vient bien de vous',
  'vient-elle de vous',
  'venant de vous',
  'par vous',
  'vous qui',
  'vous avez envoye',
  'vous m avez envoye',
  'votre societe',
  'from you',
  'you sent',
  'did you send',
  'by you',
  'your company',
];
/** What points at the file at hand: a check of it is no check of an account (« can you check? » about an address is not). */
const THIS = [
  'ce',
  'cette',
  'ceci',
  'cela',
  'ca',
  'this',
  'it',
  'ci-joint',
  'ci-jointe',
  'attached',
  'attachment',
  'joint',
  'jointe',
  'document',
  'recu',
  'recue',
  'received',
];
/** A check of a payment or a status is no question of authenticity: « vérifiez si la 1266 est payée ». */
const ABOUT_PAYMENT = [
  'paye',
  'payee',
  'payees',
  'paid',
  'regle',
  'reglee',
  'solde',
  'paiement',
  'payment',
  'virement',
  'transfer',
  'impayee',
  'impayees',
  'impayes',
  'unpaid',
  'dois',
  'owe',
];

export function asksGenuine(s: Sentence): boolean {
  const c = s.clause;
  const document = c.hasWord(...DOCUMENT);
  if (c.hasWord(...STRONG) && (document || c.asks())) return true;
  // « vérifiez si la 1266 est payée », « c'est normal que je doive encore payer ? »: a payment's, not a document's.
  if (c.hasWord(...ABOUT_PAYMENT) || c.has('paid') || c.has('unpaid') || c.has('owe')) return false;
  if (c.hasWord(...WEAK) && document && c.asks()) return true;
  if (c.hasWord(...CHECK) && c.hasWord(...THIS) && !s.numbers.length) return true;
  return fromYou(c) && document && c.asks();
}

function fromYou(c: Clause): boolean {
  const words = ` ${c
    .words()
    .map((w) => w.word.replace(/'/g, ' '))
    .join(' ')} `;
  return FROM_YOU.some((phrase) => words.includes(` ${phrase} `));
}

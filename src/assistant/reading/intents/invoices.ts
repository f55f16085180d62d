import type { Command } from '../../command.js';
import { NEGATION_ROLES, type Clause, type NumberToken, type Word } from '../clause.js';
import { isYear } from '../recognise/periods.js';
import { filterOf, type Sentence } from '../sentence.js';
import type { Role } from '../words.js';
import { asksStatement } from './balance.js';

/** Words of invoices: with them, a sentence is about invoices, whatever else it names. */
export const INVOICE_ROLES: Role[] = [
  'list',
  'singularInvoice',
  'pdf',
  'zip',
  'paid',
  'unpaid',
  'overdue',
  'details',
  'resend',
  'attachments',
  'notifications',
  'statement',
  'reminders',
];
/** Words that make a payment the speaker's own, done: « j'ai (déjà) payé », "I have paid", « paiement effectué ». */
const PAID_BY_ME = [
  'ai',
  'deja',
  'avons',
  'already',
  'have',
  'i',
  'we',
  'effectue',
  'fait',
  'made',
  'sent',
  'envoye',
  'done',
  'virement',
  'transfer',
  'momo',
  'transaction',
  'depuis',
  'depot',
  'depose',
];
/** Words of a payment made, beside « payée » and "paid": « virement », « dépôt », « j'ai déposé l'argent », "transfer". */
const PAYMENT = ['paiement', 'payment', 'virement', 'transfer', 'depot', 'depose', 'deposited', 'deposit', 'versement', 'verse'];

export function aboutInvoices(s: Sentence): boolean {
  return INVOICE_ROLES.some((role) => s.clause.has(role)) || s.numbers.length > 0;
}

/** A request for invoices in the sentence, beside whatever else it says. */
export function hasRequest(s: Sentence): boolean {
  const c = s.clause;
  return c.has('list') || c.has('singularInvoice') || c.has('pdf') || s.numbers.length > 0 || s.period !== null || asksStatement(s);
}

/** A ZIP asked, not refused ("je ne veux pas de zip, juste la liste"). */
export function asksZip(s: Sentence): boolean {
  const { tokens } = s.clause;
  const zip = tokens.findIndex((t) => t.kind === 'word' && t.role === 'zip');
  if (zip >= 0) return !s.clause.negatedAt(zip);
  // "en un seul fichier", "in one file": a ZIP.
  return tokens.some(
    (t, i) =>
      t.kind === 'word' &&
      t.role === 'file' &&
      [tokens[i - 1], tokens[i - 2]].some((b) => b?.kind === 'word' && ['un', 'one', 'seul', 'single', 'meme', 'same'].includes(b.word)),
  );
}

/** A question about one invoice: what is on it, its amount, whether it is paid, when it is due. */
export function asksDetails(s: Sentence): boolean {
  const c = s.clause;
  if (c.has('details')) return true;
  if (s.numbers.length !== 1) return false;
  if (c.has('amount') || c.has('due') || c.hasWord('combien', 'much')) return true;
  const status = c.has('paid') || c.has('unpaid') || c.has('cancelled') || c.has('overdue');
  // "j'ai envoyé l'argent, la facture 1218 est-elle réglée ?": a question about its status, whatever was sent.
  if (c.asks() && status && !c.has('resend') && !c.has('pdf') && !c.has('want')) return true;
  if (c.has('send') && !c.has('negation')) return false;
  // "est ce que la 1245 a été réglée", "la 1279 n'a pas été annulée ?": its status.
  if (!c.has('resend') && !c.has('pdf') && status) return true;
  // « Pourriez-vous me faire parvenir la facture 1257 ? »: a question that asks for it, not about it.
  return c.asks() && !c.has('resend') && !c.has('pdf') && !c.words().some((w) => HAVING_SENT.includes(w.corrected ?? w.word));
}

/** Ways money is sent: "sent via MTN MoMo" is the payment, not a request to send something. */
const MONEY_SENT = ['momo', 'mtn', 'om', 'wave', 'mobile', 'money'];

/** Verbs and nouns of having a file sent, beside the vocabulary's `send`: « faire parvenir », « transmettre », "provide", « un duplicata », "a copy". */
const HAVING_SENT = [
  'parvenir',
  'passer',
  'transmettre',
  'transmettez',
  'fournir',
  'fournissez',
  'adresser',
  'adressez',
  'telecharger',
  'provide',
  'download',
  'copie',
  'copy',
  'duplicata',
  'duplicate',
];

/**
 * The customer says invoices are paid: a payment word with numbers, said of themselves and
 * not asked (« j'ai déjà payé la 1266 », "I already paid 1266", « paiement effectué pour la
 * facture 1266 »); « la facture 1266 est-elle payée ? » asks its details instead.
 */
export function claimsPaid(s: Sentence): boolean {
  const c = s.clause;
  // « je n'ai pas encore payé la 1266 », "I haven't paid 1266": the opposite.
  // « j'ai payé celle d'octobre, pas encore celle de novembre »: a negation after the payment is about another invoice.
  const paidAt = c.tokens.findIndex((t) => t.kind === 'word' && (t.role === 'paid' || t.role === 'pay' || PAYMENT.includes(t.word)));
  const negated = c
    .words()
    .some(
      (w) =>
        c.tokens.indexOf(w) < (paidAt < 0 ? Infinity : paidAt) &&
        (NEGATION_ROLES.includes(w.role ?? 'filler') || w.word === 'n' || w.word === 'haven' || w.word === 'didn' || w.word === 't'),
    );
  // « j'ai payé 75 000 FCFA, envoyez-moi la facture 1238 »: the payment is the reason for a request, which wins; "transfer … sent" is the payment.
  // "sent via MTN MoMo": the money was sent; « envoyez-moi la facture » still asks.
  const moneySent = c.hasWord(...MONEY_SENT) && c.words().every((w) => w.role !== 'send' || ['sent', 'envoye', 'envoyes', 'envoyee'].includes(w.word));
  const sending = c.has('send') && !c.hasWord('virement', 'transfer') && !moneySent;
  // « j'ai payé la facture d'octobre »: one invoice named by its period, which the customer's unpaid ones say.
  // « il me faut les PDF … pour les joindre à mon virement », "I want to know if … is paid": not a payment said.
  const other = c.has('pdf') || c.hasWord('savoir', 'know', 'if', 'si', 'whether');
  if ((s.numbers.length === 0 && !asksSingleInvoice(s)) || c.asks() || negated || sending || other) return false;
  const paid = c.has('paid') || c.hasWord(...PAYMENT);
  // « payée hier par OM »: a payment told by how the money went.
  return paid && (c.hasWord(...PAID_BY_ME) || c.hasWord(...MONEY_SENT));
}

/** "suivant", "la suite", "more", "revenir en arrière": the next or previous page of the last list. */
export function turnsPage(s: Sentence, step: 1 | -1): boolean {
  const c = s.clause;
  if (s.numbers.length > 0 || s.period !== null || s.status.status) return false;
  if (step === -1) return c.has('previous') || (c.hasWord('page') && c.hasWord('avant'));
  if (c.has('next')) return true;
  // "show me more"
  const content = c.words().filter((w) => w.role !== 'filler' && w.role !== 'send');
  return content.length > 0 && content.every((w) => w.word === 'more');
}

/** One invoice, by its period or rank, asked with a singular word. */
export function asksSingleInvoice(s: Sentence): boolean {
  const c = s.clause;
  const rank = s.rank;
  if (rank && rank.take > 1) return false;
  if (rank && rank.take === 1) return true;
  const pronoun = singularPronoun(s);
  if (!c.has('singularInvoice') && !c.has('pdf') && !pronoun) return false;
  // "pas besoin de toutes les factures, juste celle de juillet": the one, whatever was said of the others.
  const narrowed = pronoun && c.hasWord('juste', 'seulement', 'uniquement', 'only', 'just');
  if ((c.has('list') || plural(s)) && !narrowed) return false;
  return s.period !== null || rank !== null;
}

/** "celle de juillet", "the September one", "the one from August": one invoice, named by a pronoun. */
function singularPronoun(s: Sentence): boolean {
  const { tokens } = s.clause;
  if (s.clause.hasWord('celle', 'celui')) return true;
  return tokens.some((t, i) => {
    const before = tokens[i - 1];
    return t.kind === 'word' && t.word === 'one' && (before?.kind === 'month' || (before?.kind === 'word' && ['the', 'that', 'this'].includes(before.word)));
  });
}

/** "les", "mes", "des", "all", "every" before a singular word still asks for several. */
function plural(s: Sentence): boolean {
  return s.clause.has('all') || s.clause.hasWord('les', 'mes', 'des', 'vos', 'nos', 'ces');
}

/**
 * A lone year after "facture" (`la facture 2019`): invoice n° 2019, or the invoice of
 * 2019? Both are plausible; the choice is left to what the customer's invoices say.
 */
export function yearOrNumber(s: Sentence): Command | null {
  const c = s.clause;
  if (!c.has('singularInvoice') || c.has('list') || s.numbers.length > 0 || !s.period || s.rank || plural(s)) return null;
  const used = s.period.used;
  const years = c.tokens.flatMap((t, i) => (t.kind === 'number' && !t.marked && isYear(t.value) && used.has(i) ? [i] : []));
  if (years.length !== 1 || c.tokens.some((t) => t.kind === 'month' || t.kind === 'date')) return null;
  // Right after the word ("facture 2019"); "la facture de 2019" says a year.
  const before = c.tokens[years[0]! - 1];
  if (before?.kind !== 'word' || before.role !== 'singularInvoice') return null;
  const number = (c.tokens[years[0]!] as NumberToken).value;
  return {
    intent: 'clarify',
    options: [
      { intent: 'pdf', numbers: [number] },
      { intent: 'singleInvoice', filter: filterOf(s) },
    ],
  };
}

/**
 * Words that ask for the files themselves: sending, transmitting, providing, downloading,
 * needing, exporting, attaching them, or naming files, documents, copies (« envoyez-moi les
 * factures de 2023 », « il me faut les factures », "bundle the 2025 invoices").
 */
const FILE_WORDS = new Set(
  (
    'envoyer envoyez envoie envoies envoi envoye envoyes envoyee envoyees transmettre transmettez transmets transmission fournir fournissez fournis ' +
    'telecharger telechargez telecharge telechargement besoin faut exporter exportez parvenir tenir adresser adressez fichier fichiers documents copie copies duplicata ' +
    'renvoyer renvoyez renvoie send resend provide download downloading need needs export attach bundle shoot forward file files pdf pdfs'
  ).split(' '),
);
/** Words that ask to see which invoices there are: the list (« la liste », "which", « montrez-moi », "what did you bill me"). */
const LIST_WORDS = new Set(
  'liste lister historique releve releves statement quel quelle quels quelles lesquelles lesquels combien montrer montrez montre affiche afficher affichez voir list history which what show see view'.split(
    ' ',
  ),
);

/**
 * The files asked for several invoices, not their list: a word of files not refused (« je ne
 * veux pas la liste, envoyez les fichiers »), no word of a list, and something that names
 * them (a period, a status, a rank, numbers) or all of them (« toutes mes factures d'un coup »).
 */
export function asksFiles(s: Sentence): boolean {
  const { tokens } = s.clause;
  const wants = tokens.some((t, i) => t.kind === 'word' && FILE_WORDS.has(t.word) && (!s.clause.refusedAt(i) || onlySome(s.clause, i)));
  const listed = tokens.some((t, i) => t.kind === 'word' && !t.declined && LIST_WORDS.has(t.word) && !s.clause.refusedAt(i));
  const named = s.period !== null || s.status.status !== undefined || s.rank !== null || s.numbers.length > 0 || s.clause.has('all');
  return wants && !listed && named;
}

/** Words that keep a part of what was named: « seulement », "just", « ne … que ». */
const ONLY = new Set(['seulement', 'uniquement', 'juste', 'only', 'just', 'que']);
/** Words that make « ne » a negation of its own, not the start of « ne … que » (« ne m'envoyez plus que … » is no request to send). */
const NEGATING = new Set(['pas', 'plus', 'jamais', 'rien', 'aucun', 'aucune', 'ni', 'point']);

/**
 * The negation before the verb at `i` refuses the whole, not the sending: « ne m'envoyez pas
 * tout, seulement les impayées », "don't send everything, just the 2025 ones" (a word of all
 * refused, then a word keeping a part), or the French « ne m'envoyez que les impayées ».
 */
function onlySome(c: Clause, i: number): boolean {
  const after = c.tokens.slice(i + 1);
  const at = after.findIndex((t) => t.kind === 'word' && t.role === 'all');
  if (at >= 0 && c.negatedAt(i + 1 + at) && after.slice(at + 1).some((t) => t.kind === 'word' && ONLY.has(t.word) && t.word !== 'que')) return true;
  const words = c.tokens.slice(Math.max(0, i - 3), i + 4).filter((t): t is Word => t.kind === 'word');
  return words.some((w) => w.word === 'ne') && words.some((w) => w.word === 'que') && !words.some((w) => NEGATING.has(w.word));
}

/** Words that ask what one invoice is, its amount or its state: « c'est quoi la deuxième facture de 2021 ? », « le montant de la facture de novembre », "is my invoice of November paid". */
export function asksAboutSingleInvoice(s: Sentence): boolean {
  const c = s.clause;
  if (s.numbers.length > 0 || !asksSingleInvoice(s) || s.period?.union || c.has('pdf') || c.has('resend')) return false;
  if (c.has('amount') || c.has('due') || c.hasWord('combien', 'much')) return true;
  const status = c.has('paid') || c.has('unpaid') || c.has('overdue');
  return (c.asks() || c.hasWord('savoir', 'know')) && (status || c.hasWord('quoi', 'what', 'laquelle', 'lequel', 'which'));
}

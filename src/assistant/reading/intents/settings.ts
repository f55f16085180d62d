import type { Command } from '../../command.js';
import { NEGATION_ROLES, OFF_ROLES, POLITE_REQUEST, type Clause } from '../clause.js';
import type { Sentence } from '../sentence.js';
import type { Token } from '../tokens.js';
import { aboutInvoices } from './invoices.js';

/** Words that ask to change where invoices go: « changez », « remplacez », « utilisez », « désormais », "use", "switch", "update", « nouvelle adresse ». */
const CHANGE_WORDS = new Set(
  'changer changez change modifier modifiez modifie remplacer remplacez utiliser utilisez mettre mettez mets desormais dorenavant plutot maintenant use switch update set instead now'.split(
    ' ',
  ),
);
/** Words that send somewhere, which ask a change only with the address after « à », "to" (« envoyez mes factures à compta@… », not « mon comptable (x@…) me demande les factures, envoyez-les moi »). */
const TOWARDS = new Set(['a', 'au', 'to', 'sur', 'vers', 'at', 'on', 'chez', 'onto']);

/**
 * Whether the sentence asks that invoices go to an address it names: a word of change, a new
 * address, the command's own words (« notifications adresse … »), or sending « à » the
 * address. An address only mentioned (« j'ai reçu un mail de facturation@… », « mon comptable
 * (x@…) me demande… », a pasted SQL line) asks nothing, and no code goes to it.
 */
function asksChange(c: Clause): boolean {
  if (c.words().some((w) => CHANGE_WORDS.has(w.word)) || c.has('new') || (c.has('notifications') && c.has('address'))) return true;
  if (!c.has('send') && !c.has('address') && !c.hasWord('aller', 'vont', 'aillent', 'doivent', 'devraient', 'go', 'goes', 'should', 'sent')) return false;
  return c.tokens.some((t, i) => t.kind === 'email' && [c.tokens[i - 1], c.tokens[i - 2]].some((b) => b?.kind === 'word' && TOWARDS.has(b.word)));
}

/**
 * An address for new invoices: the last one named ("pas à ancien@…, mais à nouveau@…").
 * One address in a sentence that says it does not arrive ("je ne reçois plus rien sur
 * contact@…") is a complaint about mail, not a change.
 */
export function changesAddress(s: Sentence): boolean {
  const c = s.clause;
  const emails = c.emails();
  if (emails.length === 0 || !asksChange(c)) return false;
  // « envoie-moi la 1289 de Paul (paul@…) »: an invoice named is what is asked; the address beside it changes nothing.
  if (s.numbers.length > 0) return false;
  if (emails.length > 1) return true;
  // "je ne veux plus recevoir sur gmail, mettez plutôt …": the address named instead is the change.
  if (c.hasWord('plutot', 'instead', 'desormais', 'dorenavant', 'maintenant', 'now')) return true;
  return !(c.has('negation') && c.has('send') && !c.has('new') && !aboutInvoices(s));
}

/**
 * A sentence about one invoice contact: allowing it to ask (« compta@… peut demander »,
 * "let x@… ask for invoices", « ne peut plus demander »), removing it (« retirer … », « ne
 * mettez plus … en copie »), or adding it (« ajoutez … », « mettez … en copie »). The modal
 * ("can", « peut ») counts only after the address, so that "can I ask for my invoices at
 * x@…?" stays a change of address.
 */
export function aboutContact(c: Clause): Command | null {
  const emails = c.emails();
  if (emails.length !== 1) return null;
  const address = emails[0]!;
  const at = c.tokens.findIndex((t) => t.kind === 'email');
  // "x@… may ask": after an address, "may" is the modal, not the month the tokens took it for.
  const modal = c.tokens
    .slice(at + 1)
    .some(
      (t) =>
        (t.kind === 'word' && ['peut', 'peuvent', 'puisse', 'pourra', 'can', 'ca', 'cannot'].includes(t.word)) ||
        (t.kind === 'month' && t.month === 5 && t.locale === 'en'),
    );
  const asking = c.hasWord('demander', 'demande', 'demandent', 'ask', 'request');
  const allowed = c.has('allow') || c.hasWord('let') || modal;
  const negated = c.has('negation') || c.has('more') || c.hasWord('cannot', 'interdire', 'interdisez', 'forbid');
  if (asking && allowed) return { intent: 'contactMayAsk', address, on: !negated };
  if (c.hasWord('retirer', 'retirez', 'retire', 'enlever', 'enlevez', 'enleve', 'supprimer', 'supprimez', 'supprime', 'remove', 'delete'))
    return { intent: 'contactRemove', address };
  if (c.has('contact') && negated) return { intent: 'contactRemove', address };
  return c.has('add') || c.has('contact') ? { intent: 'contactAdd', address } : null;
}

/** Where do new invoices go, by mail or on Discord: a question about the notification settings. */
export function asksWhere(s: Sentence): boolean {
  const c = s.clause;
  if (!c.asks() || s.numbers.length > 0 || c.emails().length > 0 || s.period) return false;
  if (c.has('address') && c.has('chat')) return true;
  // "À quelle adresse…", "which email gets…", "sur quel mail": a question about the address or Discord.
  const which = c.hasWord('ou', 'where', 'quel', 'quelle', 'quels', 'which', 'what', 'how', 'comment');
  if (which && (c.has('address') || c.has('chat')) && (c.has('send') || c.has('list') || c.has('singularInvoice') || c.hasWord('arrivent', 'gets')))
    return true;
  // "où sont envoyées les nouvelles factures ?", "how am I notified…": where invoices go.
  // "je veux être prévenu sur Discord quand…" is a wish, not a question.
  const notified = c.hasWord('notified', 'notifie', 'notifiee', 'prevenu', 'prevenue') && !c.has('want');
  const arrive = c.has('send') || c.hasWord('arrivent', 'arrive', 'vont', 'go', 'goes', 'land');
  return notified || (c.hasWord('ou', 'where') && arrive && (c.has('new') || c.has('list') || c.has('singularInvoice')));
}

/**
 * Which way a setting goes: on, unless the words up to just after the setting's own word
 * say otherwise. Each off word (`désactiver`, `stop`, `sans`) turns it around, and so does
 * a negation, once however many words it takes (`ne … plus`, `don't … anymore`):
 * "ne coupez pas le PDF, remettez-le" is on, "je ne veux plus les PDF" off, and "pas seulement un
 * lien" after the setting says nothing about it. An off word only refused changes nothing (see `settles`).
 */
export function toggle(c: Clause, about: 'attachments' | 'chat' | 'reminders'): boolean {
  const isNegation = (t: Token | undefined) => t?.kind === 'word' && (NEGATION_ROLES.includes(t.role ?? 'filler') || t.word === 'n');
  // An off word decides, unless a negation stands just before it ("ne désactivez pas", "don't stop", "je ne veux pas que vous retiriez").
  const offs = c.tokens.flatMap((t, i) => (t.kind === 'word' && OFF_ROLES.includes(t.role ?? 'filler') ? [!c.negatedAt(i)] : []));
  if (offs.length > 0) return !offs.at(-1)!;
  const key = c.tokens.findIndex((t) => t.kind === 'word' && (t.role === about || (about === 'attachments' && t.role === 'pdf')));
  const scope = c.tokens.slice(0, key < 0 ? c.tokens.length : key + 3);
  // « n'oubliez pas de joindre le PDF », "don't forget to attach": a negation of forgetting asks for it.
  const ofForgetting = (i: number) => c.tokens.slice(Math.max(0, i - 2), i + 3).some((t) => t.kind === 'word' && FORGETTING.includes(t.word));
  return !scope.some((t, i) => isNegation(t) && !ofForgetting(i));
}

/** Words of forgetting, which a negation turns into a wish to have the thing. */
const FORGETTING = ['oubliez', 'oublier', 'oublie', 'oubliiez', 'forget'];

/** Words that say which way a setting goes. */
export function toggleCue(c: Clause): boolean {
  return c.words().some((w) => [...OFF_ROLES, ...NEGATION_ROLES, 'with', 'on'].includes(w.role ?? 'filler'));
}

/** A sentence that sets something rather than only naming it ("notifications pièces-jointes" shows the tab). */
/** Words that ask where a setting stands, not to change it: « merci de valider que… », "attachments status", "confirm whether…". */
const STANDING = [
  'valider',
  'validez',
  'verifier',
  'verifiez',
  'confirmer',
  'confirmez',
  'confirm',
  'check',
  'whether',
  'status',
  'statut',
  'etat',
  'actifs',
  'actives',
  'active',
  'enabled',
  'activees',
];

export function settles(c: Clause): boolean {
  if (c.hasWord(...STANDING) || keepsAsIs(c)) return false;
  // A question changes something only when it asks for it ("pouvez-vous remettre le PDF ?");
  // "pourquoi le PDF n'est plus joint ?", "les pièces jointes sont-elles activées ?" ask where things stand.
  if (c.asks() && !c.hasWord(...POLITE_REQUEST) && !c.words().some((w) => [...OFF_ROLES, 'resend', 'want'].includes(w.role ?? 'filler'))) return false;
  return (
    c.words().some((w) => w.role !== null && !['notifications', 'attachments', 'pdf', 'filler'].includes(w.role)) || c.words().some((w) => w.role === null)
  );
}

/**
 * « ne désactivez pas les rappels », "don't turn off the reminders", « n'arrêtez pas les
 * relances »: every off word refused and nothing turned on asks that the setting stay as it
 * is, whatever it is; the customer believes it on, and turning it on would be a change she
 * never asked for. « ne coupez pas les rappels, réactivez-les » still turns them on.
 */
function keepsAsIs(c: Clause): boolean {
  const offs = c.tokens.flatMap((t, i) => (t.kind === 'word' && OFF_ROLES.includes(t.role ?? 'filler') ? [c.negatedAt(i)] : []));
  // The on word's own negation, not the off word's (« ne coupez pas », just around it): « ne coupez pas les rappels, réactivez-les » turns them on.
  const offAt = c.tokens.findLastIndex((t) => t.kind === 'word' && OFF_ROLES.includes(t.role ?? 'filler'));
  const negatedOn = (i: number) =>
    c.tokens.slice(Math.max(0, offAt + 2, i - 4), i).some((t) => t.kind === 'word' && NEGATION_ROLES.includes(t.role ?? 'filler'));
  const turnsOn = c.tokens.some((t, i) => t.kind === 'word' && (t.role === 'on' || PUTTING_BACK.has(t.word)) && !negatedOn(i));
  return offs.length > 0 && offs.every(Boolean) && !turnsOn;
}

/** Words that put a setting back on: « réactivez-les », « remettez les rappels ». */
const PUTTING_BACK = new Set(['reactivez', 'reactiver', 'remettez', 'remettre', 'rallumez']);

/** About the PDF that new invoices carry: attachment words, or `PDF` with no invoice, period or rank named, said as a setting. */
export function aboutAttachments(s: Sentence, namesStatement: boolean): boolean {
  const c = s.clause;
  // "le relevé en PDF, sans les factures payées": about the statement, not the PDF of new invoices.
  if (namesStatement) return false;
  if (c.asks() && !c.has('attachments') && !inMails(c)) return false;
  // "Attach the invoices from the past six months": the files of a period, not the setting.
  if (c.has('attachments')) return s.numbers.length === 0 && !(c.has('list') && (s.period !== null || s.status.status !== undefined));
  if (!c.has('pdf') || s.numbers.length > 0 || s.period || s.rank) return false;
  return c.words().some((w) => [...OFF_ROLES, ...NEGATION_ROLES, 'with', 'new', 'on'].includes(w.role ?? 'filler')) || inMails(c);
}

/** "le PDF dans les mails", "the PDF in my emails": where the PDF goes, not which one is wanted ("par mail" is how to send one). */
function inMails(c: Clause): boolean {
  const words = c.words().filter((w) => !['les', 'mes', 'vos', 'the', 'my', 'your'].includes(w.word));
  return words.some((w, i) => w.role === 'address' && ['dans', 'avec', 'in', 'with', 'inside'].includes(words[i - 1]?.word ?? '')) && c.emails().length === 0;
}

/** « je me permets de vous relancer » is the customer chasing us, not the reminders we send (« arrêtez de me relancer »). */
export function chasesUs(c: Clause): boolean {
  return c.tokens.some(
    (t, i) => t.kind === 'word' && t.role === 'reminders' && c.tokens[i - 1]?.kind === 'word' && (c.tokens[i - 1] as { word: string }).word === 'vous',
  );
}

/** Words of mail we send, with which « arrêtez » is about the notifications, not any invoice: « arrêtez de m'écrire pour chaque facture », "stop emailing me". */
const WRITING = ['ecrire', 'ecrivez', 'ecrit', 'emailing', 'mailing', 'writing', 'write', 'messages', 'spam', 'spammer'];

export function stopsWriting(s: Sentence): boolean {
  const c = s.clause;
  return (
    c.has('stop') &&
    !c.has('chat') &&
    !c.has('attachments') &&
    !c.has('pdf') &&
    s.numbers.length === 0 &&
    s.period === null &&
    c.words().some((w) => WRITING.includes(w.corrected ?? w.word) || w.role === 'address')
  );
}

import type { Command } from '../../command.js';
import { NEGATION_ROLES, OFF_ROLES, POLITE_REQUEST, type Clause } from '../clause.js';
import type { Sentence } from '../sentence.js';
import type { Token } from '../tokens.js';
import { aboutInvoices } from './invoices.js';

/**
 * An address for new invoices: the last one named ("pas à ancien@…, mais à nouveau@…").
 * One address in a sentence that says it does not arrive ("je ne reçois plus rien sur
 * contact@…") is a complaint about mail, not a change.
 */
export function changesAddress(s: Sentence): boolean {
  const c = s.clause;
  const emails = c.emails();
  if (emails.length === 0) return false;
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
  const modal = c.tokens.slice(at + 1).some((t) => (t.kind === 'word' && ['peut', 'peuvent', 'puisse', 'pourra', 'can', 'ca', 'cannot'].includes(t.word)) || (t.kind === 'month' && t.month === 5 && t.locale === 'en'));
  const asking = c.hasWord('demander', 'demande', 'demandent', 'ask', 'request');
  const allowed = c.has('allow') || c.hasWord('let') || modal;
  const negated = c.has('negation') || c.has('more') || c.hasWord('cannot', 'interdire', 'interdisez', 'forbid');
  if (asking && allowed) return { intent: 'contactMayAsk', address, on: !negated };
  if (c.hasWord('retirer', 'retirez', 'retire', 'enlever', 'enlevez', 'enleve', 'supprimer', 'supprimez', 'supprime', 'remove', 'delete')) return { intent: 'contactRemove', address };
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
  if (which && (c.has('address') || c.has('chat')) && (c.has('send') || c.has('list') || c.has('one') || c.hasWord('arrivent', 'gets'))) return true;
  // "où sont envoyées les nouvelles factures ?", "how am I notified…": where invoices go.
  // "je veux être prévenu sur Discord quand…" is a wish, not a question.
  const notified = c.hasWord('notified', 'notifie', 'notifiee', 'prevenu', 'prevenue') && !c.has('want');
  const arrive = c.has('send') || c.hasWord('arrivent', 'arrive', 'vont', 'go', 'goes', 'land');
  return notified || (c.hasWord('ou', 'where') && arrive && (c.has('new') || c.has('list') || c.has('one')));
}

/**
 * Which way a setting goes: on, unless the words up to just after the setting's own word
 * say otherwise. Each off word (`désactiver`, `stop`, `sans`) turns it around, and so does
 * a negation, once however many words it takes (`ne … plus`, `don't … anymore`):
 * "ne désactivez pas le PDF" is on, "je ne veux plus les PDF" off, and "pas seulement un
 * lien" after the setting says nothing about it.
 */
export function toggle(c: Clause, about: 'attachments' | 'chat' | 'reminders'): boolean {
  const isNegation = (t: Token | undefined) => t?.kind === 'word' && (NEGATION_ROLES.includes(t.role ?? 'filler') || t.word === 'n');
  // An off word decides, unless a negation stands just before it ("ne désactivez pas", "don't stop", "je ne veux pas que vous retiriez").
  const offs = c.tokens.flatMap((t, i) => (t.kind === 'word' && OFF_ROLES.includes(t.role ?? 'filler') ? [!c.negatedAt(i)] : []));
  if (offs.length > 0) return !offs.at(-1)!;
  const key = c.tokens.findIndex((t) => t.kind === 'word' && (t.role === about || (about === 'attachments' && t.role === 'pdf')));
  const scope = c.tokens.slice(0, key < 0 ? c.tokens.length : key + 3);
  return !scope.some(isNegation);
}

/** Words that say which way a setting goes. */
export function toggleCue(c: Clause): boolean {
  return c.words().some((w) => [...OFF_ROLES, ...NEGATION_ROLES, 'with', 'on'].includes(w.role ?? 'filler'));
}

/** A sentence that sets something rather than only naming it ("notifications pièces-jointes" shows the tab). */
export function settles(c: Clause): boolean {
  // A question changes something only when it asks for it ("pouvez-vous remettre le PDF ?");
  // "pourquoi le PDF n'est plus joint ?", "les pièces jointes sont-elles activées ?" ask where things stand.
  if (c.asks() && !c.hasWord(...POLITE_REQUEST) && !c.words().some((w) => [...OFF_ROLES, 'resend', 'want'].includes(w.role ?? 'filler'))) return false;
  return c.words().some((w) => w.role !== null && !['notifications', 'attachments', 'pdf', 'filler'].includes(w.role)) || c.words().some((w) => w.role === null);
}

/** About the PDF that new invoices carry: attachment words, or `PDF` with no invoice, period or rank named, said as a setting. */
export function aboutAttachments(s: Sentence, namesStatement: boolean): boolean {
  const c = s.clause;
  // "le relevé en PDF, sans les factures payées": about the statement, not the PDF of new invoices.
  if (namesStatement) return false;
  if (c.asks() && !c.has('attachments') && !inMails(c)) return false;
  if (c.has('attachments')) return s.numbers.length === 0;
  if (!c.has('pdf') || s.numbers.length > 0 || s.period || s.rank) return false;
  return c.words().some((w) => [...OFF_ROLES, ...NEGATION_ROLES, 'with', 'new', 'on'].includes(w.role ?? 'filler')) || inMails(c);
}

/** "le PDF dans les mails", "the PDF in my emails": where the PDF goes, not which one is wanted ("par mail" is how to send one). */
function inMails(c: Clause): boolean {
  const words = c.words().filter((w) => !['les', 'mes', 'vos', 'the', 'my', 'your'].includes(w.word));
  return words.some((w, i) => w.role === 'address' && ['dans', 'avec', 'in', 'with', 'inside'].includes(words[i - 1]?.word ?? '')) && c.emails().length === 0;
}

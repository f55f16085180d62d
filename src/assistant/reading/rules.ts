import type { InvoiceFilter } from '../../billing/filter.js';
import type { Command } from '../command.js';
import type { Clause } from './clause.js';
import { codeIn } from './recognise/numbers.js';
import { filterOf, hasFilter, type Sentence } from './sentence.js';
import { asksBalance, asksStatement, balanceOf, namesStatement } from './intents/balance.js';
import {
  aboutInvoices,
  asksAboutSingleInvoice,
  asksDetails,
  asksFiles,
  asksSingleInvoice,
  asksZip,
  claimsPaid,
  hasRequest,
  turnsPage,
  yearOrNumber,
} from './intents/invoices.js';
import { aboutAttachments, aboutContact, asksWhere, changesAddress, chasesUs, settles, stopsWriting, toggle, toggleCue } from './intents/settings.js';
import { asksGenuine } from './intents/genuine.js';
import { askedAgain, asksAgain } from './intents/complaints.js';
import { withdrawal } from './intents/withdraw.js';
import { asksHelp, choice, offTopic, smallTalk } from './intents/talk.js';

/**
 * What a sentence asks, from what the recognisers found in it: rules tried in order, the
 * first that applies wins. Order matters where a sentence carries several keywords: a code
 * is a code, a sentence about where invoices go is a setting, "all my 2019 invoices as a
 * zip" is a ZIP, "la facture 1210 est-elle payée ?" is its details, "la facture 1210" its PDF.
 */
const RULES: { applies(s: Sentence): boolean; command(s: Sentence): Command }[] = [
  { applies: (s) => givesCode(s), command: (s) => ({ intent: 'confirm', code: codeIn(s.clause) }) },
  { applies: (s) => acknowledges(s.clause), command: () => ({ intent: 'smalltalk', kind: 'thanks' }) },
  // Before the invoices: « la facture 1266 que j'ai reçue est-elle authentique ? » asks about the attached copy, not for ours.
  { applies: (s) => asksGenuine(s), command: () => ({ intent: 'verify' }) },
  // Before the changes: "disregard my request to switch our address to billing@…" takes it back.
  { applies: (s) => withdrawal(s) !== null, command: (s) => withdrawal(s)! },
  { applies: (s) => aboutContact(s.clause) !== null, command: (s) => aboutContact(s.clause)! },
  { applies: (s) => changesAddress(s), command: (s) => ({ intent: 'address', address: s.clause.emails().at(-1)! }) },
  // « il n'y avait aucune pièce jointe », "the PDF won't open": the file asked again, never the setting that attaches it.
  { applies: (s) => asksAgain(s), command: (s) => askedAgain(s) },
  { applies: (s) => offTopic(s), command: () => ({ intent: 'offTopic' }) },
  { applies: (s) => asksWhere(s), command: () => ({ intent: 'notifications' }) },
  { applies: (s) => asksZip(s), command: (s) => ({ intent: 'zip', filter: filterOf(s) }) },
  {
    applies: (s) => setting(s, 'chat', s.clause.has('send') || s.clause.has('want')),
    command: (s) => (settles(s.clause) ? { intent: 'chat', on: toggle(s.clause, 'chat') } : { intent: 'notifications' }),
  },
  {
    applies: (s) => setting(s, 'reminders', s.clause.has('want') || s.clause.has('send') || s.clause.asksPolitely()),
    command: (s) => (settles(s.clause) ? { intent: 'reminders', on: toggle(s.clause, 'reminders') } : { intent: 'notifications' }),
  },
  {
    applies: (s) => aboutAttachments(s, namesStatement(s)),
    command: (s) => (settles(s.clause) ? { intent: 'attachments', on: toggle(s.clause, 'attachments') } : { intent: 'notifications' }),
  },
  { applies: (s) => stopsWriting(s), command: () => ({ intent: 'notifications' }) },
  // "je ne reçois plus rien sur contact@…": a complaint about where mail goes, answered with where it goes;
  // « on dit quoi pour mes rappels, ils sont activés ? »: a question about where a setting stands.
  {
    applies: (s) =>
      s.clause.has('notifications') ||
      ((s.clause.has('chat') || s.clause.emails().length > 0 || (s.clause.has('reminders') && s.clause.asks())) && !hasRequest(s)),
    command: () => ({ intent: 'notifications' }),
  },
  // "Amount due on the December invoice?" is that invoice's, not the account's.
  { applies: (s) => asksStatement(s) || (asksBalance(s) && !asksSingleInvoice(s)), command: (s) => balanceOf(s) },
  {
    applies: (s) => claimsPaid(s),
    command: (s) => (s.numbers.length > 0 ? { intent: 'paidClaim', numbers: s.numbers } : { intent: 'paidClaim', numbers: [], filter: filterOf(s) }),
  },
  // "is my invoice of November paid?": the status is what is asked, not which invoice.
  { applies: (s) => asksAboutSingleInvoice(s), command: (s) => ({ intent: 'details', number: null, filter: withoutStatus(filterOf(s)) }) },
  { applies: (s) => asksDetails(s), command: (s) => ({ intent: 'details', number: s.numbers[0] ?? null }) },
  { applies: (s) => turnsPage(s, 1), command: () => ({ intent: 'page', step: 1 }) },
  { applies: (s) => turnsPage(s, -1), command: () => ({ intent: 'page', step: -1 }) },
  { applies: (s) => s.clause.has('resend') && s.numbers.length > 0, command: (s) => ({ intent: 'resend', numbers: s.numbers }) },
  { applies: (s) => s.numbers.length > 0, command: (s) => ({ intent: 'pdf', numbers: s.numbers }) },
  { applies: (s) => yearOrNumber(s) !== null, command: (s) => yearOrNumber(s)! },
  { applies: (s) => asksSingleInvoice(s), command: (s) => ({ intent: 'singleInvoice', filter: filterOf(s) }) },
  { applies: (s) => asksFiles(s), command: (s) => ({ intent: 'files', filter: filterOf(s) }) },
  {
    applies: (s) => s.clause.has('list') || s.clause.has('singularInvoice') || s.clause.has('pdf') || hasFilter(s),
    command: (s) => ({ intent: 'list', filter: filterOf(s) }),
  },
  { applies: (s) => asksHelp(s.clause), command: () => ({ intent: 'help' }) },
  { applies: (s) => choice(s.clause) !== null, command: (s) => ({ intent: 'choose', index: choice(s.clause)! }) },
  { applies: (s) => smallTalk(s.clause) !== null, command: (s) => ({ intent: 'smalltalk', kind: smallTalk(s.clause)! }) },
];

/** A setting (Discord messages, reminders) named with words that say it is to change, and no statement in the way. */
function setting(s: Sentence, role: 'chat' | 'reminders', wanted: boolean): boolean {
  // « ma sœur m'a dit que vous envoyez des rappels »: what someone said is no wish.
  const reported = s.clause.hasWord('dit', 'said', 'says', 'told');
  return s.clause.has(role) && !namesStatement(s) && !reported && !(role === 'reminders' && chasesUs(s.clause)) && (toggleCue(s.clause) || wanted);
}

/**
 * A code given: six digits with « confirmer » or « code », or « confirmer » alone. « Merci de
 * me confirmer à quelle adresse… », "please confirm what remains unpaid" are questions, which
 * confirming a code is not.
 */
function givesCode(s: Sentence): boolean {
  const c = s.clause;
  if (codeIn(c) !== null) return c.has('confirm') || c.has('code');
  return (
    c.has('confirm') &&
    !c.hasWord('?', 'que', 'quelle', 'quel', 'what', 'whether', 'which', 'if', 'si') &&
    !aboutInvoices(s) &&
    !asksBalance(s) &&
    s.period === null
  );
}

/** « je vous confirme la bonne réception de la facture 1288 », "I acknowledge receipt of invoice 1291": nothing to send. */
function acknowledges(c: Clause): boolean {
  const words = c.words().map((w) => w.word);
  return words.some(
    (w, i) =>
      (w === 'reception' && ['bonne', 'accuse', 'accusons'].includes(words[i - 1] ?? '')) ||
      (w === 'receipt' && ['acknowledge', 'confirm', 'confirming', 'acknowledging'].includes(words[i - 1] ?? '')),
  );
}

/** The command the sentence asks for, or null when no rule applies. */
export function commandOf(s: Sentence): Command | null {
  if (s.clause.hasImpossibleDate()) return null;
  return RULES.find((rule) => rule.applies(s))?.command(s) ?? null;
}

function withoutStatus({ status: _status, dueBefore: _due, ...filter }: InvoiceFilter): InvoiceFilter {
  return filter;
}

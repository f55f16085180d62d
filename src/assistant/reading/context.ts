import { byIssueDateDesc, matchesFilter, picked, type InvoiceFilter } from '../../billing/filter.js';
import type { Invoice, IsoDate } from '../../billing/types.js';
import type { Command } from '../command.js';
import { pointsBack } from './recognise/pointers.js';
import { asksZip } from './intents/invoices.js';
import { filterOf, type Sentence } from './sentence.js';

/**
 * The message's context, the first stage of the reading: the invoices a message is about
 * before its own words name any — what the message it answers carried (a mail Facteur sent
 * this customer, a bot message), or what its subject names (« Duplicata facture 1233 »).
 *
 * A sentence that points back at them (« renvoyez-la », "those", « celle-ci », "both", « cette
 * facture », « je l'ai réglée ») or that asks for something of invoices without naming any
 * (« Envoyez-moi aussi le PDF », "as a zip please", « la facture citée en objet ») is about
 * them. What it says narrows them (« celle d'avril », "all except the May one", « la
 * dernière »), its months and quarters read within the days of those invoices, not today's:
 * "the May one" of invoices from 2023 is May 2023's. A sentence that names invoices of its own
 * (a number, or a period none of them falls in: « aussi celle de novembre ») is left as it is,
 * and so is one about anything else than invoices (a setting, the balance, a thank-you).
 */
export function inContext(s: Sentence, about: Invoice[], readAt: (today: IsoDate) => Sentence, command: (s: Sentence) => Command | null): Sentence {
  if (about.length === 0 || s.numbers.length > 0) return s;
  const back = pointsBack(s);
  const intent = command(s)?.intent ?? null;
  // « Merci, pouvez-vous me la renvoyer ? »: a thank-you beside what points back is no thank-you alone;
  // « combien je dois pour celle-ci ? », "how much do I owe on this one?": its amount, not the account's.
  const owedOnThose = intent === 'balance' && back && !s.clause.hasWord(...ACCOUNT_WORDS);
  if (intent !== null && !ABOUT_INVOICES.has(intent) && !(intent === 'smalltalk' && back) && !owedOnThose) return s;
  const named = names(s, back);
  if (back ? !(asksOfInvoices(s) || s.clause.asksPolitely() || s.clause.asks()) : named || !asksOfInvoices(s)) return s;
  const all = about.map((invoice) => invoice.number);
  const latest = about
    .map((invoice) => invoice.issuedAt)
    .sort()
    .at(-1)!;
  // "the May one" of invoices from 2023: its months read as the thread's, not today's.
  const within = named && latest < s.clause.today ? readAt(latest) : s;
  const filter = narrowing(within, back);
  const chosen = new Set(picked(about.filter((invoice) => matchesFilter(invoice, filter)).sort(byIssueDateDesc), filter).map((invoice) => invoice.number));
  if (chosen.size === 0) return named ? s : { ...s, numbers: all };
  // In the order the message gave them.
  return { ...within, numbers: all.filter((number) => chosen.has(number)), period: null, paidIn: false, except: {}, status: {}, rank: null };
}

/** Words of the whole account, with which what is owed is the balance even beside a pointer ("what's my balance now that I paid it?"). */
const ACCOUNT_WORDS = ['compte', 'account', 'solde', 'balance', 'total', 'overall', 'everything', 'tout', 'ardoise'];

/** Commands about invoices, which the context may say which of them they are about; the others (a setting, the balance, help) it leaves alone. */
const ABOUT_INVOICES = new Set<Command['intent']>(['list', 'singleInvoice', 'pdf', 'resend', 'zip', 'files', 'details', 'paidClaim', 'clarify']);

/** What narrows the invoices the context gives: the sentence's own filter, without the status a question or a claim says of them (« celle-ci est-elle réglée ? »). */
function narrowing(s: Sentence, back: boolean): InvoiceFilter {
  const { status: _status, dueBefore: _dueBefore, paid: _paid, ...filter } = filterOf(s);
  return back || paymentSaid(s) ? filter : { ...filter, ...s.status };
}

/**
 * Whether the sentence names invoices of its own: a period (not the day a payment it tells of
 * was made: « payée hier »), a rank, what it leaves out, a status (unless it is what is asked
 * or said of those it points back at), or all the customer's (« toutes mes factures »).
 */
function names(s: Sentence, back: boolean): boolean {
  const c = s.clause;
  if (s.period && !paymentSaid(s)) return true;
  if (s.rank || Object.keys(s.except).length > 0) return true;
  if (s.status.status && !back && !paymentSaid(s)) return true;
  return c.has('all') && c.hasWord('mes', 'my', 'nos', 'our');
}

/** A payment told, not asked about, with no period or a day (« payée hier », "paid on Friday"): that day is when it was made, not which invoice. */
function paymentSaid(s: Sentence): boolean {
  const day = s.period === null || (s.period.range.from !== undefined && s.period.range.from === s.period.range.to);
  return day && s.clause.has('paid') && !s.clause.asks();
}

/** Roles of words that ask something of invoices: to have them, their details, whether they are paid. */
const INVOICE_ROLES = new Set([
  'resend',
  'send',
  'pdf',
  'zip',
  'details',
  'paid',
  'unpaid',
  'overdue',
  'singularInvoice',
  'list',
  'amount',
  'due',
  'file',
  'attachments',
  'pay',
  'all',
]);

function asksOfInvoices(s: Sentence): boolean {
  return s.clause.words().some((w) => INVOICE_ROLES.has(w.role ?? ''));
}

/** Whether a command names what it is about, or is complete in itself (the balance, a setting): not one that only says a form (« en zip », "send them"). */
export function designates(command: Command): boolean {
  switch (command.intent) {
    case 'pdf':
    case 'resend':
      return command.numbers.length > 0;
    case 'list':
    case 'zip':
    case 'files':
    case 'singleInvoice':
      // A rank alone (« la dernière ») is too little to stand beside a message passed on.
      return Object.keys(command.filter).some((key) => key !== 'pick');
    case 'details':
      return command.number !== null || Object.keys(command.filter ?? {}).length > 0;
    case 'smalltalk':
    case 'help':
    case 'offTopic':
    case 'page': // « merci d'y donner suite »: no page to turn.
      return false;
    default:
      return true;
  }
}

/** What a command names: its numbers or its filter, without a rank alone. */
function designationOf(command: Command): InvoiceFilter | null {
  if (!designates(command)) return null;
  if (command.intent === 'pdf' || command.intent === 'resend') return { numbers: command.numbers };
  if (command.intent === 'details') return command.number !== null ? { numbers: [command.number] } : (command.filter ?? null);
  if (command.intent === 'list' || command.intent === 'zip' || command.intent === 'files' || command.intent === 'singleInvoice') return command.filter;
  return null;
}

/**
 * A sentence that points back within the message at invoices an earlier one named (« Mon
 * expert-comptable me demande toutes les factures payées en 2024. Pouvez-vous me les envoyer
 * ? », "the tax office wants all our invoices for fiscal 2023. Please send them over."), and
 * names none itself, is about those: their files, or their ZIP or list when it says so.
 */
export function withEarlier<T extends { sentence: Sentence; command: Command | null }>(sentences: T[]): T[] {
  let named: InvoiceFilter | null = null;
  return sentences.map((read) => {
    const { sentence, command } = read;
    const own = command ? designationOf(command) : null;
    if (own) {
      named = own;
      return read;
    }
    if (
      !named ||
      (command && designates(command)) ||
      !pointsBack(sentence) ||
      !(asksOfInvoices(sentence) || sentence.clause.asksPolitely() || sentence.clause.asks())
    )
      return read;
    return { ...read, command: inForm(sentence, named) };
  });
}

/** Invoices named before, in the form the sentence asks: a ZIP, a list, the details of one, or their files. */
function inForm(s: Sentence, filter: InvoiceFilter): Command {
  if (asksZip(s)) return { intent: 'zip', filter };
  if (s.clause.has('details') && filter.numbers?.length === 1) return { intent: 'details', number: filter.numbers[0]! };
  if (s.clause.has('list') && !s.clause.words().some((w) => w.role === 'send' || w.role === 'resend' || w.role === 'pdf')) return { intent: 'list', filter };
  // Numbers alone: their PDFs, as when named (one that is not the customer's is said unknown).
  const { numbers, ...rest } = filter;
  return numbers && Object.keys(rest).length === 0 ? { intent: 'pdf', numbers } : { intent: 'files', filter };
}

import type { InvoiceFilter, ListPosition } from '../billing/filter.js';
import type { IsoDate, Locale } from '../billing/types.js';
import { isYear, lastMonths, readPeriod, type Range } from './periods.js';
import { tokenize, type Token } from './tokens.js';
import { COUNT_WORDS, ORDINAL_WORDS, type Role } from './words.js';

/** What a customer can ask for, whatever the channel and the language. */
export type Command =
  | { intent: 'help' }
  | { intent: 'list'; filter: InvoiceFilter }
  /** One invoice by its period or rank ("la facture d'octobre", "my latest bill"): its PDF when one matches, the list otherwise. */
  | { intent: 'one'; filter: InvoiceFilter }
  /** `from`: the list and page shown where the customer pressed, when the channel kept them (a button); else the conversation's last list. */
  | { intent: 'page'; step: 1 | -1; from?: ListPosition }
  | { intent: 'pdf'; numbers: string[] }
  /** Staff asking for an invoice to go to its customer again; from a customer, it means the PDF. */
  | { intent: 'resend'; numbers: string[] }
  | { intent: 'details'; number: string | null }
  | { intent: 'zip'; filter: InvoiceFilter }
  /**
   * What is owed: the unpaid invoices and their total, with the account statement as a PDF
   * (`statement: false` when the customer said not to send it). `paid` adds to the statement
   * the invoices paid in that period ("relevé 2026").
   */
  | { intent: 'balance'; paid?: Range; statement?: false }
  | { intent: 'notifications' }
  | { intent: 'attachments'; on: boolean }
  | { intent: 'chat'; on: boolean }
  /** « j'ai déjà payé la facture 1266 »: the customer says these invoices are paid. */
  | { intent: 'paidClaim'; numbers: string[] }
  /** Payment reminders off or on: « rappels non », "stop the reminders". */
  | { intent: 'reminders'; on: boolean }
  | { intent: 'address'; address: string }
  /** Invoice contacts: « notifications ajouter compta@… », « retirer … », « … peut demander » (or « ne peut plus »). */
  | { intent: 'contactAdd'; address: string }
  | { intent: 'contactRemove'; address: string }
  | { intent: 'contactMayAsk'; address: string; on: boolean }
  | { intent: 'confirm'; code: string | null }
  | { intent: 'smalltalk'; kind: 'hello' | 'thanks' | 'bye' | 'ok' }
  /** A question about hosting, DNS, prices…: who can answer it. */
  | { intent: 'offTopic' }
  /** Two readings are plausible: the customer is asked which one, by its number. */
  | { intent: 'clarify'; options: Command[] }
  /** The number of one of the choices offered by `clarify`. */
  | { intent: 'choose'; index: number };

export interface Parsed {
  command: Command | null;
  /** The language the text is written in, when its words say so. */
  locale: Locale | null;
}

/** Invoice numbers a range (`1210 à 1220`) may stand for at most: past that it is no range of one customer's invoices. */
const MAX_RANGE = 50;

/**
 * The rules of the command language, tried in order; the first that applies wins. Order
 * matters where a sentence carries several keywords: a code is a code, a sentence about
 * where invoices go is a setting, "all my 2019 invoices as a zip" is a ZIP, "la facture 1210
 * est-elle payée ?" is its details, "la facture 1210" its PDF.
 */
const RULES: { applies(s: Sentence): boolean; command(s: Sentence): Command }[] = [
  { applies: (s) => s.has('confirm') || (s.has('code') && s.code() !== null), command: (s) => ({ intent: 'confirm', code: s.code() }) },
  { applies: (s) => s.aboutContact() !== null, command: (s) => s.aboutContact()! },
  { applies: (s) => s.changesAddress(), command: (s) => ({ intent: 'address', address: s.emails().at(-1)! }) },
  { applies: (s) => s.offTopic(), command: () => ({ intent: 'offTopic' }) },
  { applies: (s) => s.asksWhere(), command: () => ({ intent: 'notifications' }) },
  { applies: (s) => s.asksZip(), command: (s) => ({ intent: 'zip', filter: s.filter() }) },
  { applies: (s) => s.has('chat') && !s.namesStatement() && (s.toggleCue() || s.has('send') || s.has('want')), command: (s) => (s.settles() ? { intent: 'chat', on: s.toggle('chat') } : { intent: 'notifications' }) },
  { applies: (s) => s.has('reminders') && !s.namesStatement() && (s.toggleCue() || s.has('want') || s.has('send') || s.asksPolitely()), command: (s) => (s.settles() ? { intent: 'reminders', on: s.toggle('reminders') } : { intent: 'notifications' }) },
  { applies: (s) => s.aboutAttachments(), command: (s) => (s.settles() ? { intent: 'attachments', on: s.toggle('attachments') } : { intent: 'notifications' }) },
  // "je ne reçois plus rien sur contact@…": a complaint about where mail goes, answered with where it goes.
  { applies: (s) => s.has('notifications') || (s.has('chat') && !s.hasRequest()) || (s.emails().length > 0 && !s.hasRequest()), command: () => ({ intent: 'notifications' }) },
  { applies: (s) => s.asksBalance() || s.asksStatement(), command: (s) => s.balance() },
  { applies: (s) => s.claimsPaid(), command: (s) => ({ intent: 'paidClaim', numbers: s.numbers() }) },
  { applies: (s) => s.asksDetails(), command: (s) => ({ intent: 'details', number: s.numbers()[0] ?? null }) },
  { applies: (s) => s.turnsPage(1), command: () => ({ intent: 'page', step: 1 }) },
  { applies: (s) => s.turnsPage(-1), command: () => ({ intent: 'page', step: -1 }) },
  { applies: (s) => s.has('resend') && s.numbers().length > 0, command: (s) => ({ intent: 'resend', numbers: s.numbers() }) },
  { applies: (s) => s.numbers().length > 0, command: (s) => ({ intent: 'pdf', numbers: s.numbers() }) },
  { applies: (s) => s.yearOrNumber() !== null, command: (s) => s.yearOrNumber()! },
  { applies: (s) => s.asksOne(), command: (s) => ({ intent: 'one', filter: s.filter() }) },
  { applies: (s) => s.has('list') || s.has('one') || s.has('pdf') || s.hasFilter(), command: (s) => ({ intent: 'list', filter: s.filter() }) },
  { applies: (s) => s.asksHelp(), command: () => ({ intent: 'help' }) },
  { applies: (s) => s.choice() !== null, command: (s) => ({ intent: 'choose', index: s.choice()! }) },
  { applies: (s) => s.smallTalk() !== null, command: (s) => ({ intent: 'smalltalk', kind: s.smallTalk()! }) },
]

/** Parses a customer's sentence; `today` (YYYY-MM-DD, in PUSH_TIMEZONE) places the periods counted from it. */
export function parse(text: string, today: IsoDate): Parsed {
  const sentence = new Sentence(tokenize(text, today), today, /[àâçéèêëîïôûùœ]/i.test(text));
  const rule = sentence.hasImpossibleDate() ? undefined : RULES.find((r) => r.applies(sentence));
  return { command: rule ? rule.command(sentence) : null, locale: sentence.locale() };
}

/** How a sentence was read, for `facteur explain` and for bug reports: its tokens, its period, its command. */
export function explain(text: string, today: IsoDate): { tokens: Token[]; period: Range | null; parsed: Parsed } {
  const tokens = tokenize(text, today);
  return { tokens, period: readPeriod(tokens, today)?.range ?? null, parsed: parse(text, today) };
}

type Word = Extract<Token, { kind: 'word' }>;
type NumberToken = Extract<Token, { kind: 'number' }>;

/** Words of invoices: with them, a sentence is about invoices, whatever else it names. */
const INVOICE_ROLES: Role[] = ['list', 'one', 'pdf', 'zip', 'paid', 'unpaid', 'overdue', 'details', 'resend', 'attachments', 'notifications', 'statement', 'reminders'];
/** Words that turn a setting off; a negation (`ne … plus`, `pas`, `not`, `anymore`) turns it around once. */
const OFF_ROLES: Role[] = ['off', 'stop', 'without'];
const NEGATION_ROLES: Role[] = ['negation', 'more'];
/** Words that make a question a request ("pouvez-vous …", "could you …"). */
/** Words that make a payment the speaker's own, done: « j'ai (déjà) payé », "I have paid", « paiement effectué ». */
const PAID_BY_ME = ['ai', 'deja', 'avons', 'already', 'have', 'i', 'we', 'effectue', 'fait', 'made', 'sent', 'envoye', 'done'];

const POLITE_REQUEST = ['pouvez-vous', 'pourriez-vous', 'pouvez', 'pourriez', 'peux-tu', 'pourrais-tu', 'possible', 'svp', 'stp', 'can', 'could', 'would', 'please'];

/** Words that name the account statement with `compte`: « état de compte », « situation de mon compte », « extrait de compte ». */
const ACCOUNT_SUMMARY = ['etat', 'situation', 'extrait'];
/** A negation before these is a complaint that the statement did not come (« je n'ai pas reçu mon relevé »), which asks for it. */
const NOT_RECEIVED = ['recu', 'recue', 'recus', 'eu', 'obtenu', 'envoye', 'envoyee', 'arrive', 'received', 'sent', 'got', 'gotten', 'had'];

class Sentence {
  private readonly period: ReturnType<typeof readPeriod>;

  constructor(
    private readonly tokens: Token[],
    private readonly today: IsoDate,
    /** French accents are a vote for French: `détails` is spelt `details` in English. */
    private readonly accented: boolean,
  ) {
    this.period = readPeriod(tokens, today);
  }

  has(role: Role): boolean {
    return this.tokens.some((t) => t.kind === 'word' && t.role === role);
  }

  private hasWord(...words: string[]): boolean {
    return this.tokens.some((t) => t.kind === 'word' && words.includes(t.word));
  }

  private words(): Word[] {
    return this.tokens.filter((t): t is Word => t.kind === 'word');
  }

  hasImpossibleDate(): boolean {
    return this.tokens.some((t) => t.kind === 'impossibleDate');
  }

  hasPeriod(): boolean {
    return this.period !== null;
  }

  emails(): string[] {
    return this.tokens.flatMap((t) => (t.kind === 'email' ? [t.value] : []));
  }

  /** Whether the sentence asks something: a question word or mark. */
  asks(): boolean {
    if (this.hasWord('?')) return true;
    // Without a question mark, a question word asks only at the start: "quand", "when" further on join two clauses ("prévenez-moi quand une facture sort").
    // "je voudrais savoir où…", "tell me when…" ask all the same.
    const first = this.words().find((w) => w.role !== 'filler' && w.role !== 'hello');
    return first?.role === 'question' || (this.has('question') && this.hasWord('savoir', 'sais', 'dites', 'dire', 'know', 'tell', 'wonder', 'wondering'));
  }

  private aboutInvoices(): boolean {
    return INVOICE_ROLES.some((role) => this.has(role)) || this.numbers().length > 0;
  }

  /** The six-digit code the sentence gives. */
  code(): string | null {
    return this.tokens.find((t): t is NumberToken => t.kind === 'number' && /^\d{6}$/.test(t.value))?.value ?? null;
  }

  /**
   * An address for new invoices: the last one named ("pas à ancien@…, mais à nouveau@…").
   * One address in a sentence that says it does not arrive ("je ne reçois plus rien sur
   * contact@…") is a complaint about mail, not a change.
   */
  changesAddress(): boolean {
    const emails = this.emails();
    if (emails.length === 0) return false;
    if (emails.length > 1) return true;
    // "je ne veux plus recevoir sur gmail, mettez plutôt …": the address named instead is the change.
    if (this.hasWord('plutot', 'instead', 'desormais', 'dorenavant', 'maintenant', 'now')) return true;
    return !(this.has('negation') && this.has('send') && !this.has('new') && !this.aboutInvoices());
  }

  /**
   * A sentence about one invoice contact: allowing it to ask (« compta@… peut demander »,
   * "let x@… ask for invoices", « ne peut plus demander »), removing it (« retirer … », « ne
   * mettez plus … en copie »), or adding it (« ajoutez … », « mettez … en copie »). The modal
   * ("can", « peut ») counts only after the address, so that "can I ask for my invoices at
   * x@…?" stays a change of address.
   */
  aboutContact(): Command | null {
    const emails = this.emails();
    if (emails.length !== 1) return null;
    const address = emails[0]!;
    const at = this.tokens.findIndex((t) => t.kind === 'email');
    // "x@… may ask": after an address, "may" is the modal, not the month the tokens took it for.
    const modal = this.tokens.slice(at + 1).some((t) => (t.kind === 'word' && ['peut', 'peuvent', 'puisse', 'pourra', 'can', 'ca', 'cannot'].includes(t.word)) || (t.kind === 'month' && t.month === 5 && t.locale === 'en'));
    const asking = this.hasWord('demander', 'demande', 'demandent', 'ask', 'request');
    const allowed = this.has('allow') || this.hasWord('let') || modal;
    const negated = this.has('negation') || this.has('more') || this.hasWord('cannot', 'interdire', 'interdisez', 'forbid');
    if (asking && allowed) return { intent: 'contactMayAsk', address, on: !negated };
    if (this.hasWord('retirer', 'retirez', 'retire', 'enlever', 'enlevez', 'enleve', 'supprimer', 'supprimez', 'supprime', 'remove', 'delete')) return { intent: 'contactRemove', address };
    if (this.has('contact') && negated) return { intent: 'contactRemove', address };
    return this.has('add') || this.has('contact') ? { intent: 'contactAdd', address } : null;
  }

  /** Where do new invoices go, by mail or on Discord: a question about the notification settings. */
  asksWhere(): boolean {
    if (!this.asks() || this.numbers().length > 0 || this.emails().length > 0 || this.period) return false;
    if (this.has('address') && this.has('chat')) return true;
    // "À quelle adresse…", "which email gets…", "sur quel mail": a question about the address or Discord.
    const which = this.hasWord('ou', 'where', 'quel', 'quelle', 'quels', 'which', 'what', 'how', 'comment');
    if (which && (this.has('address') || this.has('chat')) && (this.has('send') || this.has('list') || this.has('one') || this.hasWord('arrivent', 'gets'))) return true;
    // "où sont envoyées les nouvelles factures ?", "how am I notified…": where invoices go.
    // "je veux être prévenu sur Discord quand…" is a wish, not a question.
    const notified = this.hasWord('notified', 'notifie', 'notifiee', 'prevenu', 'prevenue') && !this.has('want');
    const arrive = this.has('send') || this.hasWord('arrivent', 'arrive', 'vont', 'go', 'goes', 'land');
    return notified || (this.hasWord('ou', 'where') && arrive && (this.has('new') || this.has('list') || this.has('one')));
  }

  /** A ZIP asked, not refused ("je ne veux pas de zip, juste la liste"). */
  asksZip(): boolean {
    const zip = this.tokens.findIndex((t) => t.kind === 'word' && t.role === 'zip');
    if (zip >= 0) return !this.negatedAt(zip);
    return this.oneFile();
  }

  /** "en un seul fichier", "in one file": a ZIP. */
  oneFile(): boolean {
    return this.tokens.some((t, i) => t.kind === 'word' && t.role === 'file' && [this.tokens[i - 1], this.tokens[i - 2]].some((b) => b?.kind === 'word' && ['un', 'one', 'seul', 'single', 'meme', 'same'].includes(b.word)));
  }

  /**
   * Invoice numbers: marked ones (`#1210`, `n° 1210`) always, bare ones unless they are part
   * of a period (a year, a day) or a count (`les 3 dernières`), ranges (`1210 à 1214`,
   * `1210-1214`) spelt out. A number said not to be the one ("pas la 1230, la 1231") is left out.
   */
  numbers(): string[] {
    const used = this.period?.used ?? new Set<number>();
    const numbers: string[] = [];
    const refused: string[] = [];
    for (let i = 0; i < this.tokens.length; i++) {
      const t = this.tokens[i]!;
      if (t.kind !== 'number' || used.has(i) || this.isCount(i)) continue;
      // Past 12 digits a bare number is a phone's or an account's; one with letters is an invoice's up to 40 characters.
      if (!t.marked && (t.value.length < 3 || (t.value.length > 12 && /^\d+$/.test(t.value)))) continue;
      const range = this.rangeFrom(i);
      if (range) {
        numbers.push(...range.numbers);
        i = range.end;
      } else if (this.negatedNumber(i)) refused.push(t.value);
      else numbers.push(t.value);
    }
    return [...new Set(numbers.length > 0 ? numbers : refused)];
  }

  /** `pas la 1230`, `not 1230`, `pas la facture n° 1230`: a number right after a negation, articles and the word "facture" between. */
  private negatedNumber(i: number): boolean {
    for (let j = i - 1; j >= Math.max(0, i - 5); j--) {
      const t = this.tokens[j]!;
      if (t.kind !== 'word') return false;
      if (t.word === 'pas' || t.word === 'not' || t.word === 'non') return true;
      if (!(['la', 'le', 'l', 'the', 'n', 'no'].includes(t.word) || t.role === 'one' || t.role === 'numberMark')) return false;
    }
    return false;
  }

  /** `1210 à 1214`, `1210-1214`, `du numéro 1210 au numéro 1214`, `1210 jusqu'à 1214`: the numbers between, when there are few. */
  private rangeFrom(i: number): { numbers: string[]; end: number } | undefined {
    const start = this.tokens[i] as NumberToken;
    let j = i + 1;
    let linked = false;
    while (j < this.tokens.length && j <= i + 4) {
      const t = this.tokens[j]!;
      if (t.kind === 'dash' || (t.kind === 'word' && (t.role === 'to' || t.word === 'a'))) linked = true;
      else if (!(t.kind === 'word' && (t.role === 'numberMark' || t.word === 'la' || t.word === 'le' || t.word === 'l' || t.word === 'facture'))) break;
      j++;
    }
    const end = this.tokens[j];
    if (!linked || end?.kind !== 'number' || !/^\d+$/.test(start.value) || !/^\d+$/.test(end.value)) return undefined;
    const [a, b] = [Number(start.value), Number(end.value)];
    if (!(b > a && b - a <= MAX_RANGE)) return undefined;
    return { numbers: Array.from({ length: b - a + 1 }, (_, k) => String(a + k).padStart(start.value.length, '0')), end: j };
  }

  /** A small number counting invoices (`mes 3 dernières factures`, `my 3 oldest`), not naming one. */
  private isCount(i: number): boolean {
    const t = this.tokens[i] as NumberToken;
    if (t.marked || t.value.length > 2) return false;
    const near = [this.tokens[i - 1], this.tokens[i + 1], this.tokens[i + 2]];
    return near.some((n) => n?.kind === 'word' && ['last', 'first', 'oldest', 'list'].includes(n.role ?? ''));
  }

  /**
   * A lone year after "facture" (`la facture 2019`): invoice n° 2019, or the invoice of
   * 2019? Both are plausible; the choice is left to what the customer's invoices say.
   */
  yearOrNumber(): Command | null {
    if (!this.has('one') || this.has('list') || this.numbers().length > 0 || !this.period || this.rank() || this.plural()) return null;
    const years = this.tokens.flatMap((t, i) => (t.kind === 'number' && !t.marked && isYear(t.value) && this.period!.used.has(i) ? [i] : []));
    if (years.length !== 1 || this.tokens.some((t) => t.kind === 'month' || t.kind === 'date')) return null;
    // Right after the word ("facture 2019"); "la facture de 2019" says a year.
    const before = this.tokens[years[0]! - 1];
    if (before?.kind !== 'word' || before.role !== 'one') return null;
    const number = (this.tokens[years[0]!] as NumberToken).value;
    return { intent: 'clarify', options: [{ intent: 'pdf', numbers: [number] }, { intent: 'one', filter: this.filter() }] };
  }

  /** "les", "mes", "des", "all", "every" before a singular word still asks for several. */
  private plural(): boolean {
    return this.has('all') || this.hasWord('les', 'mes', 'des', 'vos', 'nos', 'ces');
  }

  /**
   * Which way a setting goes: on, unless the words up to just after the setting's own word
   * say otherwise. Each off word (`désactiver`, `stop`, `sans`) turns it around, and so does
   * a negation, once however many words it takes (`ne … plus`, `don't … anymore`):
   * "ne désactivez pas le PDF" is on, "je ne veux plus les PDF" off, and "pas seulement un
   * lien" after the setting says nothing about it.
   */
  toggle(about: 'attachments' | 'chat' | 'reminders'): boolean {
    const isNegation = (t: Token | undefined) => t?.kind === 'word' && (NEGATION_ROLES.includes(t.role ?? 'filler') || t.word === 'n');
    // An off word decides, unless a negation stands just before it ("ne désactivez pas", "don't stop", "je ne veux pas que vous retiriez").
    const offs = this.tokens.flatMap((t, i) => (t.kind === 'word' && OFF_ROLES.includes(t.role ?? 'filler') ? [!this.negatedAt(i)] : []));
    if (offs.length > 0) return !offs.at(-1)!;
    const key = this.tokens.findIndex((t) => t.kind === 'word' && (t.role === about || (about === 'attachments' && t.role === 'pdf')));
    const scope = this.tokens.slice(0, key < 0 ? this.tokens.length : key + 3);
    return !scope.some(isNegation);
  }

  /** A negation within the few words before token `i`: `pas`, `ne`, `not`, `never` up to four back, the `n'` of `n'ai` two. */
  private negatedAt(i: number): boolean {
    return this.tokens.slice(Math.max(0, i - 4), i).some((t, k, scope) => t.kind === 'word' && (t.role === 'negation' || (t.word === 'n' && k >= scope.length - 2)));
  }

  /** A negation right before token `i`, with at most a filler between: "pas la dernière", "not the latest", "pas encore échues". */
  private negatedRightBefore(i: number): boolean {
    for (let j = i - 1; j >= 0 && j >= i - 2; j--) {
      const t = this.tokens[j]!;
      if (t.kind !== 'word') return false;
      if (t.role === 'negation') return true;
      if (t.role !== 'filler') return false;
    }
    return false;
  }

  /**
   * The customer says invoices are paid: a payment word with numbers, said of themselves and
   * not asked (« j'ai déjà payé la 1266 », "I already paid 1266", « paiement effectué pour la
   * facture 1266 »); « la facture 1266 est-elle payée ? » asks its details instead.
   */
  claimsPaid(): boolean {
    // « je n'ai pas encore payé la 1266 », "I haven't paid 1266": the opposite.
    const negated = this.words().some((w) => NEGATION_ROLES.includes(w.role ?? 'filler') || w.word === 'n' || w.word === 'haven' || w.word === 'didn' || w.word === 't');
    // « j'ai payé 75 000 FCFA, envoyez-moi la facture 1238 »: the payment is the reason for a request, which wins.
    if (this.numbers().length === 0 || this.asks() || negated || this.has('send')) return false;
    const paid = this.has('paid') || this.hasWord('paiement', 'payment', 'virement', 'transfer');
    return paid && this.hasWord(...PAID_BY_ME);
  }

  /** « pouvez-vous … », « svp », "please": a request, even with no verb the grammar knows. */
  asksPolitely(): boolean {
    return this.hasWord(...POLITE_REQUEST);
  }

  /** Words that say which way a setting goes. */
  toggleCue(): boolean {
    return this.words().some((w) => [...OFF_ROLES, ...NEGATION_ROLES, 'with', 'on'].includes(w.role ?? 'filler'));
  }

  /** A sentence that sets something rather than only naming it ("notifications pièces-jointes" shows the tab). */
  settles(): boolean {
    // A question changes something only when it asks for it ("pouvez-vous remettre le PDF ?");
    // "pourquoi le PDF n'est plus joint ?", "les pièces jointes sont-elles activées ?" ask where things stand.
    if (this.asks() && !this.hasWord(...POLITE_REQUEST) && !this.words().some((w) => [...OFF_ROLES, 'resend', 'want'].includes(w.role ?? 'filler'))) return false;
    return this.words().some((w) => w.role !== null && !['notifications', 'attachments', 'pdf', 'filler'].includes(w.role)) || this.words().some((w) => w.role === null);
  }

  /** About the PDF that new invoices carry: attachment words, or `PDF` with no invoice, period or rank named, said as a setting. */
  aboutAttachments(): boolean {
    // "le relevé en PDF, sans les factures payées": about the statement, not the PDF of new invoices.
    if (this.namesStatement()) return false;
    if (this.asks() && !this.has('attachments') && !this.inMails()) return false;
    if (this.has('attachments')) return this.numbers().length === 0;
    if (!this.has('pdf') || this.numbers().length > 0 || this.period || this.rank()) return false;
    return this.words().some((w) => [...OFF_ROLES, ...NEGATION_ROLES, 'with', 'new', 'on'].includes(w.role ?? 'filler')) || this.inMails();
  }

  /** "le PDF dans les mails", "the PDF in my emails": where the PDF goes, not which one is wanted ("par mail" is how to send one). */
  private inMails(): boolean {
    const words = this.words().filter((w) => !['les', 'mes', 'vos', 'the', 'my', 'your'].includes(w.word));
    return words.some((w, i) => w.role === 'address' && ['dans', 'avec', 'in', 'with', 'inside'].includes(words[i - 1]?.word ?? '')) && this.emails().length === 0;
  }

  /** A request for invoices in the sentence, beside whatever else it says. */
  hasRequest(): boolean {
    return this.has('list') || this.has('one') || this.has('pdf') || this.numbers().length > 0 || this.hasPeriod() || this.asksStatement();
  }

  /** A question for the support team: a site down, DNS, prices… with no invoice in it (a number there is an error's or a price's). */
  offTopic(): boolean {
    if (INVOICE_ROLES.some((role) => this.has(role))) return false;
    // "mon site est coupé, combien je dois ?": what is owed, whatever else is said.
    if (this.has('owe') || this.has('must') || (this.hasWord('combien', 'much') && this.has('pay'))) return false;
    // "combien coûte un certificat SSL ?", "how much is an SSL certificate": a price, not a balance.
    const price = this.hasWord('combien', 'much') && this.hasWord('coute', 'coutent', 'cost', 'costs', 'prix', 'price', 'is') && this.numbers().length === 0;
    return this.has('offTopic') || price;
  }

  /** What is owed: "mon solde", "how much do I owe", "il me reste combien à payer", "je dois encore quelque chose ?". */
  asksBalance(): boolean {
    if (this.numbers().length > 0) return false;
    if (this.has('owe')) return true;
    const howMuch = this.hasWord('combien', 'much');
    if (howMuch && (this.has('pay') || this.has('must') || this.has('amount') || this.has('due'))) return true;
    if (this.has('amount') && (this.has('due') || this.has('must'))) return true;
    // "pas besoin du relevé, juste le total": the total of the account, without its statement.
    if (this.has('amount') && this.namesStatement()) return true;
    // "the total outstanding amount on my account": one figure, not the list.
    if (this.has('amount') && this.has('unpaid') && !this.has('list') && !this.has('one')) return true;
    if (this.has('must') && this.has('pay') && !this.has('list')) return true;
    // "je dois encore quelque chose ?", "je n'ai plus rien à payer ?": owing, with no invoice named.
    const listed = this.has('list') || this.has('one') || this.hasPeriod();
    return !listed && ((this.has('must') && this.hasWord('encore', 'quelque', 'rien', 'anything', 'still')) || (this.has('pay') && this.hasWord('rien', 'anything', 'nothing')));
  }

  /** Where the sentence names the account statement: `relevé`, `statement`, or the `compte` of « état de compte »; -1 when it does not. */
  private statementAt(): number {
    return this.tokens.findIndex((t, i) => {
      if (t.kind !== 'word') return false;
      if (t.role === 'statement') return true;
      if (t.word !== 'compte') return false;
      for (let j = i - 1; j >= Math.max(0, i - 3); j--) {
        const before = this.tokens[j]!;
        if (before.kind !== 'word') return false;
        if (ACCOUNT_SUMMARY.includes(before.word)) return true;
        if (!['de', 'du', 'd', 'mon', 'notre', 'votre'].includes(before.word)) return false;
      }
      return false;
    });
  }

  namesStatement(): boolean {
    return this.statementAt() >= 0;
  }

  /**
   * The account statement asked for, not refused: « relevé », "send me my statement",
   * « état de compte ». « Le relevé de toutes les factures émises en 2025 » asks for those
   * invoices, which is the list.
   */
  asksStatement(): boolean {
    const at = this.statementAt();
    if (at < 0 || this.refusedAt(at) || this.numbers().length > 0) return false;
    return !(this.has('all') && this.has('list'));
  }

  /**
   * What is owed, and the statement with it. The paid invoices it lists are asked with the
   * statement: those paid in the period named (« relevé 2026 », « relevé des 6 derniers mois »),
   * the last twelve months' when paid ones are asked with no period (« relevé avec les factures
   * payées »); none when they are refused (« sans les factures payées ») or only the unpaid
   * are named (« relevé des impayés de 2025 »).
   */
  balance(): Command {
    const statement = this.statementAt();
    if (statement >= 0 && this.refusedAt(statement)) return { intent: 'balance', statement: false };
    if (!this.asksStatement()) return { intent: 'balance' };
    const paidWord = this.tokens.findIndex((t) => t.kind === 'word' && t.role === 'paid');
    if (paidWord >= 0 ? this.refusedAt(paidWord) : this.has('unpaid') || this.has('overdue')) return { intent: 'balance' };
    const range = this.period?.range;
    if (range && (range.from || range.to)) return { intent: 'balance', paid: range };
    return paidWord >= 0 ? { intent: 'balance', paid: lastMonths(12, this.today) } : { intent: 'balance' };
  }

  /**
   * Token `i` refused: `sans`, `without` or a negation in the few words before it, unless
   * the negation says it did not come (« je n'ai pas reçu mon relevé », "you haven't sent my
   * statement"), which asks for it.
   */
  private refusedAt(i: number): boolean {
    const before = this.tokens.slice(Math.max(0, i - 4), i);
    if (before.some((t) => t.kind === 'word' && t.role === 'without')) return true;
    return this.negatedAt(i) && !before.some((t) => t.kind === 'word' && NOT_RECEIVED.includes(t.corrected ?? t.word));
  }

  /** A question about one invoice: what is on it, its amount, whether it is paid, when it is due. */
  asksDetails(): boolean {
    if (this.has('details')) return true;
    if (this.numbers().length !== 1) return false;
    if (this.has('amount') || this.has('due') || this.hasWord('combien', 'much')) return true;
    const status = this.has('paid') || this.has('unpaid') || this.has('cancelled') || this.has('overdue');
    // "j'ai envoyé l'argent, la facture 1218 est-elle réglée ?": a question about its status, whatever was sent.
    if (this.asks() && status && !this.has('resend') && !this.has('pdf') && !this.has('want')) return true;
    if (this.has('send') && !this.has('negation')) return false;
    // "est ce que la 1245 a été réglée", "la 1279 n'a pas été annulée ?": its status.
    if (!this.has('resend') && !this.has('pdf') && (this.has('paid') || this.has('unpaid') || this.has('cancelled') || this.has('overdue'))) return true;
    return this.asks() && !this.has('resend') && !this.has('pdf');
  }

  /** "suivant", "la suite", "more", "revenir en arrière": the next or previous page of the last list. */
  turnsPage(step: 1 | -1): boolean {
    if (this.numbers().length > 0 || this.hasPeriod() || this.status().status) return false;
    if (step === -1) return this.has('previous') || (this.hasWord('page') && this.hasWord('avant'));
    if (this.has('next')) return true;
    // "show me more"
    const content = this.words().filter((w) => w.role !== 'filler' && w.role !== 'send');
    return content.length > 0 && content.every((w) => w.word === 'more');
  }

  /** One invoice, by its period or rank, asked with a singular word. */
  asksOne(): boolean {
    const rank = this.rank();
    if (rank && rank.take > 1) return false;
    if (rank && rank.take === 1) return true;
    const pronoun = this.singularPronoun();
    if (!this.has('one') && !this.has('pdf') && !pronoun) return false;
    // "pas besoin de toutes les factures, juste celle de juillet": the one, whatever was said of the others.
    const narrowed = pronoun && this.hasWord('juste', 'seulement', 'uniquement', 'only', 'just');
    if ((this.has('list') || this.plural()) && !narrowed) return false;
    return this.period !== null || rank !== null;
  }

  /** "celle de juillet", "the September one", "the one from August": one invoice, named by a pronoun. */
  private singularPronoun(): boolean {
    if (this.hasWord('celle', 'celui')) return true;
    return this.tokens.some((t, i) => {
      const before = this.tokens[i - 1];
      return t.kind === 'word' && t.word === 'one' && (before?.kind === 'month' || (before?.kind === 'word' && ['the', 'that', 'this'].includes(before.word)));
    });
  }

  hasFilter(): boolean {
    return Object.keys(this.filter()).length > 0;
  }

  filter(): InvoiceFilter {
    const filter: InvoiceFilter = {};
    const numbers = this.numbers();
    if (numbers.length > 0) filter.numbers = numbers;
    Object.assign(filter, this.status());
    if (this.period) Object.assign(filter, this.period.range);
    const rank = this.rank();
    if (rank) filter.pick = rank;
    return filter;
  }

  /**
   * The status asked, negation read in its scope: "payées" after `pas`, `non`, `not`,
   * `never`, `ne … pas` (within the three words before) is unpaid, and so is what is
   * left "à payer" / "to pay"; "en retard", "overdue" is unpaid and past its due date.
   * "payées et impayées" names no status.
   */
  private status(): Pick<InvoiceFilter, 'status' | 'dueBefore'> {
    const tokens = this.tokens;
    const negatedAt = (i: number) => tokens.slice(Math.max(0, i - 4), i).some((t) => t.kind === 'word' && (t.role === 'negation' || t.word === 'n' || t.word === 'yet'));
    let overdue = false;
    let unpaid = false;
    let paid = false;
    let cancelled = false;
    tokens.forEach((t, i) => {
      if (t.kind !== 'word') return;
      const next = tokens[i + 1];
      if (t.role === 'overdue' || (t.word === 'past' && next?.kind === 'word' && next.word === 'due')) {
        // "impayées qui ne sont pas encore échues", "not overdue yet": unpaid, and no more.
        if (this.negatedRightBefore(i)) unpaid = true;
        else overdue = true;
      }
      else if (t.role === 'unpaid') unpaid = true;
      else if (t.role === 'paid') {
        if (negatedAt(i)) unpaid = true;
        else paid = true;
      } else if (t.role === 'pay' && tokens.slice(Math.max(0, i - 3), i).some((b) => b.kind === 'word' && (b.word === 'a' || b.word === 'to' || b.role === 'must'))) unpaid = true;
      else if (t.role === 'cancelled' && !negatedAt(i)) cancelled = true;
    });
    if (overdue) return { status: 'unpaid', dueBefore: this.today };
    // "pas les factures déjà payées, celles que je dois encore régler": the unpaid, said both ways.
    if (unpaid && paid) return this.has('negation') ? { status: 'unpaid' } : {};
    if (unpaid) return { status: 'unpaid' };
    if (paid) return { status: 'paid' };
    return cancelled ? { status: 'cancelled' } : {};
  }

  /**
   * A rank: the latest, the N latest, the one before the latest (`l'avant-dernière`,
   * `second to last`, `l'avant-avant-dernière`), the Nth most recent, the first or Nth of a
   * period, the oldest. A `dernier` that belongs to a period ("le mois dernier", "décembre
   * dernier") is the period's.
   */
  private rank(): InvoiceFilter['pick'] | null {
    const tokens = this.tokens;
    const used = this.period?.used ?? new Set<number>();
    const countNear = (i: number): number | undefined => {
      for (const j of [i - 1, i - 2, i + 1]) {
        const t = tokens[j];
        if (t?.kind === 'number' && !t.marked && t.value.length <= 2 && !used.has(j)) return Number(t.value);
        if (t?.kind === 'word' && t.role === 'count') return COUNT_WORDS[t.word];
      }
      return undefined;
    };
    const ordinalBefore = (i: number): number | undefined => {
      for (const j of [i - 1, i - 2, i - 3]) {
        const t = tokens[j];
        if (t?.kind === 'ordinal' && !used.has(j)) return t.value;
        if (t?.kind === 'word' && (t.role === 'ordinal' || t.role === 'first') && !used.has(j)) return ORDINAL_WORDS[t.word];
      }
      return undefined;
    };
    for (let i = 0; i < tokens.length; i++) {
      const t = tokens[i]!;
      if (t.kind !== 'word' || used.has(i)) continue;
      const next = tokens[i + 1];
      if (t.role === 'penultimate') return { from: 'newest', skip: 1 + this.avantsBefore(i), take: 1 };
      if (t.role === 'last' && !(t.word === 'past' && next?.kind === 'word' && next.word === 'due')) {
        // "pas la dernière, l'avant-dernière", "not the latest, the one before it": refused, then the one before.
        if (this.negatedRightBefore(i)) {
          if (tokens.slice(i + 1).some((b) => b.kind === 'word' && (b.role === 'before' || b.role === 'previous' || b.role === 'penultimate'))) return { from: 'newest', skip: 1, take: 1 };
          continue;
        }
        const avants = this.avantsBefore(i);
        if (avants > 0) return { from: 'newest', skip: avants, take: 1 };
        const nth = ordinalBefore(i);
        if (nth !== undefined) return { from: 'newest', skip: Math.max(0, nth - 1), take: 1 };
        const count = countNear(i);
        // "mes dernières factures", "the latest invoices": the list, newest first, as it always is.
        if (count === undefined && this.pluralAt(i)) return null;
        return { from: 'newest', skip: 0, take: count ?? 1 };
      }
      if (t.role === 'oldest') return { from: 'oldest', skip: 0, take: countNear(i) ?? 1 };
      if ((t.role === 'one' || t.role === 'list') && ordinalBefore(i) !== undefined) return { from: 'oldest', skip: ordinalBefore(i)! - 1, take: 1 };
      if (t.role === 'first' && !(next?.kind === 'word' && (next.role === 'quarter' || next.role === 'half'))) return { from: 'oldest', skip: 0, take: countNear(i) ?? 1 };
    }
    return null;
  }

  /** Whether the rank word at `i` is plural: `dernières`, `récents`, or an English one before `invoices`. */
  private pluralAt(i: number): boolean {
    const { word, locale } = this.tokens[i] as Word;
    if (locale === 'fr') return /s$/.test(word);
    const next = this.tokens.slice(i + 1).find((t) => !(t.kind === 'word' && t.role === 'filler'));
    return next?.kind === 'word' && next.role === 'list';
  }

  /**
   * `avant` words just before a `dernière`: "l'avant dernière" is one, "l'avant-avant-dernière"
   * two, and so are "la facture avant la dernière", "the one before my latest", "the invoice before last".
   */
  private avantsBefore(i: number): number {
    let count = 0;
    for (let j = i - 1; j >= 0; j--) {
      const t = this.tokens[j]!;
      if (t.kind === 'word' && (t.word === 'avant' || t.word === 'before' || t.role === 'penultimate')) count++;
      else if (!(t.kind === 'word' && ['la', 'le', 'l', 'ma', 'mon', 'the', 'my'].includes(t.word))) break;
    }
    return count;
  }

  /** What can you do: help words (not inside a thanks), or "que sais-tu faire", "what can you do". */
  asksHelp(): boolean {
    if (this.has('help')) return !(this.smallTalk() === 'thanks' && !this.asks());
    return this.asks() && this.hasWord('faire', 'do') && this.hasWord('sais', 'peux', 'pouvez', 'savez', 'pouvez-vous', 'peux-tu', 'savez-vous', 'sais-tu', 'can', 'could');
  }

  /** A bare `1`, `2`… answering the choices offered. */
  choice(): number | null {
    const around: (Role | null)[] = ['filler', 'choice', 'numberMark', 'thanks', 'ok'];
    const [only, ...rest] = this.tokens.filter((t) => !(t.kind === 'word' && around.includes(t.role)));
    return rest.length === 0 && only?.kind === 'number' && /^[1-9]$/.test(only.value) ? Number(only.value) : null;
  }

  smallTalk(): 'hello' | 'thanks' | 'bye' | 'ok' | null {
    for (const kind of ['bye', 'thanks', 'ok', 'hello'] as const) if (this.has(kind)) return kind;
    // "à plus", "à bientôt"
    if (this.hasWord('plus') && this.words().every((w) => w.role === 'filler' || w.word === 'plus' || w.word === 'tard')) return 'bye';
    return null;
  }

  locale(): Locale | null {
    let score = this.accented ? 1 : 0;
    for (const t of this.tokens) {
      if ((t.kind === 'word' || t.kind === 'month') && t.locale) score += t.locale === 'fr' ? 1 : -1;
    }
    return score > 0 ? 'fr' : score < 0 ? 'en' : null;
  }
}

import type { IsoDate } from '../../billing/types.js';
import type { Token } from './tokens.js';
import type { Role } from './words.js';

export type Word = Extract<Token, { kind: 'word' }>;
export type NumberToken = Extract<Token, { kind: 'number' }>;

/** Words that turn a setting off; a negation (`ne … plus`, `pas`, `not`, `anymore`) turns it around once. */
export const OFF_ROLES: Role[] = ['off', 'stop', 'without'];
export const NEGATION_ROLES: Role[] = ['negation', 'more'];
/** Words that make a question a request ("pouvez-vous …", "could you …"). */
export const POLITE_REQUEST = [
  'pouvez-vous',
  'pourriez-vous',
  'pouvez',
  'pourriez',
  'peux-tu',
  'pourrais-tu',
  'possible',
  'svp',
  'stp',
  'can',
  'could',
  'would',
  'please',
];
/** A negation before these is a complaint that something did not come (« je n'ai pas reçu mon relevé »), which asks for it. */
const NOT_RECEIVED = ['recu', 'recue', 'recus', 'eu', 'obtenu', 'envoye', 'envoyee', 'arrive', 'received', 'sent', 'got', 'gotten', 'had'];

/**
 * One sentence's tokens, and the questions every recogniser asks of them: which roles and
 * words it holds, whether it asks, where a negation stands. It knows nothing of what the
 * sentence asks for: the recognisers (`recognise/`) and the intents (`intents/`) read that.
 */
export class Clause {
  constructor(
    readonly tokens: Token[],
    /** The day periods counted from today count from, in PUSH_TIMEZONE. */
    readonly today: IsoDate,
    /** French accents are a vote for French: `détails` is spelt `details` in English. */
    readonly accented: boolean,
  ) {}

  has(role: Role): boolean {
    return this.tokens.some((t) => t.kind === 'word' && t.role === role);
  }

  hasWord(...words: string[]): boolean {
    return this.tokens.some((t) => t.kind === 'word' && words.includes(t.word));
  }

  words(): Word[] {
    return this.tokens.filter((t): t is Word => t.kind === 'word');
  }

  emails(): string[] {
    return this.tokens.flatMap((t) => (t.kind === 'email' ? [t.value] : []));
  }

  hasImpossibleDate(): boolean {
    return this.tokens.some((t) => t.kind === 'impossibleDate');
  }

  /** Whether the sentence asks something: a question word or mark. */
  asks(): boolean {
    // « merci de me confirmer… », "please confirm whether…", "kindly advise…": a question put as a request.
    if (this.hasWord('?', 'confirmer', 'confirmez', 'confirm', 'valider', 'verifier', 'whether', 'indiquer', 'advise')) return true;
    // Without a question mark, a question word asks only at the start: "quand", "when" further on join two clauses ("prévenez-moi quand une facture sort").
    // "je voudrais savoir où…", "tell me when…" ask all the same.
    const first = this.words().find((w) => w.role !== 'filler' && w.role !== 'hello');
    return first?.role === 'question' || (this.has('question') && this.hasWord('savoir', 'sais', 'dites', 'dire', 'know', 'tell', 'wonder', 'wondering'));
  }

  /** « pouvez-vous … », « svp », "please": a request, even with no verb the grammar knows. */
  asksPolitely(): boolean {
    return this.hasWord(...POLITE_REQUEST);
  }

  /** A negation within the few words before token `i`: `pas`, `ne`, `not`, `never` up to four back, the `n'` of `n'ai` two. */
  negatedAt(i: number): boolean {
    return this.tokens
      .slice(Math.max(0, i - 4), i)
      .some((t, k, scope) => t.kind === 'word' && (t.role === 'negation' || (t.word === 'n' && k >= scope.length - 2)));
  }

  /** A negation right before token `i`, with at most a filler between: "pas la dernière", "not the latest", "pas encore échues". */
  negatedRightBefore(i: number): boolean {
    for (let j = i - 1; j >= 0 && j >= i - 2; j--) {
      const t = this.tokens[j]!;
      if (t.kind !== 'word') return false;
      if (t.role === 'negation') return true;
      if (t.role !== 'filler') return false;
    }
    return false;
  }

  /**
   * Token `i` refused: `sans`, `without` or a negation in the few words before it, unless
   * the negation says it did not come (« je n'ai pas reçu mon relevé », "you haven't sent my
   * statement"), which asks for it.
   */
  refusedAt(i: number): boolean {
    const before = this.tokens.slice(Math.max(0, i - 4), i);
    if (before.some((t) => t.kind === 'word' && t.role === 'without')) return true;
    return this.negatedAt(i) && !before.some((t) => t.kind === 'word' && NOT_RECEIVED.includes(t.corrected ?? t.word));
  }

  /** How its words vote for a language, accents counting for French: above zero French, below English. */
  localeScore(): number {
    let score = this.accented ? 1 : 0;
    for (const t of this.tokens) {
      if ((t.kind === 'word' || t.kind === 'month') && t.locale) score += t.locale === 'fr' ? 1 : -1;
    }
    return score;
  }
}

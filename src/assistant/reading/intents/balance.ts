import type { Command } from '../../command.js';
import { lastMonths } from '../recognise/periods.js';
import type { Sentence } from '../sentence.js';

/** Words that name the account statement with `compte`: « état de compte », « situation de mon compte », « extrait de compte ». */
const ACCOUNT_SUMMARY = ['etat', 'situation', 'extrait'];

/** What is owed: "mon solde", "how much do I owe", "il me reste combien à payer", "je dois encore quelque chose ?". */
export function asksBalance(s: Sentence): boolean {
  const c = s.clause;
  if (s.numbers.length > 0) return false;
  if (c.has('owe')) return true;
  const howMuch = c.hasWord('combien', 'much');
  if (howMuch && (c.has('pay') || c.has('must') || c.has('amount') || c.has('due'))) return true;
  if (c.has('amount') && (c.has('due') || c.has('must'))) return true;
  // "pas besoin du relevé, juste le total": the total of the account, without its statement.
  if (c.has('amount') && namesStatement(s)) return true;
  // "the total outstanding amount on my account": one figure, not the list.
  if (c.has('amount') && c.has('unpaid') && !c.has('list') && !c.has('singularInvoice')) return true;
  if (c.has('must') && c.has('pay') && !c.has('list')) return true;
  // "je dois encore quelque chose ?", "je n'ai plus rien à payer ?": owing, with no invoice named.
  const listed = c.has('list') || c.has('singularInvoice') || s.period !== null;
  return (
    !listed && ((c.has('must') && c.hasWord('encore', 'quelque', 'rien', 'anything', 'still')) || (c.has('pay') && c.hasWord('rien', 'anything', 'nothing')))
  );
}

/** Where the sentence names the account statement: `relevé`, `statement`, or the `compte` of « état de compte »; -1 when it does not. */
function statementAt(s: Sentence): number {
  const { tokens } = s.clause;
  return tokens.findIndex((t, i) => {
    if (t.kind !== 'word') return false;
    if (t.role === 'statement') return true;
    if (t.word !== 'compte') return false;
    for (let j = i - 1; j >= Math.max(0, i - 3); j--) {
      const before = tokens[j]!;
      if (before.kind !== 'word') return false;
      if (ACCOUNT_SUMMARY.includes(before.word)) return true;
      if (!['de', 'du', 'd', 'mon', 'notre', 'votre'].includes(before.word)) return false;
    }
    return false;
  });
}

export function namesStatement(s: Sentence): boolean {
  return statementAt(s) >= 0;
}

/**
 * The account statement asked for, not refused: « relevé », "send me my statement",
 * « état de compte ». « Le relevé de toutes les factures émises en 2025 » asks for those
 * invoices, which is the list.
 */
export function asksStatement(s: Sentence): boolean {
  const at = statementAt(s);
  if (at < 0 || s.clause.refusedAt(at) || s.numbers.length > 0) return false;
  return !(s.clause.has('all') && s.clause.has('list'));
}

/**
 * What is owed, and the statement with it. The paid invoices it lists are asked with the
 * statement: those paid in the period named (« relevé 2026 », « relevé des 6 derniers mois »),
 * the last twelve months' when paid ones are asked with no period (« relevé avec les factures
 * payées »); none when they are refused (« sans les factures payées ») or only the unpaid
 * are named (« relevé des impayés de 2025 »).
 */
export function balanceOf(s: Sentence): Command {
  const c = s.clause;
  const statement = statementAt(s);
  if (statement >= 0 && c.refusedAt(statement)) return { intent: 'balance', statement: false };
  if (!asksStatement(s)) return { intent: 'balance' };
  const paidWord = c.tokens.findIndex((t) => t.kind === 'word' && t.role === 'paid');
  if (paidWord >= 0 ? c.refusedAt(paidWord) : c.has('unpaid') || c.has('overdue')) return { intent: 'balance' };
  const range = s.period?.range;
  if (range && (range.from || range.to)) return { intent: 'balance', paid: range };
  return paidWord >= 0 ? { intent: 'balance', paid: lastMonths(12, c.today) } : { intent: 'balance' };
}

import type { Clause, NumberToken } from '../clause.js';
import { MAX_RANGE } from '../tokens.js';

/**
 * Invoice numbers: marked ones (`#1210`, `n° 1210`) always, bare ones unless they are part
 * of a period (`used`: a year, a day) or a count (`les 3 dernières`), ranges (`1210 à 1214`,
 * `1210-1214`) spelt out. A number said not to be the one ("pas la 1230, la 1231") is left out.
 */
export function invoiceNumbers(clause: Clause, used: Set<number>): string[] {
  const { tokens } = clause;
  const numbers: string[] = [];
  const refused: string[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    if (t.kind !== 'number' || used.has(i) || isCount(clause, i)) continue;
    // Past 12 digits a bare number is a phone's or an account's; one with letters is an invoice's up to 40 characters.
    if (!t.marked && (t.value.length < 3 || (t.value.length > 12 && /^\d+$/.test(t.value)))) continue;
    const range = rangeFrom(clause, i);
    if (range) {
      numbers.push(...range.numbers);
      i = range.end;
    } else if (negatedNumber(clause, i)) refused.push(t.value);
    else numbers.push(t.value);
  }
  return [...new Set(numbers.length > 0 ? numbers : refused)];
}

/** The six-digit code the sentence gives. */
export function codeIn(clause: Clause): string | null {
  return clause.tokens.find((t): t is NumberToken => t.kind === 'number' && /^\d{6}$/.test(t.value))?.value ?? null;
}

/** `pas la 1230`, `not 1230`, `pas la facture n° 1230`: a number right after a negation, articles and the word "facture" between. */
function negatedNumber(clause: Clause, i: number): boolean {
  for (let j = i - 1; j >= Math.max(0, i - 5); j--) {
    const t = clause.tokens[j]!;
    if (t.kind !== 'word') return false;
    if (t.word === 'pas' || t.word === 'not' || t.word === 'non') return true;
    if (!(['la', 'le', 'l', 'the', 'n', 'no'].includes(t.word) || t.role === 'singularInvoice' || t.role === 'numberMark')) return false;
  }
  return false;
}

/** `1210 à 1214`, `1210-1214`, `du numéro 1210 au numéro 1214`, `1210 jusqu'à 1214`: the numbers between, when there are few. */
function rangeFrom(clause: Clause, i: number): { numbers: string[]; end: number } | undefined {
  const { tokens } = clause;
  const start = tokens[i] as NumberToken;
  let j = i + 1;
  let linked = false;
  while (j < tokens.length && j <= i + 4) {
    const t = tokens[j]!;
    if (t.kind === 'dash' || (t.kind === 'word' && (t.role === 'to' || t.word === 'a'))) linked = true;
    else if (!(t.kind === 'word' && (t.role === 'numberMark' || t.word === 'la' || t.word === 'le' || t.word === 'l' || t.word === 'facture'))) break;
    j++;
  }
  const end = tokens[j];
  if (!linked || end?.kind !== 'number' || !/^\d+$/.test(start.value) || !/^\d+$/.test(end.value)) return undefined;
  const [a, b] = [Number(start.value), Number(end.value)];
  if (!(b > a && b - a <= MAX_RANGE)) return undefined;
  return { numbers: Array.from({ length: b - a + 1 }, (_, k) => String(a + k).padStart(start.value.length, '0')), end: j };
}

/** A small number counting invoices (`mes 3 dernières factures`, `my 3 oldest`), not naming one. */
function isCount(clause: Clause, i: number): boolean {
  const t = clause.tokens[i] as NumberToken;
  if (t.marked || t.value.length > 2) return false;
  const near = [clause.tokens[i - 1], clause.tokens[i + 1], clause.tokens[i + 2]];
  return near.some((n) => n?.kind === 'word' && ['last', 'first', 'oldest', 'list'].includes(n.role ?? ''));
}

import { ImportError, type Candidate } from './candidate.js';

/**
 * Reads the billing system's JSON export, an array of invoices, into one candidate per
 * element, located by its index.
 *
 * Two elements carrying the same number are both refused: nothing says which one the
 * billing system meant, and importing either would be a guess.
 */
export function readJson(file: string, text: string): Candidate[] {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new ImportError(file, `is not valid JSON (${(error as Error).message})`);
  }
  if (!Array.isArray(data)) throw new ImportError(file, 'is not a JSON array of invoices');
  return candidatesOf(data);
}

/** One candidate per element of an export's array (parsed JSON, from a file or the intake API), copies of a number refused. */
export function candidatesOf(data: unknown[]): Candidate[] {
  const numbers = data.map(numberOf);
  const copies = new Map<string, { first: number; count: number }>();
  numbers.forEach((number, index) => {
    if (number === undefined) return;
    const seen = copies.get(number);
    if (seen) seen.count++;
    else copies.set(number, { first: index, count: 1 });
  });

  return data.map((fields: unknown, index) => {
    const number = numbers[index];
    const seen = number === undefined ? undefined : copies.get(number);
    const candidate: Candidate = { where: `index ${index}`, number, fields };
    // Said in a few words whatever the count: a file of 20,000 copies must not cost 20,000 squared.
    if (seen && seen.count > 1) candidate.problem = `duplicate number in the file (${seen.count} times, first at index ${seen.first})`;
    return candidate;
  });
}

/** The element's number, as validation will read it (trimmed text, or a whole number's digits), if it has one. */
function numberOf(fields: unknown): string | undefined {
  const number = typeof fields === 'object' && fields !== null && 'number' in fields ? fields.number : undefined;
  if (typeof number === 'number' && Number.isSafeInteger(number)) return String(number);
  return typeof number === 'string' && number.trim() !== '' ? number.trim() : undefined;
}

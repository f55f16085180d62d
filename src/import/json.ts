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

  const numbers = data.map(numberOf);
  const indexesByNumber = new Map<string, number[]>();
  numbers.forEach((number, index) => {
    if (number !== undefined) indexesByNumber.set(number, [...(indexesByNumber.get(number) ?? []), index]);
  });

  return data.map((fields: unknown, index) => {
    const number = numbers[index];
    const others = (number === undefined ? [] : indexesByNumber.get(number)!).filter((other) => other !== index);
    const candidate: Candidate = { where: `index ${index}`, number, fields };
    if (others.length > 0) candidate.problem = `duplicate number in the file (also at index ${others.join(', ')})`;
    return candidate;
  });
}

/** The element's number, trimmed as validation will trim it, if it is a non-empty string. */
function numberOf(fields: unknown): string | undefined {
  const number = typeof fields === 'object' && fields !== null && 'number' in fields ? fields.number : undefined;
  return typeof number === 'string' && number.trim() !== '' ? number.trim() : undefined;
}

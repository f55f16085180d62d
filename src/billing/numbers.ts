/**
 * What an invoice number may be. Numbers become file names (`facture-1210.pdf`), ZIP
 * entries and words in sentences, so they are identifiers, not free text: 1 to 40 ASCII
 * letters or digits, with `-`, `_`, `.` and `/` allowed inside (billing systems write
 * `INV/2024/00001`), starting and ending with a letter or a digit. No space, no control,
 * invisible or bidirectional character, no leading dot, nothing a path could climb with.
 * Numbers are kept in one form (see `invoiceNumber`), so that no two that read alike can
 * belong to two customers.
 */
const INVOICE_NUMBER = /^[A-Z0-9](?:[A-Z0-9\-_./]{0,38}[A-Z0-9])?$/;

export const INVOICE_NUMBER_RULE = '1 to 40 letters or digits, with - _ . / allowed inside';

/**
 * Characters that read as ASCII letters or digits and are not: full-width forms (`１２１０`,
 * `ＩＮＶ`), mathematical letters and digits (`𝟏𝟐𝟏𝟎`, `𝐈𝐍𝐕`), and the decimal digits of every
 * other script (`١٢١٠`, `۱۲۱۰`, `१२१०`).
 */
const LOOK_ALIKE = /[\u{FF01}-\u{FF5E}\u{1D400}-\u{1D7FF}]|(?![0-9])\p{Nd}/gu;

/**
 * The text with every look-alike of an ASCII letter or digit made that letter or digit
 * (`１２１０` → `1210`, `١٢١٠` → `1210`); the rest as it is. Other scripts' letters that
 * merely look Latin (Cyrillic `А`) stay as they are: an invoice number refuses them.
 */
export function foldLookAlikes(text: string): string {
  return text.replace(LOOK_ALIKE, (character) => (/\p{Nd}/u.test(character) ? String(digitValue(character.codePointAt(0)!)) : character.normalize('NFKC')));
}

/** A decimal digit's value: Unicode lays each script's digits out as runs of ten, 0 to 9, some runs side by side (the mathematical digits). */
function digitValue(codePoint: number): number {
  let start = codePoint;
  while (/\p{Nd}/u.test(String.fromCodePoint(start - 1))) start--;
  return (codePoint - start) % 10;
}

/**
 * An invoice number in the one form Facteur keeps it in, or null when it is none: look-alikes
 * folded, letters upper case (`inv/2024/00001`, `ＩＮＶ/２０２４/００００１` → `INV/2024/00001`).
 * Every number that comes in (an import, the intake API, a customer's words, a staff
 * command) goes through it, so that it finds the invoice whichever way it was written.
 */
export function invoiceNumber(text: string): string | null {
  const number = asNumbersAreKept(text);
  return INVOICE_NUMBER.test(number) && !number.includes('..') ? number : null;
}

/** What was typed of a number, in the form numbers are kept in, so that the start of one (`inv/20`) finds those it starts. */
export function asNumbersAreKept(typed: string): string {
  return foldLookAlikes(typed.trim()).toUpperCase();
}

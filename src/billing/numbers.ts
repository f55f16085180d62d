/**
 * What an invoice number may be. Numbers become file names (`facture-1210.pdf`), ZIP
 * entries and words in sentences, so they are identifiers, not free text: 1 to 40
 * letters or digits, with `-`, `_`, `.` and `/` allowed inside (billing systems write
 * `INV/2024/00001`), starting and ending with a letter or a digit. No space, no control,
 * invisible or bidirectional character, no leading dot, nothing a path could climb with.
 */
export const INVOICE_NUMBER = /^[\p{L}\p{N}](?:[\p{L}\p{N}\-_./]{0,38}[\p{L}\p{N}])?$/u;

export const INVOICE_NUMBER_RULE = '1 to 40 letters or digits, with - _ . / allowed inside';

export function isInvoiceNumber(text: string): boolean {
  return INVOICE_NUMBER.test(text) && !text.includes('..');
}

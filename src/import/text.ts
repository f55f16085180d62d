import { ImportError } from './candidate.js';

/** A file's text, and what the operator should know about how it was read. */
export interface DecodedText {
  text: string;
  notes: string[];
}

/** Characters no export holds in its text: a file that decodes to them is not text. */
// eslint-disable-next-line no-control-regex -- control characters are what it looks for
const BINARY = /[\u0000-\u0008\u000E-\u001F]/;

/**
 * The text of an export, in the encoding it was saved in: UTF-8 (with or without the
 * byte-order mark spreadsheets start it with), UTF-16 (by its mark, or by the zero bytes
 * every other byte of ASCII text is in it), and else Windows-1252, the Latin-1 that Excel
 * saves "CSV" in on a French Windows, which is said in the notes. Never a guess that would
 * import `H�bergement`; a file that is none of these is refused, naming what it looks like.
 */
export function decodeText(file: string, bytes: Buffer): DecodedText {
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return checked(file, utf8(file, bytes.subarray(3)), []);
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return checked(file, new TextDecoder('utf-16le').decode(bytes.subarray(2)), []);
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return checked(file, new TextDecoder('utf-16be').decode(bytes.subarray(2)), []);
  const utf16 = utf16Without(bytes);
  if (utf16) return checked(file, new TextDecoder(utf16).decode(bytes), [`the file has no byte-order mark but is ${utf16.toUpperCase()}: read as such`]);
  if (bytes.includes(0))
    throw new ImportError(file, 'is not a text file (it holds zero bytes, as binary files such as a spreadsheet .xlsx do); export it as CSV or JSON');
  try {
    return checked(file, new TextDecoder('utf-8', { fatal: true }).decode(bytes), []);
  } catch {
    return checked(file, new TextDecoder('windows-1252').decode(bytes), [
      'the file is not UTF-8: read as Windows-1252 (Latin-1), the encoding Excel saves CSV in',
    ]);
  }
}

function utf8(file: string, bytes: Buffer): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new ImportError(file, 'starts with a UTF-8 byte-order mark but is not UTF-8; save it again as UTF-8');
  }
}

/** UTF-16 without a mark, told by where the zero bytes of its ASCII characters fall in the first bytes. */
function utf16Without(bytes: Buffer): 'utf-16le' | 'utf-16be' | null {
  const sample = bytes.subarray(0, Math.min(bytes.length, 512) & ~1);
  if (sample.length < 4) return null;
  let even = 0;
  let odd = 0;
  for (let i = 0; i < sample.length; i += 2) {
    if (sample[i] === 0) even++;
    if (sample[i + 1] === 0) odd++;
  }
  const pairs = sample.length / 2;
  if (odd > pairs * 0.9 && even === 0) return 'utf-16le';
  if (even > pairs * 0.9 && odd === 0) return 'utf-16be';
  return null;
}

function checked(file: string, text: string, notes: string[]): DecodedText {
  if (BINARY.test(text)) throw new ImportError(file, 'is not a text file (it holds control characters); export it as CSV or JSON');
  return { text, notes };
}

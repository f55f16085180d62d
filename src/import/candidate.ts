import { ActionableError } from '../faults.js';

/**
 * What a file reader hands to validation: one invoice as read, unchecked, with where it
 * sits in the file so that an operator can find the row a rejection is about.
 */
export interface Candidate {
  /** The invoice's place in the file: `index 3` (JSON), `line 7` or `lines 7, 8` (CSV). */
  where: string;
  /** Its number as written, when there is one, so that a rejection can name it. */
  number?: string;
  /** The fields as read, in the shape of one element of the JSON export. */
  fields: unknown;
  /** Where each of its lines sits, when the format knows better than `where` (CSV rows). */
  lineWhere?: string[];
  /** Set when the reader already knows the invoice cannot be imported (a duplicate number, CSV rows that disagree). */
  problem?: string;
  /** The billing system's PDF of the invoice, once checked (see pdfs.ts). */
  pdf?: Uint8Array;
}

/** A file that cannot be imported at all; nothing was written. The message names the file and the problem. */
export class ImportError extends ActionableError {
  constructor(
    readonly file: string,
    readonly problem: string,
  ) {
    super(`${file}: ${problem}. Nothing was imported.`);
    this.name = 'ImportError';
  }
}

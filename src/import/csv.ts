import { parse, type InfoRecord } from 'csv-parse/sync';
import { ImportError, type Candidate } from './candidate.js';

const REQUIRED_COLUMNS = ['number', 'customer', 'issuedAt', 'dueAt', 'currency', 'label', 'quantity', 'unitPrice', 'status'];

/**
 * Columns about the invoice rather than the line: every row of one invoice must agree on
 * them. `customerName`, `paidAt` and `payUrl` are optional columns, read when the header has
 * them, so that a CSV export can say as much as a JSON one except taxes (it has no column for them).
 */
const INVOICE_COLUMNS = ['customer', 'customerName', 'issuedAt', 'dueAt', 'currency', 'status', 'paidAt', 'payUrl'];

interface Row {
  line: number;
  width: number;
  /** Cells by column name; an empty cell is absent, so that validation calls it missing. */
  cells: Record<string, string | undefined>;
}

/**
 * Reads the billing system's CSV export: a header line, then one row per invoice line,
 * the rows sharing a number making one invoice (they need not be adjacent). Columns
 * beyond the known ones are ignored.
 *
 * A row is located by the line csv-parse reports for it, the line it ends on: the same
 * as the line it starts on unless a quoted cell spans several lines.
 *
 * Cells are separated by commas, or by semicolons where the header line says so: a
 * spreadsheet set to French writes `;`, and then writes `1,5` for one and a half and may
 * group thousands with spaces, which are read as such (and said in the notes).
 */
export function readCsv(file: string, text: string, notes: string[]): Candidate[] {
  const delimiter = delimiterOf(text);
  if (delimiter === ';') notes.push('cells are separated by semicolons: read as a French spreadsheet writes them, with decimal commas');
  let records: { record: string[]; info: InfoRecord }[];
  try {
    // csv-parse's typings do not model `info: true`, which wraps each record with its position.
    records = parse(text, { info: true, delimiter, relax_column_count: true, skip_empty_lines: true, trim: true }) as unknown as typeof records;
  } catch (error) {
    throw new ImportError(file, `is not valid CSV (${(error as Error).message})`);
  }
  const [header, ...body] = records;
  if (!header) throw new ImportError(file, 'is empty');
  const columns = header.record;
  const missing = REQUIRED_COLUMNS.filter((column) => !columns.includes(column));
  if (missing.length > 0) throw new ImportError(file, `has no column ${missing.join(', ')} in its header line`);

  const rows = body.map(({ record, info }): Row => ({
    line: info.lines,
    width: record.length,
    cells: Object.fromEntries(columns.map((column, index) => [column, record[index] || undefined])),
  }));
  // A payUrl column's empty cell says the invoice has no pay link (JSON's null); without the column, links stay as they are.
  const noLink = columns.includes('payUrl') ? null : undefined;
  return groupByNumber(rows).map((group) => toCandidate(group, columns.length, delimiter === ';' ? frenchNumber : plainNumber, noLink));
}

/** `;` when the header line holds more semicolons than commas outside quotes, else `,`. */
function delimiterOf(text: string): ',' | ';' {
  const header = text.slice(0, text.search(/\r?\n|$/)).replace(/"[^"]*"/g, '');
  const count = (char: string) => header.split(char).length - 1;
  return count(';') > count(',') ? ';' : ',';
}

/** Rows sharing a number, in the order their invoices first appear; a row without a number stands alone. */
function groupByNumber(rows: Row[]): Row[][] {
  const groups: Row[][] = [];
  const byNumber = new Map<string, Row[]>();
  for (const row of rows) {
    const number = row.cells.number;
    const group = number === undefined ? undefined : byNumber.get(number);
    if (group) {
      group.push(row);
      continue;
    }
    groups.push([row]);
    if (number !== undefined) byNumber.set(number, groups.at(-1)!);
  }
  return groups;
}

function toCandidate(rows: Row[], width: number, toNumber: (cell: string | undefined) => number | string | undefined, noLink: null | undefined): Candidate {
  const first = rows[0]!;
  const candidate: Candidate = {
    where: rows.length === 1 ? `line ${first.line}` : `lines ${rows.map((row) => row.line).join(', ')}`,
    number: first.cells.number,
    lineWhere: rows.map((row) => `line ${row.line}`),
    fields: {
      number: first.cells.number,
      ...Object.fromEntries(INVOICE_COLUMNS.map((column) => [column, first.cells[column]])),
      payUrl: first.cells.payUrl ?? noLink,
      lines: rows.map(({ cells }) => ({ label: cells.label, quantity: toNumber(cells.quantity), unitPrice: toNumber(cells.unitPrice) })),
    },
  };
  const problems = [...widthProblems(rows, width), ...disagreements(rows)];
  if (problems.length > 0) candidate.problem = problems.join('; ');
  return candidate;
}

/** A row with more or fewer cells than the header cannot be trusted, e.g. an unquoted `1,5`. */
function widthProblems(rows: Row[], width: number): string[] {
  return rows.filter((row) => row.width !== width).map((row) => `line ${row.line} has ${row.width} cells where the header has ${width}`);
}

function disagreements(rows: Row[]): string[] {
  return INVOICE_COLUMNS.flatMap((column) => {
    const values = new Set(rows.map((row) => row.cells[column]));
    if (values.size === 1) return [];
    const seen = rows.map((row) => `${row.cells[column] ?? '(empty)'} on line ${row.line}`);
    return [`rows disagree on ${column}: ${seen.join(', ')}`];
  });
}

/** A plain decimal becomes a number; anything else (`1,5`, `120 000`) stays text, for validation to name. */
function plainNumber(cell: string | undefined): number | string | undefined {
  return cell !== undefined && /^[+-]?\d+(\.\d+)?$/.test(cell) ? Number(cell) : cell;
}

/** In a `;` file: `1,5` and `120 000` (thousands grouped by a space, as French spreadsheets print them) are numbers too. */
function frenchNumber(cell: string | undefined): number | string | undefined {
  if (cell === undefined || !/^[+-]?\d{1,3}(?:[ \u00A0\u202F]?\d{3})*(?:,\d+)?$/.test(cell)) return plainNumber(cell);
  return Number(cell.replace(/[ \u00A0\u202F]/g, '').replace(',', '.'));
}

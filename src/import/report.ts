import type { Params } from '../templates/catalog.js';
import type { ImportReport, Rejection } from './import.js';

/** Rejections of one kind printed in full; past them, how many more there are. */
const SHOWN_PER_KIND = 3;
/** Kinds of rejection printed at most; past them, how many rejections are left. */
const SHOWN_KINDS = 30;

/**
 * The import's outcome for the operator's terminal, its counts in the catalogs' words (`say`,
 * the CLI's `cli.import.*`): one summary line, what was noticed about the file, then where and
 * why invoices were rejected, e.g. `  line 7 (invoice 1210): currency: unknown currency "XYZ"`.
 * Each kind of rejection (the same reason but for its numbers and quoted values) is shown a few
 * times, then counted: a file of 20,000 identical mistakes prints a few lines, not 20,000.
 */
export function formatReport(report: ImportReport, say: (key: string, params: Params) => string): string {
  const { created, updated, unchanged, rejected, notes } = report;
  const summary = say('cli.import.summary', { created, updated, unchanged, rejected: rejected.length });
  const kinds = new Map<string, Rejection[]>();
  for (const rejection of rejected) {
    const kind = kindOf(rejection.reason);
    const list = kinds.get(kind);
    if (list) list.push(rejection);
    else kinds.set(kind, [rejection]);
  }
  const lines: string[] = [];
  let left = rejected.length;
  for (const list of [...kinds.values()].slice(0, SHOWN_KINDS)) {
    for (const { where, number, reason } of list.slice(0, SHOWN_PER_KIND)) lines.push(`  ${where}${number ? ` (invoice ${shown(number)})` : ''}: ${reason}`);
    if (list.length > SHOWN_PER_KIND) lines.push(`  ${say('cli.import.more', { count: list.length - SHOWN_PER_KIND })}`);
    left -= list.length;
  }
  if (left > 0) lines.push(`  ${say('cli.import.moreOther', { count: left })}`);
  return [summary, ...notes.map((note) => `  note: ${note}`), ...lines].join('\n');
}

/** A reason without what varies from one row to the next: numbers and quoted values. */
function kindOf(reason: string): string {
  return reason.replace(/"(?:[^"\\]|\\.)*"/g, '"…"').replace(/\d+/g, '#');
}

/** A number as the file wrote it, cut short: a rejected one may be anything. */
function shown(number: string): string {
  return JSON.stringify(number.length > 60 ? `${number.slice(0, 59)}…` : number).slice(1, -1);
}

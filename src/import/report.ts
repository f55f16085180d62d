import type { ImportReport } from './import.js';

/**
 * The import's outcome for the operator's terminal: one summary line, then one line per
 * rejected invoice saying where it is and why, e.g.
 * `  line 7 (invoice 1210): currency: unknown currency "XYZ"`.
 */
export function formatReport(report: ImportReport): string {
  const { created, updated, unchanged, rejected } = report;
  const summary = `${created} created, ${updated} updated, ${unchanged} unchanged, ${rejected.length} rejected`;
  const reasons = rejected.map(({ where, number, reason }) => `  ${where}${number ? ` (invoice ${number})` : ''}: ${reason}`);
  return [summary, ...reasons].join('\n');
}

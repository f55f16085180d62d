import type { Command } from '../../src/assistant/command.js';
import { monthSpan } from '../../src/assistant/reading/recognise/periods.js';

/** A command as tests write it: periods as days (`from`, `to`, whether asked as a year, a month or days), overdue as a flag. */
export function canonical(command: Command | null): Record<string, unknown> | null {
  if (command === null) return null;
  if (!('filter' in command) || !command.filter) return command as unknown as Record<string, unknown>;
  const { year, month, dueBefore, ...filter } = command.filter;
  const days = year !== undefined ? (month !== undefined ? monthSpan(year, month) : { from: `${year}-01-01`, to: `${year}-12-31` }) : {};
  return { ...command, filter: { ...days, ...filter, ...(dueBefore !== undefined ? { overdue: true } : {}) } };
}

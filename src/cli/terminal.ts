import { printable } from '../channels/text.js';

/**
 * What the `facteur` command prints: on standard output the results, on standard error
 * what went wrong. Both carry customer data and arguments, so both are made printable.
 */
export function out(text: string): void {
  process.stdout.write(printable(text));
}

export function err(text: string): void {
  process.stderr.write(printable(text));
}

import { printable } from '../printable.js';

/** A command's result: what to print and the process exit code. */
export type ExitCode = 0 | 1 | 2;

/**
 * What the `facteur` command prints: on standard output the results, on standard error
 * what went wrong. Both carry customer data and arguments, so both are made printable.
 */
export function out(text: string): void {
  if (process.stdout.writable) process.stdout.write(printable(text));
}

export function err(text: string): void {
  if (process.stderr.writable) process.stderr.write(printable(text));
}

/**
 * A reader that goes away (`facteur deliveries | head`) ends what is printed, not the command:
 * the rest of the output is dropped, the command finishes its work (files saved, the store
 * closed) and exits as it would have, quietly, as `git log | head` does — not with the stack
 * trace of the `EPIPE` that Node throws where no one listens.
 */
export function quietWhenReaderLeaves(): void {
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code !== 'EPIPE' && error.code !== 'ERR_STREAM_DESTROYED') throw error;
    });
  }
}

/** A progress bar on standard error when a person watches it (a terminal), else nothing: logs and pipes get the summary only. */
export function progressBar(): ((done: number, total: number, note: string) => void) | undefined {
  if (!process.stderr.isTTY) return undefined;
  const started = Date.now();
  return (done, total, note) => {
    const width = 30;
    const filled = Math.round((done / Math.max(total, 1)) * width);
    const rate = done / Math.max((Date.now() - started) / 1000, 0.001);
    process.stderr.write(`\r[${'#'.repeat(filled)}${' '.repeat(width - filled)}] ${done}/${total}  ${rate.toFixed(1)}/s  ${note}`);
    if (done === total) process.stderr.write('\n');
  };
}

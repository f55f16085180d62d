import { readFileSync } from 'node:fs';
import os from 'node:os';

/** What every benchmark shares: its size flag, clocks, memory readings and the way it prints figures. */

/** `--full` asks for the sizes the issue names (the figures in bench/RESULTS.md); without it, quick sizes. */
export const FULL = process.argv.includes('--full');

export function sized(quick: number, full: number): number {
  return FULL ? full : quick;
}

/** Milliseconds `run` takes. */
export async function time(run: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await run();
  return performance.now() - started;
}

/** The process's peak resident memory so far, in MB (threads included). */
export function peakRssMb(): number {
  return process.resourceUsage().maxRSS / 1024;
}

export function rssMb(): number {
  return process.memoryUsage.rss() / 2 ** 20;
}

/** nproc, CPU model, RAM and Node version, for a benchmark's heading and bench/RESULTS.md. */
export function machine(): string {
  const model = /model name\s*:\s*(.+)/.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1] ?? os.cpus()[0]?.model ?? 'unknown CPU';
  return `${os.availableParallelism()} cores (${model}), ${(os.totalmem() / 2 ** 30).toFixed(1)} GB RAM, Node ${process.version}`;
}

export interface Figure {
  label: string;
  value: string;
  /** The target, as written beside the figure, e.g. `≤ 1.3×`. */
  target?: string;
  met?: boolean;
}

/** Prints what is measured, on what machine, and how busy it was: other work on the cores skews every figure. */
export function heading(title: string, detail: string): void {
  const load = os
    .loadavg()
    .map((value) => value.toFixed(1))
    .join(' ');
  console.log(`\n${title} — ${detail}\n  ${machine()}; load average ${load}; ${FULL ? 'full sizes' : 'quick sizes (--full for the issue\u2019s)'}`);
}

/** The value below which `p` percent of the values fall (nearest rank). */
export function percentile(values: number[], p: number): number {
  const sorted = values.toSorted((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

export function median(values: number[]): number {
  return percentile(values, 50);
}

/** Prints figures one a line, each with its target and whether it is met. */
export function report(figures: Figure[]): void {
  const width = Math.max(...figures.map((figure) => figure.label.length));
  for (const { label, value, target, met } of figures) {
    const verdict = target === undefined ? '' : `   target ${target}: ${met ? 'met' : 'MISSED'}`;
    console.log(`  ${label.padEnd(width)}  ${value.padStart(10)}${verdict}`);
  }
}

export const ms = (value: number) => `${value.toFixed(value < 10 ? 2 : 1)} ms`;
export const mb = (value: number) => `${value.toFixed(0)} MB`;
export const times = (value: number) => `${value.toFixed(2)}×`;

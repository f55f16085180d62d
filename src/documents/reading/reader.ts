import { Worker } from 'node:worker_threads';
import { workerModule } from '../thread.js';
import type { ReadReply, ReadTask } from './read-worker.js';

/** What a reading thread runs (see thread.ts). */
const WORKER = workerModule('read-worker', import.meta.url);

/** The text of a PDF as pdf.js reads it: what a person's reader shows, what copying it gives. */
export interface PdfText {
  pages: number;
  text: string;
}

/** A file that could not be read as a PDF, with why in words for the person who sent it. */
export class PdfUnreadable extends Error {
  override name = 'PdfUnreadable';
  constructor(readonly reason: string) {
    super(reason);
  }
}

export interface PdfReaderLimits {
  /** How long one file may take to read before its thread is stopped. */
  timeoutMs: number;
  /** The heap one reading thread may use; past it the thread is stopped. */
  heapMb: number;
  /** Files read at once at most; more wait their turn. */
  threads: number;
  /** Files waiting at most; more are refused at once rather than held in memory. */
  queue: number;
}

export const READER_LIMITS: PdfReaderLimits = { timeoutMs: 10_000, heapMb: 128, threads: 2, queue: 64 };

/** Pages and characters read of one file: an invoice fits many times over. */
const MAX_PAGES = 50;
const MAX_CHARS = 200_000;

interface Task {
  bytes: Uint8Array;
  resolve(text: PdfText): void;
  reject(error: unknown): void;
}

/**
 * Reads PDFs' text off the main thread, with pdf.js. A file is whoever sent it's: a
 * decompression bomb, a page tree that loops, a content stream of millions of operators. So
 * each file is read on a thread of its own with a capped heap, and a thread still reading
 * when the time limit comes is stopped (`terminate`), which ends whatever pdf.js was doing:
 * the file is refused, and the next one gets a fresh thread. Threads stay for the next file
 * without holding the process open, and at most `queue` files wait.
 */
export class PdfReader {
  private readonly idle: Worker[] = [];
  /** Threads loading pdf.js, not counted against any file's time. */
  private readonly starting = new Set<Worker>();
  private readonly busy = new Map<Worker, { task: Task; timer: NodeJS.Timeout }>();
  private readonly queue: Task[] = [];
  private closed = false;

  constructor(private readonly limits: PdfReaderLimits = READER_LIMITS) {}

  /** The text of `bytes`, or a PdfUnreadable saying why there is none. */
  read(bytes: Uint8Array): Promise<PdfText> {
    if (this.closed) return Promise.reject(new Error('PdfReader: closed'));
    if (this.queue.length >= this.limits.queue) return Promise.reject(new PdfUnreadable('too many files are being read right now; try again in a minute'));
    return new Promise((resolve, reject) => {
      this.queue.push({ bytes, resolve, reject });
      this.dispatch();
    });
  }

  /** Stops the threads; files not read yet fail. */
  async close(): Promise<void> {
    this.closed = true;
    for (const task of this.queue.splice(0)) task.reject(new Error('PdfReader: closed'));
    const workers = [...this.idle, ...this.busy.keys(), ...this.starting];
    this.starting.clear();
    this.idle.length = 0;
    await Promise.all(workers.map((worker) => worker.terminate()));
  }

  private dispatch(): void {
    while (this.queue.length > 0) {
      const worker = this.idle.pop();
      if (!worker) {
        if (this.busy.size + this.starting.size < this.limits.threads) this.start();
        return;
      }
      const task = this.queue.shift()!;
      const timer = setTimeout(
        () => this.stop(worker, new PdfUnreadable(`took more than ${this.limits.timeoutMs / 1000} s to read, more than any invoice takes`)),
        this.limits.timeoutMs,
      );
      this.busy.set(worker, { task, timer });
      worker.ref();
      // A copy: the caller's bytes stay whole, and the thread owns its own.
      const message: ReadTask = { bytes: new Uint8Array(task.bytes), maxPages: MAX_PAGES, maxChars: MAX_CHARS };
      worker.postMessage(message, [message.bytes.buffer as ArrayBuffer]);
    }
  }

  private start(): void {
    const worker = new Worker(WORKER, {
      name: 'facteur-pdf-reader',
      resourceLimits: { maxOldGenerationSizeMb: this.limits.heapMb, maxYoungGenerationSizeMb: 32 },
    });
    this.starting.add(worker);
    worker.unref();
    worker.on('message', (reply: ReadReply) => {
      if ('ready' in reply) {
        this.starting.delete(worker);
        this.idle.push(worker);
        return this.dispatch();
      }
      const running = this.busy.get(worker);
      if (!running) return;
      clearTimeout(running.timer);
      this.busy.delete(worker);
      this.idle.push(worker);
      worker.unref();
      if ('problem' in reply) running.task.reject(new PdfUnreadable(`does not read as a PDF (${reply.problem})`));
      else running.task.resolve(reply);
      this.dispatch();
    });
    worker.on('error', (error: Error & { code?: string }) => {
      const tooBig = error.code === 'ERR_WORKER_OUT_OF_MEMORY';
      this.stop(worker, tooBig ? new PdfUnreadable(`needs more than ${this.limits.heapMb} MB of memory to read, more than any invoice needs`) : error);
    });
    worker.on('exit', () => this.stop(worker, new Error('PdfReader: a reading thread stopped')));
  }

  /** Ends a thread (its file took too long, used too much, or it died) and fails its file; the next file gets another. */
  private stop(worker: Worker, error: unknown): void {
    const running = this.busy.get(worker);
    const wasStarting = this.starting.delete(worker);
    const idleAt = this.idle.indexOf(worker);
    if (idleAt >= 0) this.idle.splice(idleAt, 1);
    if (running) {
      clearTimeout(running.timer);
      this.busy.delete(worker);
      running.task.reject(error);
    }
    void worker.terminate();
    // A thread that cannot even start fails what waits, rather than starting another forever.
    if (wasStarting && !running) for (const task of this.queue.splice(0)) task.reject(error);
    if (!this.closed) this.dispatch();
  }
}

import { availableParallelism } from 'node:os';
import { Worker, type ResourceLimits } from 'node:worker_threads';
import type { TDocumentDefinitions } from 'pdfmake/interfaces.js';
import { workerModule } from './thread.js';

interface Task {
  page: TDocumentDefinitions;
  resolve(bytes: Uint8Array): void;
  reject(error: unknown): void;
}

type Reply = { bytes: Uint8Array } | { error: unknown };

/** What a render thread runs: render-worker.ts, compiled or not (see thread.ts). */
const WORKER = workerModule('render-worker', import.meta.url);

/**
 * A render thread's heap. Left to V8, each thread's grew to ~150 MB with the garbage of
 * rendering while ~25 MB stayed live (a cold ZIP of 1,000 peaked at 327 MB with two threads);
 * a young generation of 8 MB has it collected sooner, and the cap on the old generation bounds
 * what any page can take. Measured: a cold ZIP of 1,000 peaks under 200 MB, and the largest
 * invoice the import lets through (1,000 lines of 200 characters, 28 pages) renders within the
 * cap; see bench/RESULTS.md.
 */
const RESOURCE_LIMITS: ResourceLimits = { maxYoungGenerationSizeMb: 8, maxOldGenerationSizeMb: 96 };

/** A thread left without work this long ends, so that a service that rendered a burst goes back to its idle memory. */
const IDLE_MS = 30_000;

/**
 * Threads that render PDFs, as many as the machine has cores, each with pdf.ts's
 * `renderPdf`, the one renderer. A cold ZIP or a push with many PDFs renders on every
 * core, and the main thread, which answers chats and mail, is never blocked by a render.
 * Threads start on first use and end after IDLE_MS without work, never holding the process open.
 */
export class RenderPool {
  private readonly workers = new Set<Worker>();
  private readonly idle: Worker[] = [];
  private readonly busy = new Map<Worker, Task>();
  private readonly queue: Task[] = [];
  private readonly retiring = new Map<Worker, NodeJS.Timeout>();
  private closed = false;

  constructor(
    readonly size = availableParallelism(),
    private readonly options: { idleMs: number; resourceLimits: ResourceLimits } = { idleMs: IDLE_MS, resourceLimits: RESOURCE_LIMITS },
  ) {}

  /** How many render threads run now (started, not yet ended). */
  get threads(): number {
    return this.workers.size;
  }

  render(page: TDocumentDefinitions): Promise<Uint8Array> {
    if (this.closed) return Promise.reject(new Error('RenderPool: closed'));
    return new Promise((resolve, reject) => {
      this.queue.push({ page, resolve, reject });
      this.dispatch();
    });
  }

  /** Stops the threads; renders not finished fail. */
  async close(): Promise<void> {
    this.closed = true;
    for (const task of this.queue.splice(0)) task.reject(new Error('RenderPool: closed'));
    for (const timer of this.retiring.values()) clearTimeout(timer);
    await Promise.all([...this.workers].map((worker) => worker.terminate()));
  }

  private dispatch(): void {
    while (this.queue.length > 0) {
      const worker = this.idle.pop() ?? (this.workers.size < this.size ? this.start() : undefined);
      if (!worker) return;
      clearTimeout(this.retiring.get(worker));
      this.retiring.delete(worker);
      const task = this.queue.shift()!;
      this.busy.set(worker, task);
      worker.ref();
      worker.postMessage(task.page);
    }
  }

  private start(): Worker {
    const worker = new Worker(WORKER, { name: 'facteur-render', resourceLimits: this.options.resourceLimits });
    this.workers.add(worker);
    worker.on('message', (reply: Reply) => {
      const task = this.busy.get(worker);
      this.busy.delete(worker);
      this.idle.push(worker);
      worker.unref();
      this.retiring.set(worker, setTimeout(() => this.retire(worker), this.options.idleMs).unref());
      if ('error' in reply) task?.reject(reply.error);
      else task?.resolve(reply.bytes);
      this.dispatch();
    });
    worker.on('error', (error) => this.lost(worker, error));
    worker.on('exit', (code) => this.lost(worker, new Error(`RenderPool: a render thread exited with code ${code}`)));
    return worker;
  }

  /** Ends a thread that has had no work for a while; the next render starts another. */
  private retire(worker: Worker): void {
    this.retiring.delete(worker);
    if (!this.idle.includes(worker)) return;
    this.idle.splice(this.idle.indexOf(worker), 1);
    this.workers.delete(worker);
    void worker.terminate();
  }

  /** A thread that failed to start or crashed (out of its heap, say) fails its render; the next render starts another. */
  private lost(worker: Worker, error: unknown): void {
    if (!this.workers.delete(worker)) return; // 'exit' follows 'error'
    const task = this.busy.get(worker);
    this.busy.delete(worker);
    if (this.idle.includes(worker)) this.idle.splice(this.idle.indexOf(worker), 1);
    task?.reject(error);
    if (!this.closed) this.dispatch();
  }
}

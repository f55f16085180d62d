import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
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
 * Threads that render PDFs, as many as the machine has cores, each with pdf.ts's
 * `renderPdf`, the one renderer. A cold ZIP or a push with many PDFs renders on every
 * core, and the main thread, which answers chats and mail, is never blocked by a render.
 * Threads start on first use and then stay, without holding the process open while idle.
 */
export class RenderPool {
  private readonly workers = new Set<Worker>();
  private readonly idle: Worker[] = [];
  private readonly busy = new Map<Worker, Task>();
  private readonly queue: Task[] = [];
  private closed = false;

  constructor(readonly size = availableParallelism()) {}

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
    await Promise.all([...this.workers].map((worker) => worker.terminate()));
  }

  private dispatch(): void {
    while (this.queue.length > 0) {
      const worker = this.idle.pop() ?? (this.workers.size < this.size ? this.start() : undefined);
      if (!worker) return;
      const task = this.queue.shift()!;
      this.busy.set(worker, task);
      worker.ref();
      worker.postMessage(task.page);
    }
  }

  private start(): Worker {
    const worker = new Worker(WORKER, { name: 'facteur-render' });
    this.workers.add(worker);
    worker.on('message', (reply: Reply) => {
      const task = this.busy.get(worker);
      this.busy.delete(worker);
      this.idle.push(worker);
      worker.unref();
      if ('error' in reply) task?.reject(reply.error);
      else task?.resolve(reply.bytes);
      this.dispatch();
    });
    worker.on('error', (error) => this.lost(worker, error));
    worker.on('exit', (code) => this.lost(worker, new Error(`RenderPool: a render thread exited with code ${code}`)));
    return worker;
  }

  /** A thread that failed to start or crashed fails its render; the next render starts another. */
  private lost(worker: Worker, error: unknown): void {
    if (!this.workers.delete(worker)) return; // 'exit' follows 'error'
    const task = this.busy.get(worker);
    this.busy.delete(worker);
    if (this.idle.includes(worker)) this.idle.splice(this.idle.indexOf(worker), 1);
    task?.reject(error);
    if (!this.closed) this.dispatch();
  }
}

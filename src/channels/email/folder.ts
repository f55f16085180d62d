import { createHash } from 'node:crypto';
import { watch, type FSWatcher } from 'node:fs';
import { mkdir, open, readdir, rename, stat } from 'node:fs/promises';
import path from 'node:path';
import type { Logger } from '../../log.js';
import { handleSafely, type MailPipeline } from './pipeline.js';
import { MAX_MESSAGE_BYTES } from './read.js';
import { Wake } from './wake.js';
import type { MailWatcher } from './watcher.js';

export interface FolderWatcherOptions {
  /** Where `.eml` files are dropped: `data/mail/inbox/`. */
  inbox: string;
  /** Where they go once handled, like the IMAP folders. */
  processed: string;
  failed: string;
  pipeline: MailPipeline;
  log: Logger;
}

/** File events can be missed (network file systems, editors writing in place): the folder is also looked at this often. */
const POLL_MS = 1_000;

/**
 * Local mode's mailbox: `.eml` files dropped into the inbox folder go through the very
 * pipeline IMAP mail goes through, then move to the processed or failed folder beside it.
 * A file should appear whole (written elsewhere, then moved in); names starting with a
 * dot are left alone until renamed.
 */
export class FolderWatcher implements MailWatcher {
  private readonly wake = new Wake();
  private stopping = false;
  private running: Promise<void> | undefined;
  private watcher: FSWatcher | undefined;

  constructor(private readonly options: FolderWatcherOptions) {}

  start(): void {
    this.running ??= this.run().catch((error: unknown) =>
      this.options.log.error({ err: error, inbox: this.options.inbox }, 'mail: the local inbox folder cannot be watched'),
    );
  }

  state(): { up: boolean; detail: string } {
    return this.running && !this.stopping
      ? { up: true, detail: 'watching the local inbox folder' }
      : { up: false, detail: 'not watching the local inbox folder' };
  }

  async stop(): Promise<void> {
    this.stopping = true;
    this.wake.up();
    await this.running;
  }

  private async run(): Promise<void> {
    const { inbox, processed, failed, log } = this.options;
    for (const dir of [inbox, processed, failed]) await mkdir(dir, { recursive: true });
    try {
      this.watcher = watch(inbox, () => this.wake.up());
      this.watcher.on('error', () => this.watcher?.close());
    } catch {
      // Polling alone will do.
    }
    log.info({ inbox }, 'mail: watching the local inbox folder');
    try {
      while (!this.stopping) {
        try {
          await this.drain();
        } catch (error) {
          log.error({ err: error, inbox }, 'mail: cannot read the local inbox folder');
        }
        await this.wake.sleep(POLL_MS);
      }
    } finally {
      // Closed here rather than in stop(), which may come before it was even opened.
      this.watcher?.close();
    }
  }

  private async drain(): Promise<void> {
    const { inbox, processed, failed, pipeline, log } = this.options;
    const names = (await readdir(inbox)).filter((name) => name.endsWith('.eml') && !name.startsWith('.')).sort();
    for (const name of names) {
      if (this.stopping) return;
      const file = path.join(inbox, name);
      const { raw, changedMs } = await readStart(file);
      // The file's change time is part of its key: a file moved back into the inbox (by hand, or by
      // `facteur inbox retry`) is a message handed back, not one already handled.
      const key = `file:${name}:${createHash('sha256').update(raw).digest('hex').slice(0, 16)}:${Math.trunc(changedMs)}`;
      if (!pipeline.due(key)) continue;
      const disposition = await handleSafely(pipeline, log, key, raw, async (maxBytes) => (await readStart(file, maxBytes)).raw);
      if (disposition === 'later') continue;
      await rename(file, await freeName(disposition === 'processed' ? processed : failed, name));
    }
  }
}

/** The first MAX_MESSAGE_BYTES of a file (or `maxBytes`), as IMAP fetches them, and when the file last changed place or content. */
async function readStart(file: string, maxBytes = MAX_MESSAGE_BYTES): Promise<{ raw: Buffer; changedMs: number }> {
  const handle = await open(file, 'r');
  try {
    const buffer = Buffer.alloc(maxBytes);
    const { bytesRead } = await handle.read(buffer, 0, maxBytes, 0);
    return { raw: buffer.subarray(0, bytesRead), changedMs: (await handle.stat()).ctimeMs };
  } finally {
    await handle.close();
  }
}

/** `name` in `dir`, or `name-2.eml`, `name-3.eml`... when taken, so an earlier message with that name is never overwritten. */
async function freeName(dir: string, name: string): Promise<string> {
  const stem = name.slice(0, -'.eml'.length);
  for (let n = 1; ; n++) {
    const candidate = path.join(dir, n === 1 ? name : `${stem}-${n}.eml`);
    if (!(await stat(candidate).catch(() => null))) return candidate;
  }
}

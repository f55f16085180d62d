import type { ZipProgress } from '../../documents/attachment.js';
import type { Logger } from '../../log.js';

export interface ProgressTiming {
  /** Nothing is shown before: a ZIP ready by then simply arrives. */
  afterMs: number;
  /** At most one edit per this time, the latest count each time. */
  everyMs: number;
}

/**
 * "A couple of seconds" before showing anything, then an edit every 1.5 s at most: Discord
 * limits the edits of an interaction's message to about five every few seconds, and a
 * 429 would hold up the answer's own edit behind it.
 */
export const PROGRESS_TIMING: ProgressTiming = { afterMs: 2_000, everyMs: 1_500 };

/**
 * A long ZIP shown under way by editing the deferred reply ("Préparation : 40 / 120
 * factures…"), throttled: nothing during `afterMs`, then at most one edit every `everyMs`,
 * never two at once, each with the latest count. `report` is the ZipProgress handed to the
 * request; `settle` ends it and waits for an edit under way, so that the answer's edit comes
 * after the last progress edit and is never overwritten by it.
 */
export class ProgressNotice {
  private readonly started = Date.now();
  private latest: { done: number; total: number } | null = null;
  private timer: NodeJS.Timeout | null = null;
  private lastEdit = Number.NEGATIVE_INFINITY;
  private editing: Promise<void> = Promise.resolve();
  private busy = false;
  private over = false;

  constructor(
    private readonly show: (done: number, total: number) => Promise<unknown>,
    private readonly timing: ProgressTiming,
    private readonly log: Logger,
  ) {}

  readonly report: ZipProgress = (done, total) => {
    if (this.over) return;
    this.latest = { done, total };
    // An edit already planned shows the latest count when its time comes.
    if (this.timer) return;
    const at = Math.max(this.started + this.timing.afterMs, this.lastEdit + this.timing.everyMs);
    this.timer = setTimeout(() => this.edit(), Math.max(0, at - Date.now()));
  };

  async settle(): Promise<void> {
    this.over = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.editing;
  }

  private edit(): void {
    this.timer = null;
    const latest = this.latest;
    if (this.over || !latest) return;
    if (this.busy) {
      // The last edit is still on its way (Discord made it wait): this one waits its turn.
      this.timer = setTimeout(() => this.edit(), this.timing.everyMs);
      return;
    }
    this.latest = null;
    this.lastEdit = Date.now();
    this.busy = true;
    this.editing = this.show(latest.done, latest.total).then(
      () => {
        this.busy = false;
      },
      (error: unknown) => {
        // A progress edit that fails costs the customer nothing but the count: the answer still comes.
        this.busy = false;
        this.log.warn({ err: error }, 'discord: a progress edit failed');
      },
    );
  }
}

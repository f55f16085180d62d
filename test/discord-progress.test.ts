/**
 * How a long ZIP's progress is shown on Discord (ProgressNotice), on the clock of vitest's
 * fake timers: what a customer sees over the seconds a ZIP takes, and that Discord is never
 * sent more edits than its rate limits allow, nor two at once.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ProgressNotice, PROGRESS_TIMING } from '../src/channels/discord/progress.js';
import { createLogger } from '../src/log.js';

const log = createLogger('silent');

/** Edits as Discord would receive them: the count shown, and when. */
function recorder() {
  const shown: { done: number; total: number; at: number }[] = [];
  return { shown, show: async (done: number, total: number) => void shown.push({ done, total, at: Date.now() }) };
}

/** `count` PDFs ready one every `everyMs`, told to the notice as the documents part tells it. */
async function prepare(notice: ProgressNotice, count: number, everyMs: number): Promise<void> {
  for (let done = 1; done <= count; done++) {
    notice.report(done, count);
    await vi.advanceTimersByTimeAsync(everyMs);
  }
}

beforeEach(() => {
  vi.useFakeTimers();
});

afterEach(() => {
  vi.useRealTimers();
});

describe('the progress of a ZIP on Discord', () => {
  it('shows nothing for a ZIP ready within a couple of seconds', async () => {
    const { shown, show } = recorder();
    const notice = new ProgressNotice(show, PROGRESS_TIMING, log);
    await prepare(notice, 30, 60);
    await notice.settle();
    await vi.advanceTimersByTimeAsync(10_000);
    expect(shown).toEqual([]);
  });

  it('then shows the latest count, at most once every 1.5 seconds, and nothing after the ZIP is ready', async () => {
    const { shown, show } = recorder();
    const started = Date.now();
    const notice = new ProgressNotice(show, PROGRESS_TIMING, log);
    await prepare(notice, 120, 50);
    await notice.settle();
    await vi.advanceTimersByTimeAsync(10_000);
    expect(shown.map(({ done, total, at }) => [done, total, at - started])).toEqual([
      [40, 120, 2_000],
      [70, 120, 3_500],
      [100, 120, 5_000],
    ]);
  });

  it('never sends an edit while the last one is on its way, and settles only once it is done', async () => {
    const pending: (() => void)[] = [];
    const shown: number[] = [];
    const show = (done: number) => new Promise<void>((resolve) => pending.push(() => resolve(void shown.push(done))));
    const notice = new ProgressNotice(show, { afterMs: 0, everyMs: 100 }, log);
    await prepare(notice, 10, 100);
    expect(pending).toHaveLength(1); // Discord holds the first edit (a rate limit): no other is sent meanwhile
    pending.shift()!();
    await vi.advanceTimersByTimeAsync(100);
    expect(shown).toEqual([1]);
    expect(pending).toHaveLength(1); // then the latest count, once
    let settled = false;
    const settling = notice.settle().then(() => (settled = true));
    await vi.advanceTimersByTimeAsync(0);
    expect(settled).toBe(false);
    pending.shift()!();
    await settling;
    expect(shown).toEqual([1, 10]);
    expect(pending).toEqual([]);
  });
});

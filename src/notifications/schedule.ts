import cron, { type ScheduledTask } from 'node-cron';
import type { Logger } from '../log.js';

export interface PushSchedule {
  /** A cron expression, with an optional leading seconds field. */
  cron: string;
  timezone: string;
}

/**
 * Runs `job` on the schedule, never two at once (node-cron's `noOverlap`, which guards one
 * process: the store is single-process too). A slot missed while the machine slept is not
 * caught up by node-cron; the job finds its own work, so the next slot does it.
 */
export function schedule(job: () => Promise<unknown>, when: PushSchedule, log: Logger): ScheduledTask {
  const task = cron.schedule(
    when.cron,
    async () => {
      try {
        await job();
      } catch (error) {
        log.error({ err: error, event: 'push.failed' }, 'scheduled push failed; the next run will pick up its work');
      }
    },
    { timezone: when.timezone, noOverlap: true, name: 'push' },
  );
  task.on('execution:overlap', () => log.debug({ event: 'push.overlap' }, 'push still running: slot skipped'));
  return task;
}

import cron from 'node-cron';
import type { Logger } from '../log.js';

export interface PushSchedule {
  /** A cron expression, with an optional leading seconds field. */
  cron: string;
  timezone: string;
}

/**
 * Runs `job` on the schedule, never two at once in this process (node-cron's `noOverlap`;
 * a job shared by several processes guards itself with `Store.exclusive`). A slot missed while the machine slept is not
 * caught up by node-cron; the job finds its own work, so the next slot does it.
 */
export function schedule(job: () => Promise<unknown>, when: PushSchedule, log: Logger, name = 'push'): Scheduled {
  let running: Promise<void> | null = null;
  const task = cron.schedule(
    when.cron,
    async () => {
      running = job().then(
        () => undefined,
        (error: unknown) => log.error({ err: error, event: `${name}.failed` }, `scheduled ${name} failed; the next run will pick up its work`),
      );
      await running;
      running = null;
    },
    { timezone: when.timezone, noOverlap: true, name },
  );
  task.on('execution:overlap', () => log.debug({ event: `${name}.overlap` }, `${name} still running: slot skipped`));
  return {
    async stop() {
      await task.stop();
      await running;
      await task.destroy();
    },
  };
}

/** A scheduled job; stopping it lets a run under way finish, so nothing it sends is cut off. */
export interface Scheduled {
  stop(): Promise<void>;
}

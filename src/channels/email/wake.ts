/**
 * A watcher's alarm clock: it sleeps until something happens (new mail, a stop) or a
 * time passes. A wake-up that comes while the watcher is busy is kept for its next sleep,
 * so mail that lands during a round is never waited on.
 */
export class Wake {
  private rung = false;
  private ring: (() => void) | undefined;

  up(): void {
    this.rung = true;
    this.ring?.();
  }

  /** Resolves true when woken, false when `ms` passed first. */
  sleep(ms: number): Promise<boolean> {
    if (this.rung) {
      this.rung = false;
      return Promise.resolve(true);
    }
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.ring = undefined;
        resolve(false);
      }, ms);
      this.ring = () => {
        clearTimeout(timer);
        this.ring = undefined;
        this.rung = false;
        resolve(true);
      };
    });
  }
}

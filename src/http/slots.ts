/** Why a place was not given: the key has all of its own, or every place is taken. */
export type NoSlot = 'key' | 'all';

/**
 * Places for work that holds resources while it lasts (a ZIP being written to a reader): at
 * most `perKey` for one key (a download link) and `atOnce` in all. A place is taken at once
 * or refused, never waited for: whoever is refused is told to come back, so that a flood
 * queues nothing in memory. `take` returns the function that gives the place back, which
 * does it once however often it is called.
 */
export class Slots {
  private readonly byKey = new Map<string, number>();
  private total = 0;

  constructor(
    private readonly perKey: number,
    private readonly atOnce: number,
  ) {}

  take(key: string): { release: () => void } | { refused: NoSlot } {
    const refused = this.wouldRefuse(key);
    if (refused) return { refused };
    this.byKey.set(key, (this.byKey.get(key) ?? 0) + 1);
    this.total++;
    let released = false;
    return {
      release: () => {
        if (released) return;
        released = true;
        this.total--;
        const left = this.byKey.get(key)! - 1;
        if (left === 0) this.byKey.delete(key);
        else this.byKey.set(key, left);
      },
    };
  }

  /** Why `take(key)` would be refused now, or null when it would be given. */
  wouldRefuse(key: string): NoSlot | null {
    if ((this.byKey.get(key) ?? 0) >= this.perKey) return 'key';
    return this.total >= this.atOnce ? 'all' : null;
  }
}

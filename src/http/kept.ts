/**
 * Answers kept for `ttlMs` by key, at most `max` of them (the least recently asked go
 * first): what a flood asks again and again is worked out once, and the memory it takes
 * is bounded whatever the number of keys. Callers asking for a key at the same time share
 * one piece of work; a failure is not kept, so the next caller tries again.
 */
export class Kept<T> {
  private readonly entries = new Map<string, { at: number; value: Promise<T> }>();

  constructor(
    private readonly ttlMs: number,
    private readonly max: number,
    private readonly now: () => number = () => Date.now(),
  ) {}

  get(key: string, make: () => Promise<T>): Promise<T> {
    const found = this.entries.get(key);
    this.entries.delete(key);
    if (found && this.now() - found.at < this.ttlMs) {
      this.entries.set(key, found);
      return found.value;
    }
    const entry = { at: this.now(), value: make() };
    entry.value.catch(() => {
      if (this.entries.get(key) === entry) this.entries.delete(key);
    });
    this.entries.set(key, entry);
    if (this.entries.size > this.max) this.entries.delete(this.entries.keys().next().value!);
    return entry.value;
  }
}

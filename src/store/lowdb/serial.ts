/**
 * One change at a time per key: a change of a record that must await a file before it is
 * applied (an inbound day file being opened) waits for the previous change of that record,
 * so that it runs on what that one wrote. Changes of different keys run side by side.
 */
export class Serial {
  private readonly tails = new Map<string, Promise<unknown>>();

  run<T>(key: string, work: () => Promise<T>): Promise<T> {
    // Each tail is settled and never rejects: a failed change does not stop the next one.
    const next = (this.tails.get(key) ?? Promise.resolve()).then(work);
    const tail = next.catch(() => {});
    this.tails.set(key, tail);
    void tail.then(() => {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    });
    return next;
  }
}

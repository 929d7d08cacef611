/**
 * Numbers a store's reads so that only the newest one is applied: an answer (or error) that
 * arrives after a newer read started is dropped, and `busy` follows the newest read.
 */
export class LatestRead {
  private seq = 0;

  async run<T>(read: () => Promise<T>, on: { ok(value: T): void; fail(err: unknown): void; busy?(busy: boolean): void }): Promise<void> {
    const seq = ++this.seq;
    on.busy?.(true);
    try {
      const value = await read();
      if (seq === this.seq) on.ok(value);
    } catch (err) {
      if (seq === this.seq) on.fail(err);
    } finally {
      if (seq === this.seq) on.busy?.(false);
    }
  }
}

/**
 * Counts asynchronous work in flight so virtual-time runs can wait for the engine to settle
 * after each timer (see ManualClock.run) and shutdown can wait for it to drain.
 */
export class WorkTracker {
  private inFlight = 0;
  private waiters: (() => void)[] = [];

  track<T>(work: Promise<T>): Promise<T> {
    this.inFlight++;
    return work.finally(() => {
      this.inFlight--;
      if (this.inFlight === 0) setImmediate(() => this.wake());
    });
  }

  /** Resolves once nothing is in flight (checked again after a macrotask, as work may chain). */
  async idle(): Promise<void> {
    for (;;) {
      if (this.inFlight === 0) {
        await new Promise((r) => setImmediate(r));
        if (this.inFlight === 0) return;
      }
      await new Promise<void>((r) => this.waiters.push(r));
    }
  }

  private wake(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const r of w) r();
  }
}

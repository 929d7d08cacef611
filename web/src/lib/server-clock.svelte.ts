/**
 * The call centre's clock as the server keeps it. It is the wall's, except on a demo whose server runs its clock
 * `SIM_TIME_SCALE` times faster: then wrap-up countdowns, time in state, followups due and campaign start times
 * are read on the server's time, which runs ahead of the browser's and faster. Synchronised from `me` at sign-in.
 */
export class ServerClock {
  /** How many times faster than the wall the server's clock runs (1 but on a sped-up demo). */
  scale = $state(1);
  private serverAt = Date.now();
  private localAt = Date.now();

  /** Takes the server's time (`me.now`) as read at `localNow` and its speed. */
  sync(serverNow: string, scale: number, localNow = Date.now()): void {
    const t = Date.parse(serverNow);
    if (!Number.isFinite(t) || !(scale >= 1)) return;
    this.serverAt = t;
    this.localAt = localNow;
    this.scale = scale;
  }

  /** The server's time at the browser's `local` time (milliseconds), by default now. */
  now(local = Date.now()): number {
    return this.serverAt + (local - this.localAt) * this.scale;
  }
}

/** The one clock every screen reads. */
export const serverClock = new ServerClock();

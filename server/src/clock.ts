/** A timer handle from a {@link Clock}. */
export interface Timer {
  readonly id: number;
}

/**
 * The only source of "now" and of timers in the server, so tests and the simulator can run a day
 * of dialling in seconds of real time.
 */
export interface Clock {
  now(): Date;
  setTimeout(fn: () => void, ms: number): Timer;
  clearTimeout(timer: Timer | undefined): void;
}

/**
 * Wall time sped up `scale` times (`SIM_TIME_SCALE`): from the anchor on, `now()` runs `scale` times faster than the
 * wall (at `anchorWall` it reads `anchorSim`), and a timer of `ms` fires after `ms / scale` real milliseconds, so
 * everything that reads this clock (engine ticks, the 2-second abandon grace, ring timeouts, wrap-up, forecasts,
 * calling windows, days) keeps its proportions with the simulated calls. At ×1 it is the wall's clock.
 */
export class ScaledClock implements Clock {
  private readonly timers = new Map<number, NodeJS.Timeout>();
  private seq = 0;

  constructor(
    readonly scale: number,
    /** Wall time (ms) at which the clock read `anchorSim`. @default now */
    readonly anchorWall = Date.now(),
    /** @default `anchorWall` */
    readonly anchorSim = anchorWall,
  ) {
    if (!Number.isFinite(scale) || scale < 1) throw new RangeError(`the time scale must be 1 or more, not ${scale}`);
  }
  now(): Date {
    return new Date(this.anchorSim + (Date.now() - this.anchorWall) * this.scale);
  }
  setTimeout(fn: () => void, ms: number): Timer {
    const id = ++this.seq;
    const t = setTimeout(() => {
      this.timers.delete(id);
      fn();
    }, Math.max(0, ms) / this.scale);
    t.unref();
    this.timers.set(id, t);
    return { id };
  }
  clearTimeout(timer: Timer | undefined): void {
    if (!timer) return;
    clearTimeout(this.timers.get(timer.id));
    this.timers.delete(timer.id);
  }
}

/** The wall's clock: a scaled clock at ×1 (its timers are real timers that do not keep the process alive). */
export const systemClock: Clock = new ScaledClock(1);

/** How many times faster than the wall a clock runs (1 for every clock but a {@link ScaledClock}). */
export function timeScaleOf(clock: Clock): number {
  return clock instanceof ScaledClock ? clock.scale : 1;
}

interface Pending {
  id: number;
  at: number;
  fn: () => void;
}

/**
 * A clock that moves only when told to. `advance` fires due timers in time order (each sees
 * `now()` equal to its due time); `run` does the same but lets asynchronous work settle after
 * every timer, so a whole campaign can play out in virtual time against a real database.
 */
export class ManualClock implements Clock {
  private ms: number;
  private seq = 0;
  private queue: Pending[] = [];

  constructor(start: Date | string | number) {
    this.ms = new Date(start).getTime();
  }
  now(): Date {
    return new Date(this.ms);
  }
  set(at: Date | string | number): void {
    this.ms = new Date(at).getTime();
  }
  setTimeout(fn: () => void, ms: number): Timer {
    const timer = { id: ++this.seq, at: this.ms + Math.max(0, ms), fn };
    // keep the queue sorted by due time, then creation order
    let i = this.queue.length;
    while (i > 0 && this.queue[i - 1]!.at > timer.at) i--;
    this.queue.splice(i, 0, timer);
    return { id: timer.id };
  }
  clearTimeout(timer: Timer | undefined): void {
    if (!timer) return;
    this.queue = this.queue.filter((p) => p.id !== timer.id);
  }
  /** Timers not yet fired. */
  get pending(): number {
    return this.queue.length;
  }
  /** Moves time forward by `ms`, firing due timers synchronously. */
  advance(ms: number): void {
    const target = this.ms + ms;
    for (let next = this.queue[0]; next && next.at <= target; next = this.queue[0]) {
      this.queue.shift();
      this.ms = next.at;
      next.fn();
    }
    this.ms = target;
  }
  /** Moves time forward by `ms`, awaiting `settle()` after each fired timer. */
  async run(ms: number, settle: () => Promise<void>): Promise<void> {
    const target = this.ms + ms;
    await settle();
    for (let next = this.queue[0]; next && next.at <= target; next = this.queue[0]) {
      this.queue.shift();
      this.ms = next.at;
      next.fn();
      await settle();
    }
    this.ms = target;
  }
}

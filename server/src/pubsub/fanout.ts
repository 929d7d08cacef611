/**
 * Local fan-out (issue 19): however many subscribers a stream has in this process, it is read once — one upstream
 * subscription per key (one EventTarget listener, one Redis channel interest, one shared read) — and each value is
 * handed to every local subscriber through a small queue. The pubsub's own `subscribe` gives every subscriber its own
 * EventTarget listener (adding one walks the listener list: quadratic as thousands of wallboards connect) and its own
 * Repeater (several promises per value each).
 *
 * Every subscriber receives the very same value object, so work keyed by it (the GraphQL result of an operation,
 * `shared-subscribe.ts`) is done once per value, not once per subscriber.
 */

/** A subscriber's stream: an async iterator whose `return()` unsubscribes. */
export interface Subscription<T> extends AsyncIterableIterator<T> {
  return(): Promise<IteratorResult<T>>;
}

export interface BroadcastOptions {
  /**
   * Each value is the whole current state (a campaign's counts, a hint to re-read), so a subscriber that is behind
   * needs only the newest: its queue holds one value and a newer one replaces it. Without it every value is queued.
   * @default false
   */
  conflate?: boolean;
}

/** A subscriber's queue. */
class Subscriber<T> implements Subscription<T> {
  private queue: T[] = [];
  private waiting: ((r: IteratorResult<T>) => void) | undefined;
  private closed = false;

  constructor(
    private readonly conflate: boolean,
    private readonly leave: (s: Subscriber<T>) => void,
  ) {}

  push(value: T): void {
    if (this.closed) return;
    const wake = this.waiting;
    if (wake) {
      this.waiting = undefined;
      wake({ value, done: false });
    } else if (this.conflate) this.queue[0] = value;
    else this.queue.push(value);
  }

  /** The upstream ended: what is queued is still delivered, then the stream ends. */
  end(): void {
    this.closed = true;
    const wake = this.waiting;
    this.waiting = undefined;
    wake?.({ value: undefined, done: true });
  }

  next(): Promise<IteratorResult<T>> {
    if (this.queue.length) return Promise.resolve({ value: this.queue.shift()!, done: false });
    if (this.closed) return Promise.resolve({ value: undefined, done: true });
    return new Promise((resolve) => (this.waiting = resolve));
  }

  return(): Promise<IteratorResult<T>> {
    if (!this.closed) this.leave(this);
    this.queue = [];
    this.end();
    return Promise.resolve({ value: undefined, done: true });
  }

  throw(err?: unknown): Promise<IteratorResult<T>> {
    void this.return();
    return Promise.reject(err);
  }

  [Symbol.asyncIterator](): this {
    return this;
  }
}

/** One key's upstream and its local subscribers. */
class Channel<T> {
  readonly subscribers = new Set<Subscriber<T>>();
  private readonly upstream: AsyncIterator<T>;

  constructor(source: AsyncIterable<T>, onError: (err: unknown) => void, private readonly onEnd: () => void) {
    this.upstream = source[Symbol.asyncIterator]();
    // started at once: the subscription is live before the subscriber reads its first value
    this.pump().catch(onError).finally(() => this.finish());
  }

  private async pump(): Promise<void> {
    for (;;) {
      const r = await this.upstream.next();
      if (r.done || !this.subscribers.size) return;
      for (const s of this.subscribers) s.push(r.value);
    }
  }

  close(): void {
    void this.upstream.return?.();
  }

  private finish(): void {
    this.onEnd();
    for (const s of this.subscribers) s.end();
    this.subscribers.clear();
  }
}

/**
 * Streams by key, each read once however many local subscribers it has. `source(key)` is called when a key gets its
 * first subscriber and its iterator returned when the last one leaves.
 */
export class Broadcast<K, T> {
  private readonly channels = new Map<K, Channel<T>>();

  constructor(
    private readonly source: (key: K) => AsyncIterable<T>,
    private readonly options: BroadcastOptions & { onError?: (err: unknown) => void } = {},
  ) {}

  subscribe(key: K): Subscription<T> {
    let channel = this.channels.get(key);
    if (!channel) {
      const created: Channel<T> = new Channel(this.source(key), this.options.onError ?? (() => undefined), () => {
        if (this.channels.get(key) === created) this.channels.delete(key);
      });
      this.channels.set(key, (channel = created));
    }
    const owner = channel;
    const subscriber = new Subscriber<T>(this.options.conflate ?? false, (s) => {
      owner.subscribers.delete(s);
      if (owner.subscribers.size) return;
      if (this.channels.get(key) === owner) this.channels.delete(key);
      owner.close();
    });
    owner.subscribers.add(subscriber);
    return subscriber;
  }

  /** Local subscribers of a key (for tests and figures). */
  subscriberCount(key: K): number {
    return this.channels.get(key)?.subscribers.size ?? 0;
  }

  /** Keys with an upstream open. */
  get size(): number {
    return this.channels.size;
  }
}

/**
 * `first`, then for each value of `source` what `step` makes of it (undefined: nothing to send for that one): a
 * subscription's current value followed by its changes. `return()` stops listening at once, even while waiting for the
 * source (an async generator would wait for its next value), and this costs one promise per value, not several.
 */
export function firstThen<S, T>(first: T, source: AsyncIterable<S>, step: (value: S) => T | undefined | Promise<T | undefined>): AsyncIterableIterator<T> {
  const it = source[Symbol.asyncIterator]();
  let pending: T | undefined = first;
  const stream: AsyncIterableIterator<T> = {
    async next() {
      if (pending !== undefined) {
        const value = pending;
        pending = undefined;
        return { value, done: false };
      }
      for (;;) {
        const r = await it.next();
        if (r.done) return { value: undefined, done: true };
        const made = step(r.value);
        // a synchronous step (a filter) costs no extra turn: this runs for every subscriber on every push
        const value = made instanceof Promise ? await made : made;
        if (value !== undefined) return { value, done: false };
      }
    },
    async return() {
      pending = undefined;
      await it.return?.();
      return { value: undefined, done: true };
    },
    [Symbol.asyncIterator]: () => stream,
  };
  return stream;
}

/**
 * A subscription's stream: `source` is already listening, then the current value is read (so no change falls between
 * the two), then {@link firstThen}. If the read fails, the source is released and the error goes to the subscriber.
 */
export async function currentThen<S, T>(
  source: Subscription<S>,
  read: () => Promise<T>,
  step: (value: S, first: T) => T | undefined | Promise<T | undefined>,
): Promise<AsyncIterableIterator<T>> {
  let first: T;
  try {
    first = await read();
  } catch (err) {
    void source.return();
    throw err;
  }
  return firstThen(first, source, (value) => step(value, first));
}

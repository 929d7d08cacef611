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

/** Where a listened stream's values go, as they come. */
export interface Sink<T> {
  next(value: T): void;
  end(): void;
  error(err: unknown): void;
}

/**
 * A stream that can also hand its values to a sink as they come, with no promise per value: the wallboard fan-out's
 * hot path, where one event is thousands of deliveries (`shared-subscribe.ts`). `listen` is called once, instead of
 * reading with `next()`; `return()` still unsubscribes.
 */
export interface Listenable<T> {
  listen(sink: Sink<T>): void;
}

export function isListenable<T>(stream: object): stream is Listenable<T> {
  return typeof (stream as Partial<Listenable<T>>).listen === 'function';
}

/**
 * Runs steps one after another: at once while none is waiting on a promise, else after those that are. Values handed
 * to a sink keep their order even when a step is asynchronous, and cost nothing extra when none is.
 */
export class InOrder {
  private tail: Promise<void> | undefined;

  constructor(private readonly onError: (err: unknown) => void) {}

  run(step: () => void | Promise<void>): void {
    if (this.tail) return this.track(this.tail.then(step));
    let made: void | Promise<void>;
    try {
      made = step();
    } catch (err) {
      return this.onError(err);
    }
    if (made instanceof Promise) this.track(made);
  }

  private track(step: Promise<void>): void {
    const tail: Promise<void> = step.then(
      () => void (this.tail === tail && (this.tail = undefined)),
      (err: unknown) => {
        if (this.tail === tail) this.tail = undefined;
        this.onError(err);
      },
    );
    this.tail = tail;
  }
}

export interface BroadcastOptions {
  /**
   * Each value is the whole current state (a campaign's counts, a hint to re-read), so a subscriber that is behind
   * needs only the newest: its queue holds one value and a newer one replaces it. Without it every value is queued.
   * @default false
   */
  conflate?: boolean;
}

/** A subscriber's queue (or, listened to, its sink). */
class Subscriber<T> implements Subscription<T>, Listenable<T> {
  private queue: T[] = [];
  private waiting: ((r: IteratorResult<T>) => void) | undefined;
  private sink: Sink<T> | undefined;
  private closed = false;

  constructor(
    private readonly conflate: boolean,
    private readonly leave: (s: Subscriber<T>) => void,
  ) {}

  push(value: T): void {
    if (this.closed) return;
    if (this.sink) return this.sink.next(value);
    const wake = this.waiting;
    if (wake) {
      this.waiting = undefined;
      wake({ value, done: false });
    } else if (this.conflate) this.queue[0] = value;
    else this.queue.push(value);
  }

  listen(sink: Sink<T>): void {
    const queued = this.queue;
    this.queue = [];
    for (const value of queued) sink.next(value);
    if (this.closed) return sink.end();
    this.sink = sink;
  }

  /** The upstream ended: what is queued is still delivered, then the stream ends. */
  end(): void {
    this.closed = true;
    const sink = this.sink;
    this.sink = undefined;
    sink?.end();
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
export function firstThen<S, T>(first: T, source: AsyncIterable<S>, step: (value: S) => T | undefined | Promise<T | undefined>): AsyncIterableIterator<T> & Partial<Listenable<T>> {
  const it = source[Symbol.asyncIterator]();
  let pending: T | undefined = first;
  const stream: AsyncIterableIterator<T> & Partial<Listenable<T>> = {
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
  // listened to (the fan-out's hot path) when its source can be: each value stepped and handed on as it comes
  if (isListenable<S>(it)) {
    stream.listen = (sink) => {
      const order = new InOrder((err) => sink.error(err));
      if (pending !== undefined) {
        const value = pending;
        pending = undefined;
        sink.next(value);
      }
      const hand = (value: T | undefined) => void (value !== undefined && sink.next(value));
      it.listen({
        next: (value) => order.run(() => {
          const made = step(value);
          return made instanceof Promise ? made.then(hand) : hand(made);
        }),
        end: () => order.run(() => sink.end()),
        error: (err) => order.run(() => sink.error(err)),
      });
    };
  }
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

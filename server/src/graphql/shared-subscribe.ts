import { createSourceEventStream, execute, getOperationAST, Kind, print, type DocumentNode, type ExecutionArgs, type ExecutionResult } from 'graphql';
import { InOrder, isListenable } from '../pubsub/fanout.js';
import type { GraphQLContext } from './context.js';

/**
 * Subscriptions whose result depends only on the event and the operation, never on who asked (access is checked
 * when subscribing). Others (an agent's console, the agent board) are executed per subscriber as usual.
 */
const SHAREABLE = new Set(['campaignStatsChanged', 'campaignLiveChanged']);

/** The printed text of each parsed document (parsed once per subscribe message, printed once). */
const printed = new WeakMap<DocumentNode, string>();
/** Per published payload, the result of each distinct operation on it: computed by its first subscriber, shared by the rest. */
const results = new WeakMap<object, Map<string, Promise<ExecutionResult> | ExecutionResult>>();

/**
 * graphql-ws `subscribe` for a wallboard's fan-out (issue 19): like graphql-js's `subscribe`, each subscriber's source
 * stream is made by its own subscribe resolver (access is checked per subscriber), but an event is executed once per
 * distinct operation (document, operation name, variables, and the caller's organisation and role) and that result is
 * shared by every subscriber of the same operation, instead of once per subscriber. The pubsub hands every local
 * subscriber the same payload object, which keys the cache (a WeakMap: a payload no one holds is forgotten).
 */
export async function sharedSubscribe(args: ExecutionArgs): Promise<AsyncGenerator<ExecutionResult, void, void> | ExecutionResult> {
  const source = await createSourceEventStream(args);
  if (!(Symbol.asyncIterator in source)) return source as ExecutionResult;
  const ctx = args.contextValue as GraphQLContext;
  const own = (payload: unknown) => execute({ ...args, rootValue: payload }) as Promise<ExecutionResult> | ExecutionResult;
  const op = getOperationAST(args.document, args.operationName);
  const fields = op?.selectionSet.selections ?? [];
  if (fields.length !== 1 || fields[0]!.kind !== Kind.FIELD || !SHAREABLE.has(fields[0]!.name.value)) return mapEvents(source as AsyncGenerator<unknown>, own);
  let doc = printed.get(args.document);
  if (doc === undefined) printed.set(args.document, (doc = print(args.document)));
  const key = `${ctx.actor.organizationId}|${ctx.actor.role}|${args.operationName ?? ''}|${JSON.stringify(args.variableValues ?? {})}|${doc}`;
  // the subscribe resolver has run: this operation's unit of work is no longer needed (its events only map payloads)
  ctx.releaseEm?.();
  const shared = (payload: unknown) => {
    if (typeof payload !== 'object' || payload === null) return own(payload);
    let byOp = results.get(payload);
    if (!byOp) results.set(payload, (byOp = new Map()));
    let result = byOp.get(key);
    if (!result) byOp.set(key, (result = own(payload)));
    return result;
  };
  return ctx.sendNext ? new PushedStream(source as AsyncGenerator<unknown>, shared, ctx.sendNext) : mapEvents(source as AsyncGenerator<unknown>, shared);
}

/** Per result, its JSON: serialised once, however many subscribers it is sent to. */
const serialised = new WeakMap<ExecutionResult, Buffer>();

function jsonOf(result: ExecutionResult): Buffer {
  let json = serialised.get(result);
  if (!json) serialised.set(result, (json = Buffer.from(JSON.stringify(result))));
  return json;
}

/**
 * A subscription whose results are sent straight to its socket, already serialised (`sendNext`), instead of through
 * graphql-ws's loop (which serialises each subscriber's copy and costs several promises per push): at 5,000 wallboards
 * a process sends over 10,000 pushes a second and that per-push work, and the garbage it left, was most of its time.
 * Its source is listened to when it can be (`Listenable`: each event handed to every subscriber in one synchronous
 * loop, no promise per push), else read. To graphql-ws it is a stream that yields nothing until the source ends (then
 * graphql-ws completes the subscription as usual), fails (it sends the error) or a result carries errors (handed to
 * graphql-ws to send, with its own error formatting; what follows waits until it has). It starts at graphql-ws's
 * first `next()`, once graphql-ws has registered the subscription; `return()` (the client completed, the socket
 * closed) stops it at once.
 */
export class PushedStream<T> implements AsyncGenerator<ExecutionResult, void, void> {
  private waiter: { resolve(r: IteratorResult<ExecutionResult, void>): void; reject(err: unknown): void } | undefined;
  /** While a result with errors is with graphql-ws: goes on when graphql-ws asks for the next one. */
  private resume: (() => void) | undefined;
  private started = false;
  private stopped = false;
  private readonly order = new InOrder((err) => this.fail(err));

  constructor(
    private readonly source: AsyncIterator<T>,
    private readonly map: (value: T) => Promise<ExecutionResult> | ExecutionResult,
    private readonly send: (payloadJson: Buffer) => void,
  ) {}

  next(): Promise<IteratorResult<ExecutionResult, void>> {
    if (this.stopped) return Promise.resolve({ value: undefined, done: true });
    const answer = new Promise<IteratorResult<ExecutionResult, void>>((resolve, reject) => (this.waiter = { resolve, reject }));
    if (!this.started) {
      this.started = true;
      this.start();
    } else this.takeResume()?.();
    return answer;
  }

  async return(): Promise<IteratorResult<ExecutionResult, void>> {
    this.stop();
    await this.source.return?.();
    return { value: undefined, done: true };
  }

  async throw(err?: unknown): Promise<IteratorResult<ExecutionResult, void>> {
    await this.return();
    throw err;
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  private start(): void {
    if (!isListenable<T>(this.source)) return void this.read();
    this.source.listen({
      next: (value) => this.order.run(() => this.handle(value)),
      end: () => this.order.run(() => this.stop()),
      error: (err) => this.order.run(() => this.fail(err)),
    });
  }

  private async read(): Promise<void> {
    try {
      for (;;) {
        const r = await this.source.next();
        if (this.stopped) return;
        if (r.done) return this.stop();
        const handled = this.handle(r.value);
        if (handled) await handled;
      }
    } catch (err) {
      this.fail(err);
    }
  }

  /** Maps a value and sends its result, or hands a result with errors to graphql-ws (what follows waits until it has). */
  private handle(value: T): void | Promise<void> {
    if (this.stopped) return;
    const made = this.map(value);
    return made instanceof Promise ? made.then((result) => this.emit(result)) : this.emit(made);
  }

  private emit(result: ExecutionResult): void | Promise<void> {
    if (this.stopped) return;
    if (!result.errors?.length) return this.send(jsonOf(result));
    return new Promise<void>((resolve) => {
      this.resume = resolve;
      this.settle({ value: result, done: false });
    });
  }

  private settle(r: IteratorResult<ExecutionResult, void>): void {
    const waiter = this.waiter;
    this.waiter = undefined;
    waiter?.resolve(r);
  }

  private takeResume(): (() => void) | undefined {
    const resume = this.resume;
    this.resume = undefined;
    return resume;
  }

  /** The end: graphql-ws's waiting `next()` is answered "done". */
  private stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    this.settle({ value: undefined, done: true });
    this.takeResume()?.();
  }

  private fail(err: unknown): void {
    if (this.stopped) return;
    this.stopped = true;
    const waiter = this.waiter;
    this.waiter = undefined;
    waiter?.reject(err);
    this.takeResume()?.();
    void this.source.return?.();
  }
}

/** Maps a source stream's events, passing `return` (the client unsubscribed) through to the source. */
function mapEvents<T, U>(source: AsyncGenerator<T>, fn: (value: T) => U | Promise<U>): AsyncGenerator<U, void, void> {
  const it = source[Symbol.asyncIterator]();
  const mapped: AsyncGenerator<U, void, void> = {
    async next() {
      const r = await it.next();
      return r.done ? { value: undefined, done: true } : { value: await fn(r.value), done: false };
    },
    async return() {
      await it.return?.(undefined);
      return { value: undefined, done: true };
    },
    async throw(err: unknown) {
      await it.return?.(undefined);
      throw err;
    },
    [Symbol.asyncIterator]() {
      return mapped;
    },
  } as AsyncGenerator<U, void, void>;
  return mapped;
}

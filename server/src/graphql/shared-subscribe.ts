import { createSourceEventStream, execute, getOperationAST, Kind, print, type DocumentNode, type ExecutionArgs, type ExecutionResult } from 'graphql';
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
  return mapEvents(source as AsyncGenerator<unknown>, (payload) => {
    if (typeof payload !== 'object' || payload === null) return own(payload);
    let byOp = results.get(payload);
    if (!byOp) results.set(payload, (byOp = new Map()));
    let result = byOp.get(key);
    if (!result) byOp.set(key, (result = own(payload)));
    return result;
  });
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

import { GraphQLError, type ExecutionResult } from 'graphql';
import { createRequire } from 'node:module';
import type { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { Broadcast, firstThen, isListenable } from '../src/pubsub/fanout.js';
import { PushedStream } from '../src/graphql/shared-subscribe.js';
import { textFrameStart } from '../src/graphql/ws-transport.js';

// ws's frame parser (exported by ws, not declared by @types/ws)
const { Receiver } = createRequire(import.meta.url)('ws') as { Receiver: new (options: { isServer: boolean }) => EventEmitter & { write(chunk: Buffer): void } };

const tick = () => new Promise((r) => setTimeout(r, 0));
type Event = { n: number; fail?: boolean };

/** A stream over a broadcast key, with each `send` recorded as the JSON text it carried. */
function pushed(broadcast: Broadcast<string, Event>, results = new Map<Event, ExecutionResult>(), mode: 'listened' | 'read' = 'listened') {
  const sent: Buffer[] = [];
  const subscription = broadcast.subscribe('k');
  // read: the same source without `listen`, as any other async iterator
  const source = mode === 'listened' ? subscription : { next: () => subscription.next(), return: () => subscription.return() };
  const map = (e: Event) => {
    let r = results.get(e);
    if (!r) results.set(e, (r = e.fail ? { data: null, errors: [new GraphQLError(`bad ${e.n}`)] } : { data: { n: e.n } }));
    return r;
  };
  return { stream: new PushedStream(source, map, (json) => sent.push(json)), sent, texts: () => sent.map(String) };
}

/** A broadcast whose key's values are pushed by hand. */
function manual() {
  let push!: (e: Event) => void;
  let end!: () => void;
  let fail!: (err: Error) => void;
  const broadcast = new Broadcast<string, Event>(() => {
    const queue: Event[] = [];
    let wake: (() => void) | undefined;
    let state = 'open' as 'open' | 'ended' | Error;
    push = (e) => (queue.push(e), wake?.());
    end = () => ((state = 'ended'), wake?.());
    fail = (err) => ((state = err), wake?.());
    return (async function* () {
      for (;;) {
        while (queue.length) yield queue.shift()!;
        if (state instanceof Error) throw state;
        if (state === 'ended') return;
        await new Promise<void>((r) => (wake = r));
      }
    })();
  });
  return { broadcast, push: (e: Event) => push(e), end: () => end(), fail: (err: Error) => fail(err) };
}

describe('pushed subscription streams (issue 19, fan-out)', () => {
  it('sends each result serialised once, however many subscribers share it, and reads nothing before the first next()', async () => {
    const src = manual();
    const results = new Map<Event, ExecutionResult>();
    const a = pushed(src.broadcast, results);
    const b = pushed(src.broadcast, results);
    src.push({ n: 1 });
    await tick();
    expect(a.sent).toHaveLength(0); // graphql-ws has not asked yet: the subscription may not be registered
    const pendingA = a.stream.next();
    const pendingB = b.stream.next();
    await tick();
    src.push({ n: 2 });
    await tick();
    expect(a.texts()).toEqual(['{"data":{"n":1}}', '{"data":{"n":2}}']);
    expect(b.texts()).toEqual(a.texts());
    // the very same bytes for both subscribers: serialised once per result
    expect(b.sent[0]).toBe(a.sent[0]);
    expect(b.sent[1]).toBe(a.sent[1]);
    void a.stream.return();
    void b.stream.return();
    await expect(pendingA).resolves.toEqual({ value: undefined, done: true });
    await expect(pendingB).resolves.toEqual({ value: undefined, done: true });
  });

  it.each(['listened', 'read'] as const)('hands a result with errors to graphql-ws and sends nothing after it until graphql-ws asks again (%s)', async (mode) => {
    const src = manual();
    const a = pushed(src.broadcast, undefined, mode);
    const first = a.stream.next();
    await tick();
    src.push({ n: 1 });
    src.push({ n: 2, fail: true });
    src.push({ n: 3 });
    const handed = await first;
    expect(handed.done).toBe(false);
    expect((handed.value as ExecutionResult).errors?.[0]?.message).toBe('bad 2');
    await tick();
    expect(a.texts()).toEqual(['{"data":{"n":1}}']); // 3 waits: it must not overtake 2
    const after = a.stream.next();
    await tick();
    expect(a.texts()).toEqual(['{"data":{"n":1}}', '{"data":{"n":3}}']);
    src.end();
    await expect(after).resolves.toEqual({ value: undefined, done: true });
    await expect(a.stream.next()).resolves.toEqual({ value: undefined, done: true });
  });

  it('return() ends a waiting next() at once, leaves the source and sends nothing more; a failing source rejects next()', async () => {
    const src = manual();
    const a = pushed(src.broadcast);
    const b = pushed(src.broadcast);
    const waiting = a.stream.next();
    const bNext = b.stream.next();
    await tick();
    expect(src.broadcast.subscriberCount('k')).toBe(2);
    await a.stream.return();
    await expect(waiting).resolves.toEqual({ value: undefined, done: true });
    expect(src.broadcast.subscriberCount('k')).toBe(1);
    src.push({ n: 1 });
    await tick();
    expect(a.sent).toHaveLength(0);
    expect(b.texts()).toEqual(['{"data":{"n":1}}']);
    // a broadcast ends its subscribers when its upstream fails; a source that throws makes next() reject
    src.fail(new Error('upstream lost'));
    await expect(bNext).resolves.toEqual({ value: undefined, done: true });
    const sent: Buffer[] = [];
    const throwing = new PushedStream((async function* () {
      yield 1;
      throw new Error('read failed');
    })(), (n) => ({ data: { n } }), (json) => sent.push(json));
    await expect(throwing.next()).rejects.toThrow('read failed');
    expect(sent.map(String)).toEqual(['{"data":{"n":1}}']);
    await expect(throwing.next()).resolves.toEqual({ value: undefined, done: true });
  });
});

describe('firstThen listened to', () => {
  it('hands on the first value, then each stepped value in order, an asynchronous step holding back the ones after it', async () => {
    const src = manual();
    const got: string[] = [];
    let ended = false;
    const stream = firstThen<Event, string>('first', src.broadcast.subscribe('k'), (e) =>
      e.n % 3 === 0 ? undefined : e.n === 2 ? new Promise((r) => setTimeout(() => r('two (slow)'), 20)) : `n${e.n}`);
    expect(isListenable(stream)).toBe(true);
    stream.listen!({ next: (v) => got.push(v), end: () => (ended = true), error: (err) => got.push(`error ${String(err)}`) });
    expect(got).toEqual(['first']); // at once, in listen
    for (const n of [1, 2, 3, 4]) src.push({ n });
    await tick();
    expect(got).toEqual(['first', 'n1']); // 4 waits behind 2's step; 3 is dropped by it
    await new Promise((r) => setTimeout(r, 40));
    expect(got).toEqual(['first', 'n1', 'two (slow)', 'n4']);
    src.end();
    await tick();
    expect(ended).toBe(true);
  });
});

describe('WebSocket frames written in parts', () => {
  it('a header for any length decodes, with its payload, as one whole text message (ws\'s own parser)', async () => {
    for (const length of [0, 1, 125, 126, 127, 65_535, 65_536, 200_000]) {
      const payload = Buffer.from(Array.from({ length }, (_, i) => 97 + (i % 26)));
      const receiver = new Receiver({ isServer: false });
      const got = new Promise<{ data: Buffer; isBinary: boolean }>((resolve, reject) => {
        receiver.on('message', (data: Buffer, isBinary: boolean) => resolve({ data, isBinary }));
        receiver.on('error', reject);
      });
      // as the transport writes it: header and the message's first bytes, then the rest
      const cut = Math.min(length, 40);
      receiver.write(textFrameStart(length, payload.subarray(0, cut)));
      receiver.write(payload.subarray(cut));
      const { data, isBinary } = await got;
      expect(isBinary).toBe(false);
      expect(data.length).toBe(length);
      expect(data.equals(payload)).toBe(true);
    }
  });
});

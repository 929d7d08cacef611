import { createPubSub } from '@graphql-yoga/subscription';
import { describe, expect, it } from 'vitest';
import { Broadcast, firstThen } from '../src/pubsub/fanout.js';
import { Topic, withLocalFanout, type TopicPayloads } from '../src/pubsub/pubsub.js';
import { createLogger } from '../src/logger.js';

/** An EventTarget that counts its listeners, to see how many upstream subscriptions the fan-out opens. */
class CountingTarget extends EventTarget {
  added = 0;
  removed = 0;
  override addEventListener(...args: Parameters<EventTarget['addEventListener']>): void {
    this.added++;
    super.addEventListener(...args);
  }
  override removeEventListener(...args: Parameters<EventTarget['removeEventListener']>): void {
    this.removed++;
    super.removeEventListener(...args);
  }
}

const tick = () => new Promise((r) => setTimeout(r, 0));
const stats = (campaignId: string, n: number) => ({ campaignId, organizationId: 'o', counts: { SCHEDULED: n }, reasons: [], total: n, updatedAt: new Date(n).toISOString(), changedAt: new Date(n).toISOString() });

describe('local fan-out (issue 19)', () => {
  it('a thousand subscribers of a key share one upstream listener and receive the same value object, in order', async () => {
    const target = new CountingTarget();
    const pubSub = withLocalFanout(createPubSub<TopicPayloads>({ eventTarget: target as never }), createLogger('silent'));
    const subs = Array.from({ length: 1000 }, () => pubSub.subscribe(Topic.CAMPAIGN_UPDATED, 'org-1'));
    const other = pubSub.subscribe(Topic.CAMPAIGN_UPDATED, 'org-2');
    expect(target.added).toBe(2); // one per key, not one per subscriber
    const first = { campaignId: 'c1', organizationId: 'org-1', publishedAt: 'a' } as never;
    const second = { campaignId: 'c2', organizationId: 'org-1', publishedAt: 'b' } as never;
    pubSub.publish(Topic.CAMPAIGN_UPDATED, 'org-1', first);
    pubSub.publish(Topic.CAMPAIGN_UPDATED, 'org-1', second);
    await tick();
    // campaign updates are not conflated: every subscriber gets both, the very same objects
    for (const s of subs) {
      expect((await s.next()).value).toBe(first);
      expect((await s.next()).value).toBe(second);
    }
    // the other organisation's subscriber got nothing
    const race = await Promise.race([other.next(), tick().then(() => 'nothing')]);
    expect(race).toBe('nothing');
    // the upstream stays while anyone listens, and goes with the last one
    for (const s of subs.slice(1)) await s.return();
    await tick();
    expect(target.removed).toBe(0);
    await subs[0]!.return();
    await tick();
    expect(target.removed).toBe(1);
    // a new subscriber after that opens a new upstream and is live at once
    const again = pubSub.subscribe(Topic.CAMPAIGN_UPDATED, 'org-1');
    expect(target.added).toBe(3);
    pubSub.publish(Topic.CAMPAIGN_UPDATED, 'org-1', first);
    expect((await again.next()).value).toBe(first);
  });

  it('a subscriber that falls behind on a whole-state topic gets only the newest value; a prompt one gets each', async () => {
    const pubSub = withLocalFanout(createPubSub<TopicPayloads>(), createLogger('silent'));
    const slow = pubSub.subscribe(Topic.CAMPAIGN_STATS_CHANGED, 'c1');
    const prompt = pubSub.subscribe(Topic.CAMPAIGN_STATS_CHANGED, 'c1');
    const seen: number[] = [];
    const reading = (async () => {
      for (let i = 0; i < 5; i++) seen.push(((await prompt.next()).value as { total: number }).total);
    })();
    for (let n = 1; n <= 5; n++) {
      pubSub.publish(Topic.CAMPAIGN_STATS_CHANGED, 'c1', stats('c1', n));
      await tick();
    }
    await reading;
    expect(seen).toEqual([1, 2, 3, 4, 5]);
    // the slow one never read: it holds the last value only
    expect(((await slow.next()).value as { total: number }).total).toBe(5);
    const race = await Promise.race([slow.next(), tick().then(() => 'nothing')]);
    expect(race).toBe('nothing');
  });

  it('return() ends a waiting next() at once, and the source is returned when the last subscriber leaves', async () => {
    let returned = 0;
    let pending: ((r: IteratorResult<number>) => void) | undefined;
    const b = new Broadcast<string, number>(() => ({
      [Symbol.asyncIterator]: () => ({
        next: () => new Promise<IteratorResult<number>>((r) => (pending = r)),
        return: async () => {
          returned++;
          pending?.({ value: undefined, done: true });
          return { value: undefined, done: true };
        },
      }),
    }));
    const a = b.subscribe('k');
    const c = b.subscribe('k');
    expect(b.subscriberCount('k')).toBe(2);
    const waiting = a.next();
    await a.return();
    expect(await waiting).toEqual({ value: undefined, done: true });
    expect(returned).toBe(0);
    await c.return();
    expect(returned).toBe(1);
    expect(b.size).toBe(0);
  });

  it('when the source ends, every subscriber ends after what it was already sent', async () => {
    let push: ((r: IteratorResult<number>) => void) | undefined;
    const b = new Broadcast<string, number>(() => ({
      [Symbol.asyncIterator]: () => ({ next: () => new Promise<IteratorResult<number>>((r) => (push = r)) }),
    }));
    const a = b.subscribe('k');
    await tick();
    push!({ value: 7, done: false });
    await tick();
    push!({ value: undefined, done: true });
    await tick();
    expect(await a.next()).toEqual({ value: 7, done: false });
    expect(await a.next()).toEqual({ value: undefined, done: true });
    expect(b.size).toBe(0);
  });

  it('firstThen gives the current value, then what the step makes of each change, and unsubscribes at once on return()', async () => {
    const pubSub = withLocalFanout(createPubSub<TopicPayloads>(), createLogger('silent'));
    const b = new Broadcast<string, number>(() => pubSub.subscribe(Topic.AGENT_BOARD_CHANGED, 'org') as never);
    const stream = firstThen(0, b.subscribe('x'), (v) => ((v as unknown as { n: number }).n % 2 ? undefined : (v as unknown as { n: number }).n));
    expect(await stream.next()).toEqual({ value: 0, done: false });
    const next = stream.next();
    for (const n of [1, 2]) {
      pubSub.publish(Topic.AGENT_BOARD_CHANGED, 'org', { n } as never);
      await tick();
    }
    expect(await next).toEqual({ value: 2, done: false }); // 1 was skipped by the step
    const waiting = stream.next();
    await stream.return!();
    expect(await waiting).toEqual({ value: undefined, done: true });
    expect(b.subscriberCount('x')).toBe(0);
  });
});


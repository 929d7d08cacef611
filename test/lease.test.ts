import { Redis } from 'ioredis';
import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { RedisLeases } from '../server/src/engine/lease.js';
import { REDIS_URL } from './helpers/db.js';

const clients: Redis[] = [];
const client = () => {
  const c = new Redis(REDIS_URL);
  clients.push(c);
  return c;
};
afterAll(async () => {
  await Promise.all(clients.map((c) => c.quit()));
});

describe('campaign leases in Redis', () => {
  it('one instance at a time: renew by the holder, refuse others, release, expire', async () => {
    const key = `campaign:${randomUUID()}`;
    const a = new RedisLeases(client(), 'instance-a');
    const b = new RedisLeases(client(), 'instance-b');
    expect(await a.acquire(key, 300)).toBe(true);
    expect(await b.acquire(key, 300)).toBe(false);
    expect(await a.acquire(key, 300)).toBe(true); // renewal
    await b.release(key); // not the holder: no effect
    expect(await b.acquire(key, 300)).toBe(false);
    await a.release(key);
    expect(await b.acquire(key, 200)).toBe(true);
    await new Promise((r) => setTimeout(r, 350)); // the holder died: the lease expires
    expect(await a.acquire(key, 300)).toBe(true);
    expect(await b.acquire(key, 300)).toBe(false);
  });

  it('tells live instances from dead ones by their heartbeats (a new owner leaves a live instance\'s calls alone)', async () => {
    const ids = [`instance-${randomUUID()}`, `instance-${randomUUID()}`];
    const a = new RedisLeases(client(), ids[0]!);
    const b = new RedisLeases(client(), ids[1]!);
    expect(await a.alive(ids)).toEqual(new Set());
    await a.heartbeat(300);
    await b.heartbeat(5_000);
    expect(await b.alive(ids)).toEqual(new Set(ids));
    await new Promise((r) => setTimeout(r, 400)); // a stopped beating: dead
    expect(await b.alive(ids)).toEqual(new Set([ids[1]]));
    expect(await b.alive([])).toEqual(new Set());
  });
});

import type { Redis } from 'ioredis';

/** Ownership of a campaign's pacing: one instance at a time. */
export interface LeaseManager {
  /** Takes or renews the lease; false when another instance holds it. */
  acquire(key: string, ttlMs: number): Promise<boolean>;
  release(key: string): Promise<void>;
  /** Says this instance is alive for `ttlMs` more. */
  heartbeat(ttlMs: number): Promise<void>;
  /** Which of these instances are alive (have beaten within their time). */
  alive(instanceIds: readonly string[]): Promise<Set<string>>;
}

/** Without Redis there is one instance, which owns everything: any other instance a leg names was a past process. */
export const inProcessLeases: LeaseManager = {
  acquire: async () => true,
  release: async () => undefined,
  heartbeat: async () => undefined,
  alive: async () => new Set(),
};

const RENEW = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) else return 0 end`;
const RELEASE = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end`;

/** Redis leases: SET NX PX to take, a compare-and-expire script to renew, compare-and-delete to release. */
export class RedisLeases implements LeaseManager {
  constructor(
    private readonly redis: Redis,
    private readonly instanceId: string,
  ) {}

  async acquire(key: string, ttlMs: number): Promise<boolean> {
    const k = `dialer:lease:${key}`;
    if ((await this.redis.set(k, this.instanceId, 'PX', ttlMs, 'NX')) === 'OK') return true;
    return (await this.redis.eval(RENEW, 1, k, this.instanceId, ttlMs)) === 1;
  }

  async release(key: string): Promise<void> {
    await this.redis.eval(RELEASE, 1, `dialer:lease:${key}`, this.instanceId);
  }

  async heartbeat(ttlMs: number): Promise<void> {
    await this.redis.set(`dialer:instance:${this.instanceId}`, '1', 'PX', ttlMs);
  }

  async alive(instanceIds: readonly string[]): Promise<Set<string>> {
    if (!instanceIds.length) return new Set();
    const beats = await this.redis.mget(...instanceIds.map((id) => `dialer:instance:${id}`));
    return new Set(instanceIds.filter((_, i) => beats[i] !== null));
  }
}

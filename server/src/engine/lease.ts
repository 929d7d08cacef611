import type { Redis } from 'ioredis';

/** Ownership of a campaign's pacing: one instance at a time. */
export interface LeaseManager {
  /** Takes or renews the lease; false when another instance holds it. */
  acquire(key: string, ttlMs: number): Promise<boolean>;
  release(key: string): Promise<void>;
}

/** Without Redis there is one instance, which owns everything. */
export const inProcessLeases: LeaseManager = {
  acquire: async () => true,
  release: async () => undefined,
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
}

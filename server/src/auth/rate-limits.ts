import type { Redis } from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import { rateLimited } from '../domain/errors.js';

export interface RateLimitOptions {
  requestsPerMinute: number;
  signInsPerIpPer10Min: number;
  signInFailuresBeforeLockout: number;
}

/** The first lockout of an email lasts this long; each further one within a day doubles it, up to an hour. */
const FIRST_LOCKOUT_SEC = 60;
const MAX_LOCKOUT_SEC = 3600;

/**
 * Request and sign-in limits (`rate-limiter-flexible`): in Redis when `REDIS_URL` is set, so every
 * instance counts together; in memory for a single instance. A refusal is RATE_LIMITED with the
 * seconds to wait (HTTP 429, Retry-After).
 */
export class RateLimits {
  private readonly requests: RateLimiterAbstract;
  private readonly signInsByIp: RateLimiterAbstract;
  private readonly failuresByEmail: RateLimiterAbstract;
  private readonly lockoutsByEmail: RateLimiterAbstract;

  constructor(redis: Redis | undefined, private readonly o: RateLimitOptions) {
    const make = (keyPrefix: string, points: number, duration: number): RateLimiterAbstract =>
      redis ? new RateLimiterRedis({ storeClient: redis, keyPrefix: `rl:${keyPrefix}`, points, duration }) : new RateLimiterMemory({ keyPrefix, points, duration });
    this.requests = make('req', Math.max(1, o.requestsPerMinute), 60);
    this.signInsByIp = make('signin-ip', Math.max(1, o.signInsPerIpPer10Min), 600);
    this.failuresByEmail = make('signin-fail', Math.max(1, o.signInFailuresBeforeLockout), 900);
    this.lockoutsByEmail = make('signin-lockouts', 1_000_000, 86_400);
  }

  /** One request by `who` (`user:<id>`, `key:<id>`, `ip:<address>`). */
  async request(who: string): Promise<void> {
    try {
      await this.requests.consume(who);
    } catch (res) {
      throw refusal(res, 'Too many requests');
    }
  }

  /** Before checking a password: the IP's attempts, and whether the email is locked out. */
  async beforeSignIn(ip: string, email: string): Promise<void> {
    try {
      await this.signInsByIp.consume(ip);
    } catch (res) {
      throw refusal(res, 'Too many sign-in attempts from this address');
    }
    const blocked = await this.failuresByEmail.get(email);
    if (blocked && blocked.consumedPoints > this.o.signInFailuresBeforeLockout) {
      throw rateLimited('Too many wrong passwords for this account', blocked.msBeforeNext / 1000);
    }
  }

  /** A wrong password: past the threshold the email is locked out, longer each time (1 min, 2, 4, ... 1 h). */
  async signInFailed(email: string): Promise<void> {
    try {
      await this.failuresByEmail.consume(email);
    } catch (res) {
      if (!(res instanceof RateLimiterRes)) throw res;
      const lockouts = (await this.lockoutsByEmail.consume(email)).consumedPoints;
      const seconds = Math.min(MAX_LOCKOUT_SEC, FIRST_LOCKOUT_SEC * 2 ** (lockouts - 1));
      await this.failuresByEmail.block(email, seconds);
      throw rateLimited('Too many wrong passwords for this account', seconds);
    }
  }

  /** A good password clears the email's failures (not its lockout history). */
  async signInSucceeded(email: string): Promise<void> {
    await this.failuresByEmail.delete(email);
  }
}

function refusal(res: unknown, message: string) {
  if (res instanceof RateLimiterRes) return rateLimited(message, res.msBeforeNext / 1000);
  return res; // the store failed: not a refusal
}

import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Clock } from '../clock.js';
import { isUuid } from '../domain/ids.js';
import { unauthenticated } from '../errors.js';

/** How long a session token lasts. @default 12 hours */
export const SESSION_LIFETIME_MS = 12 * 3_600_000;
const MAX_TOKEN_LENGTH = 1024;

/** What a valid token says: who, in which organisation, until when, and for which password. */
export interface SessionClaims {
  userId: string;
  organizationId: string;
  expiresAt: Date;
  /** {@link SessionTokens.fingerprint} of the password hash the token was issued for. */
  passwordFingerprint: string;
}

interface Payload {
  u: string;
  o: string;
  /** Expiry, seconds since the epoch. */
  exp: number;
  /** Password fingerprint. */
  v: string;
}

function isPayload(p: unknown): p is Payload {
  const o = p as Partial<Payload> | null;
  return (
    typeof o === 'object' && o !== null &&
    typeof o.u === 'string' && isUuid(o.u) &&
    typeof o.o === 'string' && isUuid(o.o) &&
    typeof o.exp === 'number' && Number.isInteger(o.exp) &&
    typeof o.v === 'string'
  );
}

/**
 * Stateless session tokens: `base64url(JSON {u, o, exp, v}) . base64url(HMAC-SHA256)`. Every instance
 * sharing the secret accepts every other's tokens. The password fingerprint `v` ties a token to the
 * password it was issued for, so changing the password (checked against the user row on each
 * request) ends older sessions.
 */
export class SessionTokens {
  constructor(
    private readonly secret: string,
    private readonly clock: Clock,
    private readonly lifetimeMs = SESSION_LIFETIME_MS,
  ) {}

  /** A short keyed digest of a password hash: changes whenever the hash does, reveals nothing of it. */
  fingerprint(passwordHash: string): string {
    return this.mac(`password\0${passwordHash}`).subarray(0, 12).toString('base64url');
  }

  issue(user: { userId: string; organizationId: string; passwordHash: string }): { token: string; expiresAt: Date } {
    const exp = Math.floor((this.clock.now().getTime() + this.lifetimeMs) / 1000);
    const payload: Payload = { u: user.userId, o: user.organizationId, exp, v: this.fingerprint(user.passwordHash) };
    const body = Buffer.from(JSON.stringify(payload)).toString('base64url');
    return { token: `${body}.${this.mac(`token\0${body}`).toString('base64url')}`, expiresAt: new Date(exp * 1000) };
  }

  /** Checks the signature and the expiry on the app's clock; anything else is UNAUTHENTICATED. */
  verify(token: string): SessionClaims {
    const [body, signature, extra] = token.length <= MAX_TOKEN_LENGTH ? token.split('.') : [];
    if (!body || !signature || extra !== undefined) throw unauthenticated('Invalid session token');
    const given = Buffer.from(signature, 'base64url');
    const expected = this.mac(`token\0${body}`);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw unauthenticated('Invalid session token');
    let payload: unknown;
    try {
      payload = JSON.parse(Buffer.from(body, 'base64url').toString('utf8'));
    } catch {
      payload = undefined;
    }
    if (!isPayload(payload)) throw unauthenticated('Invalid session token');
    if (payload.exp * 1000 <= this.clock.now().getTime()) throw unauthenticated('Session expired; sign in again');
    return { userId: payload.u, organizationId: payload.o, expiresAt: new Date(payload.exp * 1000), passwordFingerprint: payload.v };
  }

  private mac(data: string): Buffer {
    return createHmac('sha256', this.secret).update(data).digest();
  }
}

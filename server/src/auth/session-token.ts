import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Clock } from '../clock.js';
import { isUuid } from '../domain/ids.js';
import { unauthenticated } from '../domain/errors.js';

/** How long a session token lasts. @default 12 hours */
export const SESSION_LIFETIME_MS = 12 * 3_600_000;
const MAX_TOKEN_LENGTH = 1024;

/** What a valid token says: which server-side session, whose, in which organisation, until when. */
export interface SessionClaims {
  sessionId: string;
  userId: string;
  organizationId: string;
  expiresAt: Date;
}

interface Payload {
  /** Session id (a `user_session` row: revocable on the server). */
  s: string;
  u: string;
  o: string;
  /** Expiry, seconds since the epoch. */
  exp: number;
}

function isPayload(p: unknown): p is Payload {
  const o = p as Partial<Payload> | null;
  return (
    typeof o === 'object' && o !== null &&
    typeof o.s === 'string' && isUuid(o.s) &&
    typeof o.u === 'string' && isUuid(o.u) &&
    typeof o.o === 'string' && isUuid(o.o) &&
    typeof o.exp === 'number' && Number.isInteger(o.exp)
  );
}

/**
 * Session tokens: `base64url(JSON {s, u, o, exp}) . base64url(HMAC-SHA256)`. The signature lets every
 * instance sharing the secret refuse a forged or garbled token without a query; the session id `s`
 * names a `user_session` row, checked on every request and every few seconds for open sockets, so a
 * session ends on the server (sign out, sign out everywhere, a password change, a disabled user).
 */
export class SessionTokens {
  constructor(
    private readonly secret: string,
    private readonly clock: Clock,
    private readonly lifetimeMs = SESSION_LIFETIME_MS,
  ) {}

  /** When a session opened now ends. */
  expiry(): Date {
    return new Date(Math.floor((this.clock.now().getTime() + this.lifetimeMs) / 1000) * 1000);
  }

  issue(session: { sessionId: string; userId: string; organizationId: string; expiresAt: Date }): { token: string; expiresAt: Date } {
    const exp = Math.floor(session.expiresAt.getTime() / 1000);
    const payload: Payload = { s: session.sessionId, u: session.userId, o: session.organizationId, exp };
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
    return { sessionId: payload.s, userId: payload.u, organizationId: payload.o, expiresAt: new Date(payload.exp * 1000) };
  }

  private mac(data: string): Buffer {
    return createHmac('sha256', this.secret).update(data).digest();
  }
}

/**
 * Error codes that reach API clients in `extensions.code`. Every error a client can
 * provoke is built by one of the factories below, so the set stays small and documented.
 */
export const ErrorCode = {
  BAD_USER_INPUT: 'BAD_USER_INPUT',
  NOT_FOUND: 'NOT_FOUND',
  FORBIDDEN: 'FORBIDDEN',
  UNAUTHENTICATED: 'UNAUTHENTICATED',
  ILLEGAL_TRANSITION: 'ILLEGAL_TRANSITION',
  CONFLICT: 'CONFLICT',
  QUERY_TOO_COMPLEX: 'QUERY_TOO_COMPLEX',
  RATE_LIMITED: 'RATE_LIMITED',
  PAYLOAD_TOO_LARGE: 'PAYLOAD_TOO_LARGE',
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/**
 * An error meant for the client: message, code and `extensions` are safe to show. It is a plain
 * error (the domain knows nothing of GraphQL); `graphql/errors.ts` maps it to a GraphQL error with
 * its HTTP status in one place.
 */
export class DialerError extends Error {
  /** `code` and the extra fields a client may read (`field`, `from`/`to`, `retryAfterSec`, ...). */
  readonly extensions: Readonly<Record<string, unknown>> & { code: ErrorCode };

  constructor(code: ErrorCode, message: string, extra: Record<string, unknown> = {}) {
    super(message);
    this.name = 'DialerError';
    this.extensions = { code, ...extra };
  }
  get code(): ErrorCode {
    return this.extensions.code;
  }
}

/** Invalid input; `field` names the input path (e.g. `input.endsAt`). */
export function badInput(message: string, field?: string, extra: Record<string, unknown> = {}): DialerError {
  return new DialerError(ErrorCode.BAD_USER_INPUT, message, field ? { field, ...extra } : extra);
}

/** An id that does not exist in the actor's organisation (other tenants' ids look the same). */
export function notFound(entity: string, id: string): DialerError {
  return new DialerError(ErrorCode.NOT_FOUND, `${entity} ${id} not found`, { entity, id });
}

/** Missing, unknown or invalid credentials (a bad token, a wrong password). */
export function unauthenticated(message: string): DialerError {
  return new DialerError(ErrorCode.UNAUTHENTICATED, message);
}

export function forbidden(action: string): DialerError {
  return new DialerError(ErrorCode.FORBIDDEN, `Your role may not ${action}`, { action });
}

/** A lifecycle move that the current state does not allow. */
export function illegalTransition(entity: string, from: string, to: string, why: string): DialerError {
  return new DialerError(ErrorCode.ILLEGAL_TRANSITION, `Cannot move ${entity} from ${from} to ${to}: ${why}`, { from, to });
}

export function conflict(message: string, extra: Record<string, unknown> = {}): DialerError {
  return new DialerError(ErrorCode.CONFLICT, message, extra);
}

export function tooComplex(message: string): DialerError {
  return new DialerError(ErrorCode.QUERY_TOO_COMPLEX, message);
}

/** Too many requests (or sign-in attempts): try again after `retryAfterSec` (HTTP 429 with Retry-After). */
export function rateLimited(message: string, retryAfterSec: number): DialerError {
  const retry = Math.max(1, Math.ceil(retryAfterSec));
  return new DialerError(ErrorCode.RATE_LIMITED, `${message}; try again in ${retry} s`, { retryAfterSec: retry });
}

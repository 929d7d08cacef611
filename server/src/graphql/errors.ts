import { GraphQLError } from 'graphql';
import type { MiddlewareFn } from 'type-graphql';
import { DialerError, ErrorCode } from '../domain/errors.js';

/**
 * The one place where the domain's coded errors become GraphQL errors: the message and extensions
 * pass through, and the HTTP status is added where one applies (429 with Retry-After for
 * RATE_LIMITED; callers name a status for refusals before execution, such as 401 for a bad token).
 */
export function toGraphQLError(err: DialerError, extra: { status?: number; requestId?: string } = {}): GraphQLError {
  const retry = err.code === ErrorCode.RATE_LIMITED ? Number(err.extensions.retryAfterSec) : undefined;
  const http = retry ? { status: 429, headers: new Map([['retry-after', String(retry)]]) } : extra.status ? { status: extra.status } : undefined;
  return new GraphQLError(err.message, {
    originalError: err,
    extensions: { ...err.extensions, ...(extra.requestId ? { requestId: extra.requestId } : {}), ...(http ? { http } : {}) },
  });
}

/** Resolvers' coded errors, mapped by {@link toGraphQLError}; anything else is left to the error formatter. */
export const domainErrors: MiddlewareFn = async (_action, next) => {
  try {
    return await next();
  } catch (err) {
    throw err instanceof DialerError ? toGraphQLError(err) : err;
  }
};

import type { IncomingHttpHeaders } from 'node:http';
import { Kind, parse, type OperationDefinitionNode } from 'graphql';
import type { Actor } from './actor.js';
import { unauthenticated } from '../domain/errors.js';

/** How a request or WebSocket connection says who it is. */
export interface Credentials {
  /** A session token from `signIn` (`Authorization: Bearer`, graphql-ws `token`). */
  token?: string;
}

/** graphql-ws connection params the server reads. */
export type ConnectionParams = Record<string, unknown> & { token?: unknown };

/** Credentials of an HTTP request; an `Authorization` header that is not `Bearer <token>` is UNAUTHENTICATED. */
export function httpCredentials(headers: IncomingHttpHeaders): Credentials {
  const authorization = headers.authorization;
  if (authorization === undefined) return {};
  const match = /^Bearer +(\S+) *$/i.exec(authorization);
  if (!match) throw unauthenticated('Authorization must be "Bearer <token>"');
  return { token: match[1] };
}

/** Credentials of a graphql-ws connection: `{ token }`. */
export function connectionCredentials(params: ConnectionParams | undefined): Credentials {
  const token = params?.token;
  return token === undefined || token === null ? {} : { token: String(token) };
}

/**
 * Whether an HTTP GraphQL request may run without credentials: only a mutation whose every root
 * field is `signIn` (and `__typename`). Anything else, introspection included, needs a session.
 */
export function isSignInOnly(body: unknown): boolean {
  if (!body || typeof body !== 'object' || Array.isArray(body)) return false;
  const { query, operationName } = body as { query?: unknown; operationName?: unknown };
  if (typeof query !== 'string') return false;
  let ops: OperationDefinitionNode[];
  try {
    ops = parse(query).definitions.filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
  } catch {
    return false;
  }
  const op = typeof operationName === 'string' ? ops.find((o) => o.name?.value === operationName) : ops.length === 1 ? ops[0] : undefined;
  if (!op || op.operation !== 'mutation') return false;
  return op.selectionSet.selections.every((s) => s.kind === Kind.FIELD && (s.name.value === 'signIn' || s.name.value === '__typename'));
}

/** The actor of an anonymous sign-in request: any use of it is UNAUTHENTICATED (signIn never reads it). */
export const ANONYMOUS: Actor = new Proxy({} as Actor, {
  get() {
    throw unauthenticated('Sign in first');
  },
});

/**
 * Whether a WebSocket upgrade's `Origin` may connect: requests without one (servers, scripts) may;
 * a browser's must be one of `allowed`, or, with none configured, the server's own origin.
 */
export function originAllowed(origin: string | undefined, host: string | undefined, allowed: readonly string[]): boolean {
  if (!origin) return true;
  const o = origin.toLowerCase().replace(/\/$/, '');
  if (allowed.length) return allowed.includes(o);
  return !!host && (o === `http://${host.toLowerCase()}` || o === `https://${host.toLowerCase()}`);
}

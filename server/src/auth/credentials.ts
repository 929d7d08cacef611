import type { IncomingHttpHeaders } from 'node:http';
import { unauthenticated } from '../errors.js';

/** The development identity header: names a user without proving anything. */
export const USER_HEADER = 'x-dialer-user';

/** How a request or WebSocket connection says who it is. */
export interface Credentials {
  /** A session token from `signIn` (`Authorization: Bearer`, graphql-ws `token`); decides when present. */
  token?: string;
  /** The development identity (`x-dialer-user` header, graphql-ws `user`): a user id, no proof. */
  userId?: string;
}

/** graphql-ws connection params the server reads. */
export type ConnectionParams = Record<string, unknown> & { token?: unknown; user?: unknown };

function first(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/** Credentials of an HTTP request; an `Authorization` header that is not `Bearer <token>` is UNAUTHENTICATED. */
export function httpCredentials(headers: IncomingHttpHeaders): Credentials {
  const authorization = headers.authorization;
  let token: string | undefined;
  if (authorization !== undefined) {
    const match = /^Bearer +(\S+) *$/i.exec(authorization);
    if (!match) throw unauthenticated('Authorization must be "Bearer <token>"');
    token = match[1];
  }
  return { token, userId: first(headers[USER_HEADER]) };
}

/** Credentials of a graphql-ws connection: `{ token }` or `{ user }`. */
export function connectionCredentials(params: ConnectionParams | undefined): Credentials {
  const str = (v: unknown) => (v === undefined || v === null ? undefined : String(v));
  return { token: str(params?.token), userId: str(params?.user) };
}

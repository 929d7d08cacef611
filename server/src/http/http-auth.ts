import type { Request, Response } from 'express';
import type { Actor } from '../auth/actor.js';
import { httpCredentials } from '../auth/credentials.js';
import type { RateLimits } from '../auth/rate-limits.js';
import type { MikroORM } from '../db/orm.js';
import { DialerError, ErrorCode } from '../domain/errors.js';
import type { Logger } from '../logger.js';

const HTTP_STATUS: Record<string, number> = { UNAUTHENTICATED: 401, FORBIDDEN: 403, BAD_USER_INPUT: 400, NOT_FOUND: 404, RATE_LIMITED: 429, PAYLOAD_TOO_LARGE: 413 };

/** What the plain HTTP routes (reports, uploads) need to know who is calling. */
export interface HttpAuthDeps {
  orm: MikroORM;
  limits: RateLimits;
  log: Logger;
  resolveIdentity(em: MikroORM['em'], credentials: ReturnType<typeof httpCredentials>): Promise<Actor>;
}

/**
 * The caller of a plain HTTP route, with the same credentials as the API (`Authorization: Bearer <session token or API
 * key>`), counted against the same request rate; an API key needs `scope`.
 */
export async function httpActor(req: Request, deps: HttpAuthDeps, scope: string): Promise<{ actor: Actor; em: MikroORM['em'] }> {
  const em = deps.orm.em.fork();
  const credentials = httpCredentials(req.headers);
  if (credentials.token === undefined) throw new DialerError(ErrorCode.UNAUTHENTICATED, 'Sign in, or send an API key: Authorization: Bearer <token>');
  const actor = await deps.resolveIdentity(em, credentials);
  await deps.limits.request(actor.apiKey ? `key:${actor.apiKey.id}` : `user:${actor.userId}`);
  if (actor.apiKey && !actor.apiKey.scopes.includes(scope as never)) throw new DialerError(ErrorCode.FORBIDDEN, `this API key lacks the scope ${scope}`);
  return { actor, em };
}

/** A refusal as JSON with its code (the API's error shape), or a 500 logged with the request id. */
export function sendHttpError(res: Response, err: unknown, log: Logger, what: string): void {
  const requestId = res.locals.requestId as string;
  if (err instanceof DialerError) {
    const code = String(err.extensions.code);
    res.status(HTTP_STATUS[code] ?? 400).json({ errors: [{ message: err.message, extensions: { ...err.extensions, requestId } }] });
    return;
  }
  log.error({ err, requestId }, `${what} failed`);
  res.status(500).json({ errors: [{ message: 'Internal server error', extensions: { code: 'INTERNAL_SERVER_ERROR', requestId } }] });
}

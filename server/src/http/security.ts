import type { ErrorRequestHandler, RequestHandler } from 'express';
import helmet from 'helmet';
import { randomUUID } from 'node:crypto';
import { ErrorCode } from '../domain/errors.js';
import type { Logger } from '../logger.js';

/**
 * Security headers on the web app and the API (`helmet`): a CSP with no inline or foreign scripts
 * (the web app's session token lives in localStorage, which only scripts of this origin can read),
 * no framing, nosniff, no referrer. Styles may be inline (Svelte writes style attributes).
 */
export function securityHeaders(): RequestHandler {
  return helmet({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:'],
        fontSrc: ["'self'"],
        connectSrc: ["'self'"],
        objectSrc: ["'none'"],
        baseUri: ["'none'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
      },
    },
    referrerPolicy: { policy: 'no-referrer' },
    crossOriginEmbedderPolicy: false,
  });
}

/** Gives every request an id: in the `x-request-id` response header, in every error answered, and in the log. */
export const requestIds: RequestHandler = (_req, res, next) => {
  res.locals.requestId = randomUUID();
  res.setHeader('x-request-id', res.locals.requestId as string);
  next();
};

/**
 * Errors Express would answer with its HTML page (stack trace and file paths included): a body
 * over the limit is 413 PAYLOAD_TOO_LARGE, unreadable JSON 400 BAD_REQUEST, anything else 500,
 * always as JSON with the request id, and logged.
 */
export function jsonErrors(log: Logger): ErrorRequestHandler {
  return (err, _req, res, _next) => {
    const requestId = res.locals.requestId as string | undefined;
    const type = (err as { type?: string }).type;
    const [status, code, message] =
      type === 'entity.too.large' ? [413, ErrorCode.PAYLOAD_TOO_LARGE, `The request body is larger than ${(err as { limit?: number }).limit ?? 'the limit'} bytes`]
      : type === 'entity.parse.failed' || type === 'encoding.unsupported' ? [400, 'BAD_REQUEST', 'The request body is not valid JSON']
      : [500, 'INTERNAL_SERVER_ERROR', 'Internal server error'];
    if (status === 500) log.error({ err, requestId }, 'unexpected error in the HTTP layer');
    res.status(status).json({ errors: [{ message, extensions: { code, requestId } }] });
  };
}

import express, { type Request, type Response, type Router } from 'express';
import { checkSignature, SIGNATURE_HEADER } from '../auth/hook-signature.js';
import type { RateLimits } from '../auth/rate-limits.js';
import type { Clock } from '../clock.js';
import type { MikroORM } from '../db/orm.js';
import { DialerError, ErrorCode } from '../domain/errors.js';
import type { Logger } from '../logger.js';
import type { InboundService } from '../modules/inbound/inbound.service.js';

/** The organisation a hook request is for. */
export const ORGANIZATION_HEADER = 'dialer-organization';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const HTTP_STATUS: Record<string, number> = { BAD_USER_INPUT: 400, NOT_FOUND: 404, CONFLICT: 409, RATE_LIMITED: 429 };

/**
 * `POST /hooks/inbound`: inbound call events from a PBX or contact-centre platform (seed 001), signed
 * with the organisation's secret (`rotateInboundHookSecret`) as HMAC-SHA256 over `<t>.<raw body>`.
 * A missing, stale or wrong signature is 401 and changes nothing; a bad event is 400 with its code.
 */
export function inboundHook(deps: { orm: MikroORM; clock: Clock; inbound: InboundService; limits: RateLimits; log: Logger }): Router {
  const router = express.Router();
  router.post('/hooks/inbound', express.raw({ type: () => true, limit: '16kb' }), async (req: Request, res: Response) => {
    const requestId = res.locals.requestId as string;
    const fail = (status: number, code: string, message: string, extra: Record<string, unknown> = {}) =>
      res.status(status).json({ errors: [{ message, extensions: { code, requestId, ...extra } }] });
    try {
      const org = String(req.headers[ORGANIZATION_HEADER] ?? '');
      await deps.limits.request(`hook:${req.ip ?? 'unknown'}`);
      const body = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
      const secret = UUID.test(org) ? await deps.inbound.hookSecret(deps.orm.em.fork(), org) : null;
      const why = secret ? checkSignature(secret, req.headers[SIGNATURE_HEADER] as string | undefined, body, Math.floor(deps.clock.now().getTime() / 1000)) : 'unknown organisation or no hook secret';
      if (why) {
        deps.log.warn({ requestId, organizationId: UUID.test(org) ? org : undefined, why }, 'inbound hook refused');
        return fail(401, ErrorCode.UNAUTHENTICATED, `bad signature: ${why}`);
      }
      let event: unknown;
      try {
        event = JSON.parse(body.toString('utf8'));
      } catch {
        return fail(400, 'BAD_REQUEST', 'The request body is not valid JSON');
      }
      if (!event || typeof event !== 'object' || Array.isArray(event)) return fail(400, ErrorCode.BAD_USER_INPUT, 'The body must be one JSON object: { caller, dialled, outcome, at, sessionId }');
      const result = await deps.inbound.receive(deps.orm.em.fork(), org, event as never, 'HOOK', 'body');
      return res.json(result);
    } catch (err) {
      if (err instanceof DialerError) {
        const code = String(err.extensions.code);
        if (code === 'RATE_LIMITED') res.setHeader('retry-after', String(err.extensions.retryAfterSec ?? 1));
        return fail(HTTP_STATUS[code] ?? 400, code, err.message, err.extensions.field ? { field: err.extensions.field } : {});
      }
      deps.log.error({ err, requestId }, 'inbound hook failed');
      return fail(500, 'INTERNAL_SERVER_ERROR', 'Internal server error');
    }
  });
  return router;
}

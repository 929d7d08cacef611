import express, { type Request, type Response, type Router } from 'express';
import { pipeline } from 'node:stream/promises';
import type { Actor } from '../auth/actor.js';
import { ApiKeyScope } from '../auth/api-key.js';
import { httpCredentials } from '../auth/credentials.js';
import type { RateLimits } from '../auth/rate-limits.js';
import type { MikroORM } from '../db/orm.js';
import { DialerError, ErrorCode } from '../domain/errors.js';
import type { Logger } from '../logger.js';
import type { ReportKind, ReportService } from '../modules/report/report.service.js';

const HTTP_STATUS: Record<string, number> = { UNAUTHENTICATED: 401, FORBIDDEN: 403, BAD_USER_INPUT: 400, NOT_FOUND: 404, RATE_LIMITED: 429 };

/**
 * `GET /reports/campaigns/<id>/calls.csv` and `.../numbers.csv` (`?timeZone=Asia/Kolkata`): a
 * campaign's call or number report as CSV streamed from a database cursor, with the same
 * credentials as the API (`Authorization: Bearer <session token or API key with reports:read>`).
 * Refusals are JSON with a code, before any byte of CSV.
 */
export function reportRoutes(deps: {
  orm: MikroORM;
  reports: ReportService;
  limits: RateLimits;
  log: Logger;
  resolveIdentity(em: MikroORM['em'], credentials: ReturnType<typeof httpCredentials>): Promise<Actor>;
}): Router {
  const router = express.Router();
  router.get('/reports/campaigns/:id/:kind.csv', async (req: Request, res: Response) => {
    const requestId = res.locals.requestId as string;
    const kind = String(req.params.kind);
    let done: (() => Promise<void>) | undefined;
    try {
      if (kind !== 'calls' && kind !== 'numbers') throw new DialerError(ErrorCode.NOT_FOUND, `there is no "${kind}" report; use calls.csv or numbers.csv`);
      const em = deps.orm.em.fork();
      const credentials = httpCredentials(req.headers);
      if (credentials.token === undefined) throw new DialerError(ErrorCode.UNAUTHENTICATED, 'Sign in, or send an API key: Authorization: Bearer <token>');
      const actor = await deps.resolveIdentity(em, credentials);
      await deps.limits.request(actor.apiKey ? `key:${actor.apiKey.id}` : `user:${actor.userId}`);
      if (actor.apiKey && !actor.apiKey.scopes.includes(ApiKeyScope.REPORTS_READ)) {
        throw new DialerError(ErrorCode.FORBIDDEN, `this API key lacks the scope ${ApiKeyScope.REPORTS_READ}`);
      }
      const timeZone = typeof req.query.timeZone === 'string' ? req.query.timeZone : undefined;
      const report = await deps.reports.download({ actor, em }, String(req.params.id), kind as ReportKind, timeZone);
      done = report.done;
      res.status(200);
      res.setHeader('content-type', 'text/csv; charset=utf-8');
      res.setHeader('content-disposition', `attachment; filename="${report.filename}"`);
      res.setHeader('cache-control', 'no-store');
      await pipeline(report.rows, report.csv, res);
    } catch (err) {
      if (res.headersSent) {
        // mid-stream: the reader went away, or the database did; the response is cut short
        deps.log.warn({ err, requestId }, 'report stream ended early');
        res.destroy();
      } else if (err instanceof DialerError) {
        const code = String(err.extensions.code);
        res.status(HTTP_STATUS[code] ?? 400).json({ errors: [{ message: err.message, extensions: { ...err.extensions, requestId } }] });
      } else {
        deps.log.error({ err, requestId }, 'report failed');
        res.status(500).json({ errors: [{ message: 'Internal server error', extensions: { code: 'INTERNAL_SERVER_ERROR', requestId } }] });
      }
    } finally {
      await done?.();
    }
  });
  return router;
}

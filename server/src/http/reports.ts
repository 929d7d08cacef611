import express, { type Request, type Response, type Router } from 'express';
import { pipeline } from 'node:stream/promises';
import { ApiKeyScope } from '../auth/api-key.js';
import { DialerError, ErrorCode } from '../domain/errors.js';
import { httpActor, sendHttpError, type HttpAuthDeps } from './http-auth.js';
import type { ReportKind, ReportService } from '../modules/report/report.service.js';

/**
 * `GET /reports/campaigns/<id>/calls.csv` and `.../numbers.csv` (`?timeZone=Asia/Kolkata`): a
 * campaign's call or number report as CSV streamed from a database cursor, with the same
 * credentials as the API (`Authorization: Bearer <session token or API key with reports:read>`).
 * Refusals are JSON with a code, before any byte of CSV.
 */
export function reportRoutes(deps: HttpAuthDeps & { reports: ReportService }): Router {
  const router = express.Router();
  router.get('/reports/campaigns/:id/:kind.csv', async (req: Request, res: Response) => {
    const requestId = res.locals.requestId as string;
    const kind = String(req.params.kind);
    let done: (() => Promise<void>) | undefined;
    try {
      if (kind !== 'calls' && kind !== 'numbers') throw new DialerError(ErrorCode.NOT_FOUND, `there is no "${kind}" report; use calls.csv or numbers.csv`);
      const { actor, em } = await httpActor(req, deps, ApiKeyScope.REPORTS_READ);
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
      } else sendHttpError(res, err, deps.log, 'report');
    } finally {
      await done?.();
    }
  });
  return router;
}

import express, { type Request, type Response, type Router } from 'express';
import { Transform } from 'node:stream';
import { ApiKeyScope } from '../auth/api-key.js';
import { DialerError, ErrorCode } from '../domain/errors.js';
import type { ContactService } from '../modules/contact/contact.service.js';
import { httpActor, sendHttpError, type HttpAuthDeps } from './http-auth.js';

/**
 * `POST /imports/contacts?listId=<id>&defaultRegion=IN` with a contact CSV as the body (any content type: it is read as
 * CSV, streamed, never held whole): the same credentials as the API (an API key needs contacts:write), supervisors
 * and admins. Answers `{ rows, created, matched, zonesUpdated, addedToList, errors: [{ line, code, reason }] }` once
 * the file is in; refusals are JSON with a code (400 for a file that cannot be used, 413 over the size or row limit).
 */
export function importRoutes(deps: HttpAuthDeps & { contacts: ContactService; maxBytes: number; maxRows: number }): Router {
  const router = express.Router();
  router.post('/imports/contacts', async (req: Request, res: Response) => {
    try {
      const { actor, em } = await httpActor(req, deps, ApiKeyScope.CONTACTS_WRITE);
      const query = (k: string) => (typeof req.query[k] === 'string' ? (req.query[k] as string) : undefined);
      const declared = Number(req.headers['content-length'] ?? 0);
      if (declared > deps.maxBytes) throw tooLarge(deps.maxBytes);
      let bytes = 0;
      const counted = new Transform({
        transform(chunk: Buffer, _enc, done) {
          bytes += chunk.length;
          done(bytes > deps.maxBytes ? tooLarge(deps.maxBytes) : null, chunk);
        },
      });
      req.on('error', (err) => counted.destroy(err));
      req.pipe(counted);
      const result = await deps.contacts.importStream({ actor, em }, { listId: query('listId'), defaultRegion: query('defaultRegion'), maxRows: deps.maxRows, field: 'file' }, counted);
      res.status(200).json(result);
    } catch (err) {
      // the rest of an upload we refused is not read: the connection closes after the answer
      if (!req.complete) res.setHeader('connection', 'close');
      sendHttpError(res, err, deps.log, 'contact import');
    }
  });
  return router;
}

function tooLarge(maxBytes: number): DialerError {
  return new DialerError(ErrorCode.PAYLOAD_TOO_LARGE, `the file is larger than ${Math.round(maxBytes / 1024 / 1024)} MB; split it`, { field: 'file' });
}

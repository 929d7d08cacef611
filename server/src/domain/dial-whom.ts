import { DialerError, ErrorCode } from './errors.js';
import { normalisePhone } from './phone.js';
import { canonicalTimeZone, zonesOfNumber } from './time-zone.js';

/** Most numbers one dial-whom page may carry. */
export const DIAL_WHOM_PAGE_MAX = 1_000;
const FIELD_KEY = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;

export interface DialWhomNumber {
  e164: string;
  name: string;
  clientId: string | null;
  timeZones: string[];
  fields: Record<string, string>;
}

export interface DialWhomRejection {
  /** The item's position in the page's `numbers` (1 = first). */
  item: number;
  code: 'INVALID_NUMBER' | 'INVALID_TIME_ZONE' | 'BAD_ITEM' | 'DUPLICATE';
  reason: string;
}

/**
 * One page a dial-whom URL answered (seed 004 "Dial whom URL: returns numbers to call"):
 * `{ "numbers": [ "+9198…" | { "number", "name"?, "clientId"?, "timeZone"?, "fields"? } ], "nextCursor": "…" | null }`.
 * Each item is checked like a CSV row (a number, an IANA zone, field names); bad items are rejected one
 * by one with a code and the rest are taken. A body of the wrong shape throws (the whole page is refused).
 */
export function parseDialWhomPage(body: unknown, defaultRegion: string | undefined): { numbers: DialWhomNumber[]; rejected: DialWhomRejection[]; nextCursor: string | null } {
  if (!body || typeof body !== 'object' || Array.isArray(body)) throw shape('the answer must be a JSON object { numbers: [...], nextCursor }');
  const { numbers, nextCursor } = body as { numbers?: unknown; nextCursor?: unknown };
  if (!Array.isArray(numbers)) throw shape('"numbers" must be an array');
  if (numbers.length > DIAL_WHOM_PAGE_MAX) throw shape(`a page carries at most ${DIAL_WHOM_PAGE_MAX} numbers, not ${numbers.length}`);
  if (nextCursor !== null && nextCursor !== undefined && (typeof nextCursor !== 'string' || nextCursor.length > 500)) throw shape('"nextCursor" must be a string (at most 500 characters) or null');
  const out: DialWhomNumber[] = [];
  const rejected: DialWhomRejection[] = [];
  const seen = new Set<string>();
  numbers.forEach((raw, i) => {
    const item = i + 1;
    const o = typeof raw === 'string' ? { number: raw } : raw;
    if (!o || typeof o !== 'object' || Array.isArray(o) || typeof (o as { number?: unknown }).number !== 'string') {
      rejected.push({ item, code: 'BAD_ITEM', reason: 'an item is a number string or an object with a "number" string' });
      return;
    }
    const { number, name, clientId, timeZone, fields } = o as { number: string; name?: unknown; clientId?: unknown; timeZone?: unknown; fields?: unknown };
    let e164: string;
    let region: string | undefined;
    try {
      ({ e164, region } = normalisePhone(number, 'number', defaultRegion));
    } catch (err) {
      rejected.push({ item, code: 'INVALID_NUMBER', reason: err instanceof Error ? err.message : String(err) });
      return;
    }
    if (seen.has(e164)) {
      rejected.push({ item, code: 'DUPLICATE', reason: `${e164} is already in this page` });
      return;
    }
    let zones: string[];
    if (timeZone !== undefined && timeZone !== null) {
      try {
        zones = [canonicalTimeZone(String(timeZone), 'timeZone')];
      } catch (err) {
        rejected.push({ item, code: 'INVALID_TIME_ZONE', reason: err instanceof Error ? err.message : String(err) });
        return;
      }
    } else zones = zonesOfNumber(e164, region).zones;
    const f: Record<string, string> = {};
    if (fields !== undefined && fields !== null) {
      if (typeof fields !== 'object' || Array.isArray(fields) || !Object.keys(fields).every((k) => FIELD_KEY.test(k))) {
        rejected.push({ item, code: 'BAD_ITEM', reason: '"fields" must be an object whose keys are field names (letters, digits, _)' });
        return;
      }
      for (const [k, v] of Object.entries(fields as Record<string, unknown>)) if (v !== null && v !== undefined) f[k] = String(v).slice(0, 500);
    }
    seen.add(e164);
    out.push({
      e164, timeZones: zones, fields: f,
      name: typeof name === 'string' && name.trim() ? name.trim().slice(0, 200) : e164,
      clientId: typeof clientId === 'string' && clientId.trim() ? clientId.trim().slice(0, 128) : null,
    });
  });
  return { numbers: out, rejected, nextCursor: typeof nextCursor === 'string' ? nextCursor : null };
}

function shape(message: string): DialerError {
  return new DialerError(ErrorCode.BAD_USER_INPUT, message);
}

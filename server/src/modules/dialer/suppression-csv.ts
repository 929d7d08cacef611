import { readCsvTable } from '../../domain/csv-table.js';
import { normalisePhone } from '../../domain/phone.js';
import { badInput, DialerError } from '../../domain/errors.js';
import { MAX_CSV_ROWS } from '../contact/csv.js';

/** One suppression a CSV row asks for. */
export interface SuppressionRow {
  line: number;
  kind: 'NUMBER' | 'CLIENT_ID';
  value: string;
  reason: string | null;
}

export interface ParsedSuppressions {
  rows: number;
  entries: SuppressionRow[];
  errors: { line: number; code: string; reason: string }[];
}

const NUMBER_COLUMN = /^(number|phone|phone_number|msisdn|mobile)$/;
const CLIENT_COLUMN = /^(client_id|clientid)$/;
const REASON_MAX = 200;
const CLIENT_ID_MAX = 128;

/**
 * Reads a suppression (DND) CSV: a header with a number column (number, phone, msisdn, mobile)
 * and/or a client_id column, and an optional reason. A row may name both (two entries). Numbers
 * are normalised to E.164 (defaultRegion for national spellings); a bad row is reported with its
 * line and the rest are kept. A file that cannot be read at all is BAD_USER_INPUT.
 */
export function parseSuppressionCsv(text: string, defaultRegion?: string): ParsedSuppressions {
  const { header, rows } = readCsvTable(text);
  const numberIdx = header.findIndex((h) => NUMBER_COLUMN.test(h));
  const clientIdx = header.findIndex((h) => CLIENT_COLUMN.test(h));
  const reasonIdx = header.indexOf('reason');
  if (numberIdx < 0 && clientIdx < 0) throw badInput('CSV header has neither a "number" nor a "client_id" column', 'input.csv');
  if (rows.length > MAX_CSV_ROWS) throw badInput(`CSV has ${rows.length} rows; at most ${MAX_CSV_ROWS} can be imported at once`, 'input.csv');

  const out: ParsedSuppressions = { rows: rows.length, entries: [], errors: [] };
  for (const { record, line } of rows) {
    const cell = (i: number) => (i >= 0 ? (record[i] ?? '').trim() : '');
    const number = cell(numberIdx);
    const clientId = cell(clientIdx);
    const reason = cell(reasonIdx) || null;
    if (!number && !clientId) {
      out.errors.push({ line, code: 'EMPTY_ROW', reason: 'neither a number nor a client id' });
      continue;
    }
    if (reason && reason.length > REASON_MAX) {
      out.errors.push({ line, code: 'TOO_LONG', reason: `reason is longer than ${REASON_MAX} characters` });
      continue;
    }
    if (clientId.length > CLIENT_ID_MAX) {
      out.errors.push({ line, code: 'TOO_LONG', reason: `client_id is longer than ${CLIENT_ID_MAX} characters` });
      continue;
    }
    let e164: string | null = null;
    if (number) {
      try {
        e164 = normalisePhone(number, 'number', defaultRegion).e164;
      } catch (err) {
        if (!(err instanceof DialerError)) throw err;
        out.errors.push({ line, code: 'INVALID_NUMBER', reason: err.message.replace(/^number: /, '') });
        continue;
      }
    }
    if (e164) out.entries.push({ line, kind: 'NUMBER', value: e164, reason });
    if (clientId) out.entries.push({ line, kind: 'CLIENT_ID', value: clientId, reason });
  }
  return out;
}

import { normaliseHeader } from '../../domain/csv-table.js';
import { badInput } from '../../domain/errors.js';

/** A parsed CSV data row with its line number in the file (header = line 1). */
export interface CsvRow {
  line: number;
  name: string;
  phones: string[];
  timeZone?: string;
  clientId?: string;
  fields: Record<string, string>;
}

export const MAX_CSV_ROWS = 100_000;
const PHONE_COLUMN = /^(phone|phones|number|mobile|phone_?\d+)$/;
const FIELD_KEY = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Turns one data record of a contact CSV into a row, by the meaning of its header's columns. */
export type ContactRowReader = (record: string[], line: number) => CsvRow;

/**
 * What a contact CSV's header columns mean (name, phone columns, time zone, client id, custom fields). A header
 * that cannot be used throws BAD_USER_INPUT on `field`; the rows are read one by one by the reader it returns.
 */
export function contactColumns(rawHeader: string[], field = 'input.csv'): ContactRowReader {
  const header = rawHeader.map(normaliseHeader);
  const nameIdx = header.findIndex((h) => h === 'name' || h === 'full_name');
  const phoneIdx = header.map((h, i) => (PHONE_COLUMN.test(h) ? i : -1)).filter((i) => i >= 0);
  if (nameIdx < 0) throw badInput('CSV header has no "name" column', field);
  if (!phoneIdx.length) throw badInput('CSV header has no "phone" column (phone, phones, phone1..phoneN)', field);
  const tzIdx = header.findIndex((h) => h === 'time_zone' || h === 'timezone' || h === 'tz');
  const clientIdx = header.findIndex((h) => h === 'client_id' || h === 'clientid');
  const known = new Set([nameIdx, tzIdx, clientIdx, ...phoneIdx]);
  const fieldCols = header.map((h, i) => ({ h, i })).filter(({ i }) => !known.has(i));
  for (const { h } of fieldCols) {
    if (!FIELD_KEY.test(h)) throw badInput(`CSV column "${h}" is not a usable field name (letters, digits, _)`, field);
  }
  const dupes = header.filter((h, i) => header.indexOf(h) !== i);
  if (dupes.length) throw badInput(`CSV header repeats column "${dupes[0]}"`, field);
  return (record, line) => {
    const cell = (i: number) => (i >= 0 ? (record[i] ?? '').trim() : '');
    const fields: Record<string, string> = {};
    for (const { h, i } of fieldCols) if (cell(i)) fields[h] = cell(i);
    return {
      line,
      name: cell(nameIdx),
      phones: phoneIdx.flatMap((i) => cell(i).split(/[;|]/)).map((p) => p.trim()).filter(Boolean),
      timeZone: cell(tzIdx) || undefined,
      clientId: cell(clientIdx) || undefined,
      fields,
    };
  };
}

import { parse } from 'csv-parse/sync';
import { badInput } from './errors.js';

/** A CSV file read as a header (normalised: lower case, spaces and dashes as `_`) and data rows with their line numbers. */
export interface CsvTable {
  header: string[];
  rows: { record: string[]; line: number }[];
}

/** A header cell as the importers match it: lower case, spaces and dashes as `_`. */
export function normaliseHeader(cell: string): string {
  return cell.trim().toLowerCase().replace(/[\s-]+/g, '_');
}

/**
 * Reads CSV text (csv-parse: quotes, a BOM, ragged rows, blank lines). A file that cannot be read
 * or has no header row is BAD_USER_INPUT on `input.csv`; what the columns mean is the caller's.
 */
export function readCsvTable(text: string): CsvTable {
  let records: { record: string[]; info: { lines: number } }[];
  try {
    records = parse(text, { info: true, relax_column_count: true, skip_empty_lines: true, trim: true, bom: true }) as unknown as typeof records;
  } catch (err) {
    throw badInput(`CSV could not be read: ${(err as Error).message}`, 'input.csv');
  }
  if (!records.length) throw badInput('CSV is empty: expected a header row and data rows', 'input.csv');
  return {
    header: records[0]!.record.map(normaliseHeader),
    rows: records.slice(1).map(({ record, info }) => ({ record, line: info.lines })),
  };
}

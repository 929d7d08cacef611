/**
 * The campaign report as CSV (RFC 4180: CRLF line ends, fields quoted when they hold a quote,
 * comma, CR or LF, quotes doubled).
 *
 * Formula injection: a spreadsheet runs a cell that starts with `=`, `+`, `-` or `@` (and some
 * also a tab or CR) as a formula, so such cells get a leading single quote. The one exception is
 * the number column: it only ever holds an E.164 number we normalised ourselves (`+` then 7-15
 * digits), which a spreadsheet at worst reads as a plain number, so it stays exactly as stored.
 * Any other value in that column, and a `+…` anywhere else (e.g. a custom field), is still prefixed.
 */

/** Most rows one report carries. */
export const REPORT_MAX_ROWS = 200_000;

/** One number of the campaign, as read for the report. */
export interface ReportRow {
  contactName: string;
  number: string;
  /** The zones the calling window must hold in, space-separated (one unless the number's zone is uncertain). */
  timeZones: string;
  state: string;
  reason: string | null;
  agentAttempts: number;
  customerAttempts: number;
  dialCount: number;
  lastCallStatus: string | null;
  lastCallAt: Date | null;
  lastCallDurationSec: number | null;
  disposition: string | null;
  ownerAgentName: string | null;
  nextAttemptAt: Date | null;
  fields: Record<string, string>;
}

/** The fixed columns, in order; the contacts' custom fields follow (union of keys, sorted). */
export const REPORT_COLUMNS = [
  'contact_name', 'number', 'time_zones', 'state', 'reason', 'agent_attempts', 'customer_attempts', 'dial_count',
  'last_call_status', 'last_call_at', 'last_call_duration_sec', 'disposition', 'owner_agent', 'next_attempt_at',
] as const;

const FORMULA_START = /^[=+\-@\t\r]/;
const E164 = /^\+[1-9]\d{6,14}$/;
const NEEDS_QUOTES = /[",\r\n]/;

/**
 * One CSV field: neutralised against formula injection (unless `e164` and the value is a plain
 * E.164 number), then quoted when needed. Null and undefined are empty.
 */
export function csvCell(value: string | number | null | undefined, e164 = false): string {
  if (value === null || value === undefined) return '';
  let s = String(value);
  if (FORMULA_START.test(s) && !(e164 && E164.test(s))) s = `'${s}`;
  return NEEDS_QUOTES.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** The CSV text: a header line, then one line per row, CRLF-terminated. */
export function buildReportCsv(rows: readonly ReportRow[]): string {
  const keys = [...new Set(rows.flatMap((r) => Object.keys(r.fields)))].sort();
  const fixed = new Set<string>(REPORT_COLUMNS);
  // a custom field named like a fixed column gets a prefix, so no header is ambiguous
  const header = [...REPORT_COLUMNS, ...keys.map((k) => (fixed.has(k) ? `field:${k}` : k))];
  const iso = (d: Date | null) => (d ? d.toISOString() : null);
  const lines = [header.map((h) => csvCell(h)).join(',')];
  for (const r of rows) {
    lines.push([
      csvCell(r.contactName), csvCell(r.number, true), csvCell(r.timeZones), csvCell(r.state), csvCell(r.reason),
      csvCell(r.agentAttempts), csvCell(r.customerAttempts), csvCell(r.dialCount), csvCell(r.lastCallStatus), csvCell(iso(r.lastCallAt)),
      csvCell(r.lastCallDurationSec), csvCell(r.disposition), csvCell(r.ownerAgentName), csvCell(iso(r.nextAttemptAt)),
      ...keys.map((k) => csvCell(r.fields[k])),
    ].join(','));
  }
  return lines.join('\r\n') + '\r\n';
}

/** `<campaign-name>-<YYYY-MM-DDTHHmm>Z.csv`, safe as a file name everywhere. */
export function reportFilename(campaignName: string, at: Date): string {
  const slug = campaignName.normalize('NFKD').toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 60) || 'campaign';
  const stamp = at.toISOString().slice(0, 16).replace(':', '');
  return `${slug}-${stamp}Z.csv`;
}

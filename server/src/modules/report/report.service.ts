import { Transform, type Readable } from 'node:stream';
import { requireSupervisor } from '../../auth/actor.js';
import type { Scope } from '../../auth/scope.js';
import type { Clock } from '../../clock.js';
import { badInput } from '../../domain/errors.js';
import { canonicalTimeZone } from '../../domain/time-zone.js';
import { csvCell, reportFilename } from '../campaign/campaign-report.js';
import { CampaignRepository } from '../campaign/campaign.repository.js';
import { requireCampaignId } from '../stats/campaign-access.js';
import type { CallCursor, CallReportRow, NumberCursor, NumberReportRow, ReportRepository } from './report.repository.js';

export type ReportKind = 'calls' | 'numbers';

/** The call report's columns (one row per leg), in order. */
export const CALL_COLUMNS = [
  'campaign', 'campaign_id', 'leg_id', 'sid', 'contact_name', 'client_id', 'number', 'dialled', 'agent', 'leg_kind', 'status', 'cause',
  'created_at', 'answered_at', 'ended_at', 'duration_sec', 'recording_url', 'agent_attempt', 'customer_attempt',
  'reschedule_agent_call', 'reschedule_customer_call', 'disposition', 'abandoned', 'machine',
] as const;

/** The number report's fixed columns (one row per number); the contacts' custom fields follow, sorted. */
export const NUMBER_COLUMNS = [
  'contact_name', 'number', 'client_id', 'time_zones', 'state', 'reason', 'agent_attempts', 'customer_attempts', 'dial_count',
  'last_call_status', 'last_call_at', 'last_call_duration_sec', 'disposition', 'owner_agent', 'next_attempt_at',
  'reschedule_agent_call', 'reschedule_customer_call',
] as const;

function callLine(r: CallReportRow): string {
  return [
    csvCell(r.campaign_name), csvCell(r.campaign_id), csvCell(r.leg_id), csvCell(r.sid), csvCell(r.contact_name, true), csvCell(r.client_id),
    csvCell(r.number, true), csvCell(r.dialled, true), csvCell(r.agent_name), csvCell(r.kind), csvCell(r.status), csvCell(r.cause),
    csvCell(r.created_at), csvCell(r.answered_at), csvCell(r.ended_at), csvCell(r.duration_sec), csvCell(r.recording_url),
    csvCell(r.agent_attempt), csvCell(r.customer_attempt), csvCell(flag(r.reschedule_agent_call)), csvCell(flag(r.reschedule_customer_call)),
    csvCell(r.disposition), csvCell(flag(r.abandoned)), csvCell(flag(r.machine)),
  ].join(',') + '\r\n';
}

function numberLine(r: NumberReportRow, fields: readonly string[]): string {
  return [
    csvCell(r.contact_name, true), csvCell(r.number, true), csvCell(r.client_id), csvCell(r.time_zones), csvCell(r.state), csvCell(r.reason),
    csvCell(r.agent_attempts), csvCell(r.customer_attempts), csvCell(r.dial_count), csvCell(r.last_call_status), csvCell(r.last_call_at),
    csvCell(r.last_call_duration_sec), csvCell(r.disposition), csvCell(r.owner_agent), csvCell(r.next_attempt_at),
    csvCell(flag(r.reschedule_agent_call)), csvCell(flag(r.reschedule_customer_call)),
    ...fields.map((k) => csvCell(r.contact_fields?.[k])),
  ].join(',') + '\r\n';
}

const flag = (b: boolean | null | undefined) => (b === null || b === undefined ? null : b ? 'true' : 'false');

/** A report on its way out: the file name, and the CSV as a byte stream; `done` gives the connection back. */
export interface ReportDownload {
  filename: string;
  /** Database rows, then CSV bytes: pipe `rows` through `csv` (an error on either ends both). */
  rows: Readable;
  csv: Transform;
  done(): Promise<void>;
}

/**
 * Campaign reports (seeds 000 and 004 "Download"): the call report (one row per leg, with the agent
 * and customer attempt numbers) and the number report (one row per number with its final state and
 * reason), for running and finished campaigns alike, as CSV streamed from a database cursor or as
 * cursor-paginated pages for GraphQL. Supervisors, admins and keys with reports:read.
 */
export class ReportService {
  constructor(
    private readonly repo: ReportRepository,
    private readonly clock: Clock,
  ) {}

  /** The zone the times are written in: an IANA region zone (BAD_USER_INPUT timeZone otherwise). */
  zone(timeZone: string | undefined): string {
    return canonicalTimeZone(timeZone?.trim() || 'Etc/UTC', 'timeZone');
  }

  async download(scope: Scope, campaignId: string, kind: ReportKind, timeZone: string | undefined): Promise<ReportDownload> {
    requireSupervisor(scope.actor, 'download campaign reports');
    const zone = this.zone(timeZone);
    const id = await requireCampaignId(scope, campaignId);
    const campaign = (await new CampaignRepository(scope.em).findById(scope.actor.organizationId, id))!;
    const filename = reportFilename(`${campaign.name}-${kind}`, this.clock.now());
    if (kind === 'calls') {
      const { rows, done } = await this.repo.streamCalls(id, zone);
      return { filename, rows, csv: toCsv(CALL_COLUMNS, callLine), done };
    }
    const fields = await this.repo.fieldNames(id);
    const fixed = new Set<string>(NUMBER_COLUMNS);
    const header = [...NUMBER_COLUMNS, ...fields.map((k) => (fixed.has(k) ? `field:${k}` : k))];
    const { rows, done } = await this.repo.streamNumbers(id, zone);
    return { filename, rows, csv: toCsv(header, (r: NumberReportRow) => numberLine(r, fields)), done };
  }

  async callPage(scope: Scope, campaignId: string, timeZone: string | undefined, first: number, after: string | undefined): Promise<{ rows: CallReportRow[]; hasNextPage: boolean; endCursor: string | null }> {
    requireSupervisor(scope.actor, 'read campaign reports');
    const zone = this.zone(timeZone);
    const id = await requireCampaignId(scope, campaignId);
    const cursor = after ? decode<CallCursor>(after, (c) => typeof c.created === 'string' && typeof c.id === 'string') : null;
    const rows = await this.repo.callPage(id, zone, cursor, first + 1);
    const page = rows.slice(0, first);
    const last = page[page.length - 1];
    return { rows: page, hasNextPage: rows.length > first, endCursor: last ? encode({ created: last.seq_created, id: last.leg_id }) : null };
  }

  async numberPage(scope: Scope, campaignId: string, timeZone: string | undefined, first: number, after: string | undefined): Promise<{ rows: NumberReportRow[]; hasNextPage: boolean; endCursor: string | null }> {
    requireSupervisor(scope.actor, 'read campaign reports');
    const zone = this.zone(timeZone);
    const id = await requireCampaignId(scope, campaignId);
    const cursor = after ? decode<NumberCursor>(after, (c) => typeof c.created === 'string' && typeof c.contact === 'string' && UUID.test(c.contact) && Number.isInteger(c.position) && typeof c.id === 'string') : null;
    const rows = await this.repo.numberPage(id, zone, cursor, first + 1);
    const page = rows.slice(0, first);
    const last = page[page.length - 1];
    return {
      rows: page, hasNextPage: rows.length > first,
      endCursor: last ? encode({ created: last.k_created, contact: last.k_contact, position: last.k_position, id: last.number_id }) : null,
    };
  }
}

/** Rows to CSV bytes: a BOM (spreadsheets then read UTF-8), the header, then a CRLF line per row. */
function toCsv<T>(header: readonly string[], line: (row: T) => string): Transform {
  let started = false;
  const head = () => `\ufeff${header.map((h) => csvCell(h)).join(',')}\r\n`;
  return new Transform({
    writableObjectMode: true,
    writableHighWaterMark: 1000,
    transform(row: T, _enc, cb) {
      const text = line(row);
      if (!started) {
        started = true;
        cb(null, head() + text);
      } else cb(null, text);
    },
    flush(cb) {
      cb(null, started ? '' : head());
    },
  });
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function encode(c: Record<string, unknown>): string {
  return Buffer.from(JSON.stringify(c)).toString('base64url');
}

function decode<T extends Record<string, unknown>>(cursor: string, ok: (c: T) => boolean): T {
  try {
    const c = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as T;
    if (c && typeof c === 'object' && ok(c) && UUID.test(String(c.id)) && !Number.isNaN(Date.parse(String(c.created)))) return c;
  } catch {
    // falls through
  }
  throw badInput('after is not a cursor of this report', 'after');
}

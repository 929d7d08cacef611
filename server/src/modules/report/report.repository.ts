import pg from 'pg';
import QueryStream from 'pg-query-stream';
import type { Readable } from 'node:stream';

/**
 * Campaign reports read straight from PostgreSQL: a server-side cursor (pg-query-stream) streams
 * rows in batches, so a million legs pass through in constant memory. Times are formatted by
 * PostgreSQL in the zone the reader picked (`TimeZone` set for the read's own transaction), as ISO
 * 8601 with their offset (`2026-11-23T10:30:05+05:30`).
 */

/** ISO 8601 with offset, in the transaction's TimeZone. */
const ISO = (col: string) => `to_char(${col}, 'YYYY-MM-DD"T"HH24:MI:SSTZH:TZM')`;

/** One call leg (the call report's row). */
export interface CallReportRow {
  seq_created: string;
  leg_id: string;
  campaign_id: string;
  campaign_name: string;
  sid: string | null;
  contact_name: string | null;
  client_id: string | null;
  number: string | null;
  dialled: string;
  agent_name: string | null;
  kind: string;
  status: string;
  cause: string | null;
  created_at: string;
  answered_at: string | null;
  ended_at: string | null;
  duration_sec: number | null;
  recording_url: string | null;
  agent_attempt: number;
  customer_attempt: number;
  reschedule_agent_call: boolean | null;
  reschedule_customer_call: boolean | null;
  disposition: string | null;
  abandoned: boolean;
  machine: boolean;
}

/** One number (the number report's row). */
export interface NumberReportRow {
  k_created: string;
  k_contact: string;
  k_position: number;
  number_id: string;
  contact_name: string;
  number: string;
  client_id: string | null;
  time_zones: string;
  state: string;
  reason: string | null;
  agent_attempts: number;
  customer_attempts: number;
  dial_count: number;
  last_call_status: string | null;
  last_call_at: string | null;
  last_call_duration_sec: number | null;
  disposition: string | null;
  owner_agent: string | null;
  next_attempt_at: string | null;
  reschedule_agent_call: boolean;
  reschedule_customer_call: boolean;
  contact_fields: Record<string, string> | null;
}

/** Keyset positions: where the next page starts (after this row). */
export type CallCursor = { created: string; id: string };
export type NumberCursor = { created: string; contact: string; position: number; id: string };

const NIL = '00000000-0000-0000-0000-000000000000';

function callSql(after: CallCursor | null, limit: number | null): { text: string; values: unknown[] } {
  const values: unknown[] = [];
  const p = (v: unknown) => (values.push(v), `$${values.length}`);
  const campaign = p(null); // filled below
  const where = [`l.campaign_id = ${campaign}`];
  if (after) where.push(`(l.created_at, l.id) > (${p(after.created)}::timestamptz, ${p(after.id)}::uuid)`);
  const text = `select to_char(l.created_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as seq_created, l.id as leg_id, l.campaign_id, c.name as campaign_name, l.sid,
      n.contact_name, n.client_id, n.e164 as number, l.to_number as dialled, a.name as agent_name, l.kind, l.status, l.cause,
      ${ISO('l.created_at')} as created_at, ${ISO('l.answered_at')} as answered_at, ${ISO('l.ended_at')} as ended_at, l.duration_sec, l.recording_url,
      l.agent_attempt, l.customer_attempt, n.reschedule_agent_call, n.reschedule_customer_call, n.disposition, l.abandoned, l.machine
    from call_leg l join campaign c on c.id = l.campaign_id left join campaign_number n on n.id = l.number_id left join agent a on a.id = l.agent_id
   where ${where.join(' and ')}
   order by l.created_at, l.id${limit ? ` limit ${p(limit)}` : ''}`;
  return { text, values };
}

function numberSql(after: NumberCursor | null, limit: number | null): { text: string; values: unknown[] } {
  const values: unknown[] = [];
  const p = (v: unknown) => (values.push(v), `$${values.length}`);
  const campaign = p(null);
  const where = [`n.campaign_id = ${campaign}`];
  if (after) {
    where.push(`(n.created_at, coalesce(n.contact_id, '${NIL}'), n.position, n.id) > (${p(after.created)}::timestamptz, ${p(after.contact)}::uuid, ${p(after.position)}::smallint, ${p(after.id)}::uuid)`);
  }
  const text = `select to_char(n.created_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as k_created, coalesce(n.contact_id, '${NIL}') as k_contact, n.position as k_position,
      n.id as number_id, n.contact_name, n.e164 as number, n.client_id, array_to_string(n.time_zones, ' ') as time_zones, n.state, n.reason,
      n.agent_attempts, n.customer_attempts, n.dial_count, l.status as last_call_status, ${ISO('l.created_at')} as last_call_at, l.duration_sec as last_call_duration_sec,
      n.disposition, a.name as owner_agent, ${ISO('n.next_attempt_at')} as next_attempt_at, n.reschedule_agent_call, n.reschedule_customer_call, n.contact_fields
    from campaign_number n
    left join agent a on a.id = n.owner_agent_id
    left join lateral (select status, created_at, duration_sec from call_leg where number_id = n.id and kind = 'CUSTOMER' order by created_at desc limit 1) l on true
   where ${where.join(' and ')}
   order by n.created_at, coalesce(n.contact_id, '${NIL}'), n.position, n.id${limit ? ` limit ${p(limit)}` : ''}`;
  return { text, values };
}

/** The reports' own connections (a long export must not hold one of the ORM's). */
export class ReportRepository {
  private readonly pool: pg.Pool;

  constructor(databaseUrl: string, max = 4) {
    this.pool = new pg.Pool({ connectionString: databaseUrl, max, idleTimeoutMillis: 10_000 });
    this.pool.on('error', () => undefined); // an idle client's broken connection is dropped by the pool
  }

  /** The sorted custom field names of a campaign's contacts (the number report's extra columns). */
  async fieldNames(campaignId: string): Promise<string[]> {
    const r = await this.pool.query<{ k: string }>(`select distinct jsonb_object_keys(contact_fields) as k from campaign_number where campaign_id = $1 order by 1`, [campaignId]);
    return r.rows.map((x) => x.k);
  }

  /** A page of the call report after `after` (GraphQL). */
  async callPage(campaignId: string, timeZone: string, after: CallCursor | null, limit: number): Promise<CallReportRow[]> {
    const q = callSql(after, limit);
    q.values[0] = campaignId;
    return this.inZone(timeZone, (c) => c.query<CallReportRow>(q.text, q.values).then((r) => r.rows));
  }

  async numberPage(campaignId: string, timeZone: string, after: NumberCursor | null, limit: number): Promise<NumberReportRow[]> {
    const q = numberSql(after, limit);
    q.values[0] = campaignId;
    return this.inZone(timeZone, (c) => c.query<NumberReportRow>(q.text, q.values).then((r) => r.rows));
  }

  /** Every leg of a campaign as a stream of rows, read through a cursor in its own transaction; `done` ends it. */
  streamCalls(campaignId: string, timeZone: string): Promise<{ rows: Readable; done(): Promise<void> }> {
    const q = callSql(null, null);
    q.values[0] = campaignId;
    return this.stream(q, timeZone);
  }

  streamNumbers(campaignId: string, timeZone: string): Promise<{ rows: Readable; done(): Promise<void> }> {
    const q = numberSql(null, null);
    q.values[0] = campaignId;
    return this.stream(q, timeZone);
  }

  close(): Promise<void> {
    return this.pool.end();
  }

  private async inZone<T>(timeZone: string, fn: (c: pg.PoolClient) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    try {
      await client.query('begin read only');
      await client.query(`select set_config('TimeZone', $1, true)`, [timeZone]);
      const out = await fn(client);
      await client.query('commit');
      return out;
    } catch (err) {
      await client.query('rollback').catch(() => undefined);
      throw err;
    } finally {
      client.release();
    }
  }

  private async stream(q: { text: string; values: unknown[] }, timeZone: string): Promise<{ rows: Readable; done(): Promise<void> }> {
    const client = await this.pool.connect();
    try {
      // one snapshot for the whole export (repeatable read): rows written meanwhile do not tear it
      await client.query('begin isolation level repeatable read read only');
      await client.query(`select set_config('TimeZone', $1, true)`, [timeZone]);
    } catch (err) {
      client.release(err as Error);
      throw err;
    }
    const rows = client.query(new QueryStream(q.text, q.values, { batchSize: 1000, highWaterMark: 1000 }));
    let finished = false;
    return {
      rows,
      done: async () => {
        if (finished) return;
        finished = true;
        if (rows.destroyed && !rows.readableEnded) {
          // a reader that went away mid-export: the connection may be mid-protocol, so it is not reused
          client.release(new Error('report stream aborted'));
          return;
        }
        await client.query('commit').catch(() => undefined);
        client.release();
      },
    };
  }
}

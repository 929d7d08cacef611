import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import type { Writable } from 'node:stream';
import { syncCampaignZonesSql } from './contact.repository.js';

/** One good row of an import, as staged: the prepared contact and its numbers in file order. */
export interface StagedRow {
  line: number;
  name: string;
  timeZone: string | null;
  clientId: string | null;
  fields: Record<string, string>;
  /** [e164, region, candidate zones, zone source] */
  phones: [string, string | null, string[], string][];
}

export interface MergeOutcome {
  created: number;
  matched: number;
  zonesUpdated: number;
  addedToList: number;
  /** Rows refused against the file's other rows or the directory (DUPLICATE, CONFLICT). */
  errors: { line: number; code: string; reason: string }[];
}

/**
 * Contact imports (issue 19): rows are staged with COPY into a temporary table on the import's own connection, then
 * merged into the directory with set-based statements in one short transaction, so a file of a million rows takes
 * neither a million round trips nor a transaction open while it uploads, and a failed import changes nothing (the
 * staging table dies with its session).
 */
export class ContactImportRepository {
  private readonly pool: pg.Pool;

  constructor(databaseUrl: string, max = 2) {
    this.pool = new pg.Pool({ connectionString: databaseUrl, max, idleTimeoutMillis: 10_000 });
    this.pool.on('error', () => undefined);
  }

  close(): Promise<void> {
    return this.pool.end();
  }

  /** A connection with an empty staging table; `copy()` streams rows in, `merge()` applies them, `release()` ends it. */
  async open(): Promise<ImportSession> {
    const client = await this.pool.connect();
    try {
      await client.query(`drop table if exists pg_temp.import_row`);
      await client.query(`create temp table import_row (line int not null, doc jsonb not null)`);
    } catch (err) {
      client.release(true);
      throw err;
    }
    return new ImportSession(client);
  }
}

/** COPY text format: a backslash, tab, newline or carriage return inside a value is escaped. */
const copyText = (s: string) => s.replace(/[\\\t\n\r]/g, (c) => (c === '\\' ? '\\\\' : c === '\t' ? '\\t' : c === '\n' ? '\\n' : '\\r'));

export class ImportSession {
  private copy: Writable | undefined;

  constructor(private readonly client: pg.PoolClient) {}

  /** The COPY stream of the staging table (one per session). */
  stream(): Writable {
    this.copy ??= this.client.query(copyFrom('copy import_row (line, doc) from stdin'));
    return this.copy;
  }

  /** One staged row as a line of the COPY stream. */
  static line(row: StagedRow): string {
    const doc = { n: row.name, tz: row.timeZone, cid: row.clientId, f: row.fields, p: row.phones };
    return `${row.line}\t${copyText(JSON.stringify(doc))}\n`;
  }

  /**
   * Applies the staged rows to an organisation's directory in one transaction: a number (or client id) already on an
   * earlier line of the file is a DUPLICATE; a row whose numbers belong to different contacts, or whose client id
   * belongs to another contact, is a CONFLICT; a row whose numbers belong to one contact adds its new numbers to it
   * (and its time zone, when given); any other row is a new contact. The contacts go to the list, and campaign
   * numbers of contacts whose numbers or zone changed follow. One import per organisation merges at a time.
   */
  async merge(organizationId: string, listId: string | null, now: Date): Promise<MergeOutcome> {
    const q = (sql: string, params: unknown[] = []) => this.client.query(sql, params);
    await q('begin');
    try {
      await q(`select pg_advisory_xact_lock(hashtext('contact-import'), hashtext($1))`, [organizationId]);
      await q(`create index on import_row (line)`);
      await q(`analyze import_row`);
      await q(`create temp table import_phone on commit drop as
                 select i.line, (p.ord - 1)::smallint as position, p.v->>0 as e164, p.v->>1 as region,
                        array(select jsonb_array_elements_text(p.v->2)) as zones, p.v->>3 as zone_source
                   from import_row i cross join lateral jsonb_array_elements(i.doc->'p') with ordinality as p(v, ord)`);
      await q(`create index on import_phone (e164)`);
      await q(`create index on import_phone (line)`);
      await q(`analyze import_phone`);
      await q(`create temp table import_error (line int primary key, code text not null, reason text not null) on commit drop`);
      // a number, or a client id, on an earlier line of the file: the first line keeps it
      await q(`insert into import_error
                 select distinct on (p.line) p.line, 'DUPLICATE', p.e164 || ' repeats line ' || f.first
                   from import_phone p join (select e164, min(line) as first from import_phone group by e164) f on f.e164 = p.e164 and f.first < p.line
                  order by p.line, f.first`);
      await q(`insert into import_error
                 select i.line, 'DUPLICATE', 'client_id "' || (i.doc->>'cid') || '" repeats line ' || f.first
                   from import_row i join (select doc->>'cid' as cid, min(line) as first from import_row where doc->>'cid' is not null group by 1) f
                     on f.cid = i.doc->>'cid' and f.first < i.line
                 on conflict (line) do nothing`);
      // who owns the row's numbers already
      await q(`create temp table import_owner on commit drop as
                 select p.line, array_agg(distinct n.contact_id) as owners
                   from import_phone p join phone_number n on n.organization_id = $1 and n.e164 = p.e164
                  where not exists (select 1 from import_error e where e.line = p.line)
                  group by p.line`, [organizationId]);
      await q(`insert into import_error select line, 'CONFLICT', 'its numbers belong to different existing contacts' from import_owner where cardinality(owners) > 1
                 on conflict (line) do nothing`);
      await q(`insert into import_error
                 select i.line, 'CONFLICT', 'client_id "' || (i.doc->>'cid') || '" belongs to another contact'
                   from import_row i join contact c on c.organization_id = $1 and c.client_id = i.doc->>'cid'
                  where not exists (select 1 from import_owner o where o.line = i.line)
                 on conflict (line) do nothing`, [organizationId]);
      await q(`create temp table import_match on commit drop as
                 select o.line, o.owners[1] as contact_id from import_owner o
                  where cardinality(o.owners) = 1 and not exists (select 1 from import_error e where e.line = o.line)`);
      // matched contacts: their new numbers after their last one, their zone when the file gives one
      const added = await q(`insert into phone_number (id, organization_id, contact_id, e164, region, position, time_zones, zone_source)
                 select gen_random_uuid(), $1, m.contact_id, p.e164, p.region,
                        (select coalesce(max(x.position) + 1, 0) from phone_number x where x.contact_id = m.contact_id)
                          + row_number() over (partition by m.contact_id order by p.line, p.position) - 1,
                        p.zones, p.zone_source
                   from import_match m join import_phone p on p.line = m.line
                  where not exists (select 1 from phone_number x where x.organization_id = $1 and x.e164 = p.e164)
                 returning contact_id`, [organizationId]);
      const zoned = await q(`update contact c set time_zone = z.tz, updated_at = $2
                 from (select distinct on (m.contact_id) m.contact_id, i.doc->>'tz' as tz
                         from import_match m join import_row i on i.line = m.line where i.doc->>'tz' is not null order by m.contact_id, m.line desc) z
                where c.id = z.contact_id and c.organization_id = $1 and c.time_zone is distinct from z.tz
                returning c.id`, [organizationId, now]);
      // everything else is a new contact
      await q(`create temp table import_new on commit drop as
                 select i.line, gen_random_uuid() as id from import_row i
                  where not exists (select 1 from import_error e where e.line = i.line) and not exists (select 1 from import_owner o where o.line = i.line)`);
      const created = await q(`insert into contact (id, organization_id, name, client_id, time_zone, fields, created_at, updated_at)
                 select n.id, $1, i.doc->>'n', i.doc->>'cid', i.doc->>'tz', coalesce(i.doc->'f', '{}'::jsonb), $2, $2
                   from import_new n join import_row i on i.line = n.line order by n.line`, [organizationId, now]);
      await q(`insert into phone_number (id, organization_id, contact_id, e164, region, position, time_zones, zone_source)
                 select gen_random_uuid(), $1, n.id, p.e164, p.region, p.position, p.zones, p.zone_source
                   from import_new n join import_phone p on p.line = n.line`, [organizationId]);
      let addedToList = 0;
      if (listId) {
        const r = await q(`insert into contact_list_member (list_id, contact_id)
                 select $1::uuid, contact_id from import_match union select $1::uuid, id from import_new
                 on conflict do nothing`, [listId]);
        addedToList = r.rowCount ?? 0;
      }
      // their campaign numbers follow a zone or number change (as one contact's edit does)
      const touched = [...new Set([...added.rows, ...zoned.rows].map((r: { contact_id?: string; id?: string }) => r.contact_id ?? r.id!))];
      if (touched.length) {
        await q(syncCampaignZonesSql('= any($1::uuid[])'), [touched]);
      }
      const matched = await q(`select count(*)::int as n from import_match`);
      const errors = await q(`select line, code, reason from import_error order by line`);
      await q('commit');
      return { created: created.rowCount ?? 0, matched: matched.rows[0].n, zonesUpdated: zoned.rowCount ?? 0, addedToList, errors: errors.rows };
    } catch (err) {
      await q('rollback').catch(() => undefined);
      throw err;
    }
  }

  /** Returns the connection (emptied), or destroys it when the import broke off mid-protocol. */
  async release(broken: boolean): Promise<void> {
    if (broken) return this.client.release(true);
    try {
      await this.client.query('drop table if exists pg_temp.import_row');
      this.client.release();
    } catch {
      this.client.release(true);
    }
  }
}

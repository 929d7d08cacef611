import type { EntityManager } from '@mikro-orm/postgresql';
import { escapeLike } from '../contact/contact.repository.js';

export type SuppressionKind = 'NUMBER' | 'CLIENT_ID';

export interface SuppressionRow {
  id: string;
  kind: SuppressionKind;
  value: string;
  reason: string | null;
  campaign_id: string | null;
  campaign_name: string | null;
  created_at: Date;
}

export interface SuppressionFilter {
  kind?: SuppressionKind;
  search?: string;
}

const COLUMNS = `id, kind, value, reason, campaign_id, (select c.name from campaign c where c.id = suppression.campaign_id) as campaign_name, created_at`;
/** The unique key: one entry per number or client id, for every campaign or for one. */
const KEY = `(organization_id, kind, value, coalesce(campaign_id, '00000000-0000-0000-0000-000000000000'::uuid))`;

/** The suppression (DND) list of an organisation; the engine's pre-dial guard reads the same table. */
export class SuppressionRepository {
  constructor(private readonly em: EntityManager) {}

  /** A page, newest first, and how many match. `search` matches digits of a number in any spelling, a client id or the reason. */
  async page(organizationId: string, filter: SuppressionFilter, limit: number, offset: number): Promise<{ rows: SuppressionRow[]; total: number }> {
    const where = ['organization_id = ?'];
    const params: unknown[] = [organizationId];
    if (filter.kind) {
      where.push('kind = ?');
      params.push(filter.kind);
    }
    const q = filter.search?.trim();
    if (q) {
      const digits = q.replace(/[\s()+.-]/g, '');
      const like = `%${escapeLike(q.toLowerCase())}%`;
      where.push(/^\d+$/.test(digits) ? `(value like ? or lower(value) like ? or lower(coalesce(reason, '')) like ?)` : `(lower(value) like ? or lower(value) like ? or lower(coalesce(reason, '')) like ?)`);
      params.push(`%${escapeLike(digits)}%`, like, like);
    }
    const rows = await this.em.execute<(SuppressionRow & { total: string })[]>(
      `select ${COLUMNS}, count(*) over () as total from suppression where ${where.join(' and ')} order by created_at desc, id limit ? offset ?`,
      [...params, limit, offset],
    );
    if (rows.length || offset === 0) return { rows, total: rows.length ? Number(rows[0]!.total) : 0 };
    const [c] = await this.em.execute<{ n: string }[]>(`select count(*) as n from suppression where ${where.join(' and ')}`, params);
    return { rows, total: Number(c!.n) };
  }

  /** Adds an entry, or keeps the one there (a new reason fills an empty one). */
  async upsert(organizationId: string, kind: SuppressionKind, value: string, reason: string | null, campaignId: string | null, now: Date): Promise<SuppressionRow> {
    const [row] = await this.em.execute<SuppressionRow[]>(
      `insert into suppression (id, organization_id, kind, value, reason, campaign_id, created_at) values (gen_random_uuid(), ?, ?, ?, ?, ?, ?)
       on conflict ${KEY} do update set reason = coalesce(excluded.reason, suppression.reason)
       returning ${COLUMNS}`,
      [organizationId, kind, value, reason, campaignId, now],
    );
    return row!;
  }

  /** Adds entries that are not listed yet (in chunks of 1,000 rows); returns how many were added. */
  async addMissing(organizationId: string, entries: readonly { kind: SuppressionKind; value: string; reason: string | null }[], now: Date): Promise<number> {
    let added = 0;
    for (let i = 0; i < entries.length; i += 1000) {
      const chunk = entries.slice(i, i + 1000);
      // (knex expands an array binding into a list, so the rows go in as VALUES)
      const rows = await this.em.execute<{ id: string }[]>(
        `insert into suppression (id, organization_id, kind, value, reason, created_at)
         values ${chunk.map(() => '(gen_random_uuid(), ?, ?, ?, ?, ?)').join(', ')}
         on conflict ${KEY} do nothing returning id`,
        chunk.flatMap((e) => [organizationId, e.kind, e.value, e.reason, now]),
      );
      added += rows.length;
    }
    return added;
  }

  /** Removes an entry of the organisation; false when there is none with that id. */
  async remove(organizationId: string, id: string): Promise<boolean> {
    const rows = await this.em.execute(`delete from suppression where id = ? and organization_id = ? returning id`, [id, organizationId]);
    return rows.length > 0;
  }
}

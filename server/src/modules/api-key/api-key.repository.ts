import type { EntityManager } from '@mikro-orm/postgresql';
import { IN_UUID, jsonParam } from '../../db/sql.js';

export interface ApiKeyRow {
  id: string;
  organization_id: string;
  name: string;
  prefix: string;
  scopes: string[];
  created_by: string | null;
  created_by_name: string | null;
  created_at: Date;
  last_used_at: Date | null;
  revoked_at: Date | null;
}

const COLUMNS = `k.id, k.organization_id, k.name, k.prefix, k.scopes, k.created_by, u.name as created_by_name, k.created_at, k.last_used_at, k.revoked_at`;

/** API keys; every query is scoped to one organisation, except the lookup by hash (the key itself says whose it is). */
export class ApiKeyRepository {
  constructor(private readonly em: EntityManager) {}

  async insert(k: { id: string; organizationId: string; name: string; prefix: string; hash: string; scopes: readonly string[]; createdBy: string | null; now: Date }): Promise<ApiKeyRow> {
    await this.em.execute(
      `insert into api_key (id, organization_id, name, prefix, key_hash, scopes, created_by, created_at) values (?, ?, ?, ?, ?, ?::text[], ?, ?)`,
      [k.id, k.organizationId, k.name, k.prefix, k.hash, `{${k.scopes.join(',')}}`, k.createdBy, k.now],
    );
    return (await this.find(k.organizationId, k.id))!;
  }

  async find(organizationId: string, id: string): Promise<ApiKeyRow | undefined> {
    const [row] = await this.em.execute<ApiKeyRow[]>(`select ${COLUMNS} from api_key k left join app_user u on u.id = k.created_by where k.organization_id = ? and k.id = ?`, [organizationId, id]);
    return row;
  }

  list(organizationId: string): Promise<ApiKeyRow[]> {
    return this.em.execute(`select ${COLUMNS} from api_key k left join app_user u on u.id = k.created_by where k.organization_id = ? order by k.revoked_at nulls first, k.created_at desc limit 500`, [organizationId]);
  }

  async revoke(organizationId: string, id: string, now: Date): Promise<ApiKeyRow | undefined> {
    await this.em.execute(`update api_key set revoked_at = coalesce(revoked_at, ?) where organization_id = ? and id = ?`, [now, organizationId, id]);
    return this.find(organizationId, id);
  }

  /** A live key by the hash of its secret; records that it was used (at most once a minute per key). */
  async use(hash: string, now: Date): Promise<ApiKeyRow | undefined> {
    const [row] = await this.em.execute<ApiKeyRow[]>(
      `select ${COLUMNS} from api_key k left join app_user u on u.id = k.created_by where k.key_hash = ? and k.revoked_at is null`, [hash]);
    if (row && (!row.last_used_at || now.getTime() - new Date(row.last_used_at).getTime() > 60_000)) {
      await this.em.execute(`update api_key set last_used_at = ? where id = ?`, [now, row.id]);
    }
    return row;
  }

  /** Of these keys, the revoked (or deleted) ones: their open sockets are closed. */
  async ended(ids: string[]): Promise<Set<string>> {
    if (!ids.length) return new Set();
    const found = await this.em.execute<{ id: string; revoked: boolean }[]>(`select id, revoked_at is not null as revoked from api_key where id in ${IN_UUID}`, [jsonParam(ids)]);
    const live = new Set(found.filter((r) => !r.revoked).map((r) => r.id));
    return new Set(ids.filter((id) => !live.has(id)));
  }
}

import type { EntityManager } from '@mikro-orm/postgresql';
import { IN_UUID, jsonParam } from '../../db/sql.js';
import { ContactListEntity } from '../../entities/index.js';

export interface ListRow {
  list: ContactListEntity;
  contactCount: number;
}

export class ContactListRepository {
  constructor(private readonly em: EntityManager) {}

  findById(organizationId: string, id: string): Promise<ContactListEntity | null> {
    return this.em.findOne(ContactListEntity, { id, organization: organizationId });
  }

  findByName(organizationId: string, name: string): Promise<ContactListEntity | null> {
    return this.em.findOne(ContactListEntity, { name, organization: organizationId });
  }

  async countMembers(listIds: string[]): Promise<Map<string, number>> {
    if (!listIds.length) return new Map();
    const rows: { list_id: string; n: string }[] = await this.em
      .execute(`select list_id, count(*) as n from contact_list_member where list_id in ${IN_UUID} group by list_id`, [jsonParam(listIds)]);
    return new Map(rows.map((r) => [r.list_id, Number(r.n)]));
  }

  async findPage(organizationId: string, limit: number, offset: number): Promise<{ items: ListRow[]; totalCount: number }> {
    const [lists, totalCount] = await this.em.findAndCount(
      ContactListEntity,
      { organization: organizationId },
      { orderBy: { createdAt: 'desc', id: 'asc' }, limit, offset },
    );
    const counts = await this.countMembers(lists.map((l) => l.id));
    return { items: lists.map((list) => ({ list, contactCount: counts.get(list.id) ?? 0 })), totalCount };
  }

  /** Ids among `contactIds` that belong to the organisation. */
  async existingContactIds(organizationId: string, contactIds: string[]): Promise<Set<string>> {
    const rows: { id: string }[] = await this.em
      .execute(`select id from contact where organization_id = ? and id in ${IN_UUID}`, [organizationId, jsonParam(contactIds)]);
    return new Set(rows.map((r) => r.id));
  }

  async removeMembers(listId: string, contactIds: string[]): Promise<number> {
    const res = await this.em
      .execute(`delete from contact_list_member where list_id = ? and contact_id in ${IN_UUID}`, [listId, jsonParam(contactIds)], 'run');
    return (res as unknown as { affectedRows: number }).affectedRows;
  }
}

import type { EntityManager } from '@mikro-orm/postgresql';
import { IN_TEXT, IN_UUID, jsonParam } from '../../db/sql.js';
import { ContactEntity, ContactListEntity, PhoneNumberEntity } from '../../entities/index.js';

/** Queries on the contact directory; every query is scoped to one organisation. */
export class ContactRepository {
  constructor(private readonly em: EntityManager) {}

  findById(organizationId: string, id: string): Promise<ContactEntity | null> {
    return this.em.findOne(ContactEntity, { id, organization: organizationId }, { populate: ['phones'] });
  }

  async findPage(organizationId: string, search: string | undefined, limit: number, offset: number) {
    const where = search
      ? {
          organization: organizationId,
          $or: [{ name: { $ilike: `%${escapeLike(search)}%` } }, { phones: { e164: { $like: `%${escapeLike(search)}%` } } }],
        }
      : { organization: organizationId };
    const [items, totalCount] = await this.em.findAndCount(ContactEntity, where, {
      populate: ['phones'],
      orderBy: { createdAt: 'desc', id: 'asc' },
      limit,
      offset,
    });
    return { items, totalCount };
  }

  /** Which contact owns each of these numbers already. */
  async ownersOf(organizationId: string, e164s: string[]): Promise<Map<string, string>> {
    if (!e164s.length) return new Map();
    const rows: { e164: string; contact_id: string }[] = await this.em
      .execute(`select e164, contact_id from phone_number where organization_id = ? and e164 in ${IN_TEXT}`, [organizationId, jsonParam(e164s)]);
    return new Map(rows.map((r) => [r.e164, r.contact_id]));
  }

  async clientIdOwner(organizationId: string, clientId: string): Promise<string | undefined> {
    const found = await this.em.findOne(ContactEntity, { organization: organizationId, clientId }, { fields: ['id'] });
    return found?.id;
  }

  findLists(organizationId: string, ids: string[]): Promise<ContactListEntity[]> {
    return this.em.find(ContactListEntity, { organization: organizationId, id: { $in: ids } });
  }

  /** Adds contacts to a list, skipping those already in it; returns how many were added. */
  async addToList(listId: string, contactIds: string[]): Promise<number> {
    if (!contactIds.length) return 0;
    const res = await this.em
      .execute(
        `insert into contact_list_member (list_id, contact_id) select ?, id from contact where id in ${IN_UUID} on conflict do nothing`,
        [listId, jsonParam(contactIds)],
        'run',
      );
    return (res as unknown as { affectedRows: number }).affectedRows;
  }

  newPhone(data: Pick<PhoneNumberEntity, 'e164' | 'region' | 'position'> & { organizationId: string; contact: ContactEntity }): PhoneNumberEntity {
    return this.em.create(PhoneNumberEntity, {
      organization: data.organizationId,
      contact: data.contact,
      e164: data.e164,
      region: data.region ?? null,
      position: data.position,
    });
  }
}

export function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

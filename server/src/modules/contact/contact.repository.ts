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

  newPhone(data: Pick<PhoneNumberEntity, 'e164' | 'region' | 'position' | 'timeZones' | 'zoneSource'> & { organizationId: string; contact: ContactEntity }): PhoneNumberEntity {
    return this.em.create(PhoneNumberEntity, {
      organization: data.organizationId,
      contact: data.contact,
      e164: data.e164,
      region: data.region ?? null,
      position: data.position,
      timeZones: data.timeZones,
      zoneSource: data.zoneSource,
    });
  }

  /** Sets (or, with null, clears) the explicit zone of these contacts; returns the ids that changed. */
  async setTimeZone(organizationId: string, contactIds: string[], zone: string | null, now: Date): Promise<string[]> {
    if (!contactIds.length) return [];
    const rows = await this.em.execute<{ id: string }[]>(
      `update contact set time_zone = ?, updated_at = ? where organization_id = ? and id in ${IN_UUID} and time_zone is distinct from ? returning id`,
      [zone, now, organizationId, jsonParam(contactIds), zone],
    );
    return rows.map((r) => r.id);
  }

  /** Contacts of a list (for a bulk change). */
  async listMemberIds(organizationId: string, listId: string): Promise<string[]> {
    const rows = await this.em.execute<{ id: string }[]>(
      `select c.id from contact_list_member m join contact c on c.id = m.contact_id and c.organization_id = ? where m.list_id = ?`,
      [organizationId, listId],
    );
    return rows.map((r) => r.id);
  }

  /**
   * Brings the zones of these contacts' numbers in every campaign in line with the directory (the
   * contact's explicit zone, else each number's candidates), in one statement. A zone is a fact
   * about the person, not a list edit, so it applies to running campaigns at once.
   */
  async syncCampaignZones(contactIds: string[]): Promise<number> {
    if (!contactIds.length) return 0;
    const res = await this.em.execute(
      syncCampaignZonesSql(`in ${IN_UUID}`),
      [jsonParam(contactIds)],
      'run',
    );
    return (res as unknown as { affectedRows: number }).affectedRows;
  }
}

/**
 * Brings the zones of these contacts' campaign numbers in line with the contacts (their explicit zone, else each
 * number's candidates); `match` selects the contacts (`in (...)`, `= any($1::uuid[])`).
 */
export function syncCampaignZonesSql(match: string): string {
  return `update campaign_number n set time_zones = z.zones
         from (select c.id as contact_id, p.e164, case when c.time_zone is null then p.time_zones else array[c.time_zone]::text[] end as zones
                 from contact c join phone_number p on p.contact_id = c.id where c.id ${match}) z
        where n.contact_id = z.contact_id and n.e164 = z.e164 and n.time_zones is distinct from z.zones`;
}

export function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

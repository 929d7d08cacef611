import type { ContactEntity, ContactListEntity } from '../../entities/index.js';
import { dialZones } from '../../domain/time-zone.js';
import { Contact, ContactList, ZoneSource } from './contact.type.js';

export function toContact(entity: ContactEntity): Contact {
  return {
    id: entity.id,
    name: entity.name,
    clientId: entity.clientId ?? null,
    timeZone: entity.timeZone ?? null,
    phones: entity.phones
      .getItems()
      .sort((a, b) => a.position - b.position)
      .map((p) => ({
        e164: p.e164, region: p.region ?? null, position: p.position, candidateTimeZones: p.timeZones,
        timeZones: dialZones(entity.timeZone, p.timeZones), zoneSource: entity.timeZone ? ZoneSource.CONTACT : p.zoneSource,
      })),
    fields: Object.entries(entity.fields ?? {}).map(([key, value]) => ({ key, value })),
    createdAt: entity.createdAt,
  };
}

export function toContactList(entity: ContactListEntity, contactCount: number): ContactList {
  return { id: entity.id, name: entity.name, contactCount, createdAt: entity.createdAt };
}

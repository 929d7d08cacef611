import { ArrayType, Collection, Entity, ManyToMany, ManyToOne, OneToMany, PrimaryKey, Property, Unique, type Ref } from '@mikro-orm/core';
import { randomUUID } from 'node:crypto';
import { OrganizationEntity } from './organization.entity.js';

@Entity({ tableName: 'contact' })
@Unique({ properties: ['organization', 'clientId'] })
export class ContactEntity {
  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @ManyToOne(() => OrganizationEntity, { ref: true, deleteRule: 'cascade' })
  organization!: Ref<OrganizationEntity>;

  @Property({ type: 'string', length: 200 })
  name!: string;

  /** The customer's id in the integrator's CRM; suppression can target it. */
  @Property({ type: 'string', length: 128, nullable: true })
  clientId?: string | null;

  /**
   * The contact's own zone (canonical IANA), given through the API, a CSV `time_zone` column or the
   * admin screen. It wins over what the numbers suggest; null: each number's candidate zones apply.
   */
  @Property({ type: 'string', length: 64, nullable: true })
  timeZone?: string | null;

  /** Custom fields (order id, address, ...), string values only. */
  @Property({ type: 'json', columnType: 'jsonb' })
  fields: Record<string, string> = {};

  @OneToMany(() => PhoneNumberEntity, (p) => p.contact, { orderBy: { position: 'asc' } })
  phones = new Collection<PhoneNumberEntity>(this);

  @Property({ type: 'datetime', columnType: 'timestamptz' })
  createdAt!: Date;

  @Property({ type: 'datetime', columnType: 'timestamptz' })
  updatedAt!: Date;
}

/** One phone number of a contact; unique per organisation after E.164 normalisation. */
@Entity({ tableName: 'phone_number' })
@Unique({ properties: ['organization', 'e164'] })
export class PhoneNumberEntity {
  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @ManyToOne(() => OrganizationEntity, { ref: true, deleteRule: 'cascade' })
  organization!: Ref<OrganizationEntity>;

  @ManyToOne(() => ContactEntity, { ref: true, deleteRule: 'cascade' })
  contact!: Ref<ContactEntity>;

  @Property({ type: 'string', length: 20 })
  e164!: string;

  @Property({ type: 'string', length: 2, nullable: true })
  region?: string | null;

  /** Dial order among the contact's numbers (0 first). */
  @Property({ type: 'smallint' })
  position!: number;

  /** Every zone the number may be in, from libphonenumber's map by number prefix (canonical IANA, sorted). */
  @Property({ type: ArrayType, columnType: 'text[]' })
  timeZones!: string[];

  /** Where `timeZones` came from: the number's prefix (NUMBER) or only its country (COUNTRY). */
  @Property({ type: 'string', length: 8 })
  zoneSource!: 'NUMBER' | 'COUNTRY';
}

@Entity({ tableName: 'contact_list' })
@Unique({ properties: ['organization', 'name'] })
export class ContactListEntity {
  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @ManyToOne(() => OrganizationEntity, { ref: true, deleteRule: 'cascade' })
  organization!: Ref<OrganizationEntity>;

  @Property({ type: 'string', length: 200 })
  name!: string;

  @ManyToMany(() => ContactEntity, undefined, { pivotTable: 'contact_list_member', joinColumn: 'list_id', inverseJoinColumn: 'contact_id' })
  contacts = new Collection<ContactEntity>(this);

  @Property({ type: 'datetime', columnType: 'timestamptz' })
  createdAt!: Date;
}

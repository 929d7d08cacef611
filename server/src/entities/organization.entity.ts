import { Entity, PrimaryKey, Property } from '@mikro-orm/core';
import { randomUUID } from 'node:crypto';

@Entity({ tableName: 'organization' })
export class OrganizationEntity {
  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @Property({ type: 'string', length: 200 })
  name!: string;

  /** Prepaid balance in minor units; dialling stops (FAILED_BALANCE) when it is not positive. */
  @Property({ type: 'bigint', default: 0 })
  balanceMinor: string = '0';

  /** The contact centre's own zone: "today" on the wallboard is its local day. */
  @Property({ type: 'string', length: 64, default: 'Etc/UTC' })
  timeZone: string = 'Etc/UTC';

  @Property({ type: 'datetime', columnType: 'timestamptz' })
  createdAt!: Date;
}

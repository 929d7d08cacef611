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

  @Property({ type: 'datetime', columnType: 'timestamptz' })
  createdAt!: Date;
}

import { Entity, Index, ManyToOne, PrimaryKey, Property, Unique, type Ref } from '@mikro-orm/core';
import { randomUUID } from 'node:crypto';
import type { Role } from '../auth/actor.js';
import { OrganizationEntity } from './organization.entity.js';

@Entity({ tableName: 'app_user' })
@Unique({ properties: ['organization', 'email'] })
@Index({ properties: ['email'] })
export class UserEntity {
  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @ManyToOne(() => OrganizationEntity, { ref: true, deleteRule: 'cascade' })
  organization!: Ref<OrganizationEntity>;

  @Property({ type: 'string', length: 200 })
  name!: string;

  @Property({ type: 'string', length: 320 })
  email!: string;

  @Property({ type: 'string', length: 16 })
  role!: Role;

  /** `scrypt$N$r$p$salt$hash` (see `auth/password.ts`); null: the user cannot sign in. */
  @Property({ type: 'string', length: 255, nullable: true })
  passwordHash?: string | null;

  /** Set by an admin: the user cannot sign in and every session of theirs has ended. */
  @Property({ type: 'datetime', columnType: 'timestamptz', nullable: true })
  disabledAt?: Date | null;

  @Property({ type: 'datetime', columnType: 'timestamptz' })
  createdAt!: Date;
}

import { Collection, Entity, ManyToMany, ManyToOne, PrimaryKey, Property, Unique, type Ref } from '@mikro-orm/core';
import { randomUUID } from 'node:crypto';
import type { AgentState } from '../domain/agent-state.js';
import { OrganizationEntity } from './organization.entity.js';
import { UserEntity } from './user.entity.js';

@Entity({ tableName: 'agent' })
export class AgentEntity {
  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @ManyToOne(() => OrganizationEntity, { ref: true, deleteRule: 'cascade' })
  organization!: Ref<OrganizationEntity>;

  /** The user account this agent signs in with, if any (a supervisor may also be an agent). */
  @ManyToOne(() => UserEntity, { ref: true, nullable: true, deleteRule: 'set null', unique: true })
  user?: Ref<UserEntity> | null;

  @Property({ type: 'string', length: 200 })
  name!: string;

  /** E.164 number or SIP endpoint dialled for the agent's leg. */
  @Property({ type: 'string', length: 64 })
  phone!: string;

  /** With SIP telephony: the agent's desk or soft phone, dialled for the agent's leg instead of `phone`. */
  @Property({ type: 'string', length: 64, nullable: true })
  sipUri?: string | null;

  @Property({ type: 'string', length: 64 })
  timeZone!: string;

  @Property({ type: 'string', length: 16 })
  state!: AgentState;

  @Property({ type: 'datetime', columnType: 'timestamptz' })
  stateChangedAt!: Date;

  /** The campaign the agent pressed Start in (null when not dialling). */
  @Property({ type: 'uuid', nullable: true })
  activeCampaignId?: string | null;

  /** The agent asked for a pause; it applies when the agent is next free. */
  @Property({ type: 'boolean', default: false })
  pauseRequested: boolean = false;

  @Property({ type: 'datetime', columnType: 'timestamptz' })
  createdAt!: Date;
}

@Entity({ tableName: 'agent_group' })
@Unique({ properties: ['organization', 'name'] })
export class AgentGroupEntity {
  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @ManyToOne(() => OrganizationEntity, { ref: true, deleteRule: 'cascade' })
  organization!: Ref<OrganizationEntity>;

  @Property({ type: 'string', length: 200 })
  name!: string;

  /** Seed 002: management decides which groups may schedule followups. */
  @Property({ type: 'boolean', default: true })
  mayScheduleFollowups: boolean = true;

  @ManyToMany(() => AgentEntity, undefined, { pivotTable: 'agent_group_member', joinColumn: 'group_id', inverseJoinColumn: 'agent_id' })
  members = new Collection<AgentEntity>(this);

  @Property({ type: 'datetime', columnType: 'timestamptz' })
  createdAt!: Date;
}

import { Entity, Index, ManyToOne, PrimaryKey, Property, type Ref } from '@mikro-orm/core';
import { randomUUID } from 'node:crypto';
import { AgentEntity } from './agent.entity.js';
import { CampaignNumberEntity } from './campaign-number.entity.js';
import { CampaignEntity } from './campaign.entity.js';
import { OrganizationEntity } from './organization.entity.js';

/** Status of one call leg: QUEUED (row written, not yet placed) -> RINGING -> ANSWERED -> a final status. */
export type LegStatus = 'QUEUED' | 'RINGING' | 'ANSWERED' | 'COMPLETED' | 'NO_ANSWER' | 'BUSY' | 'FAILED' | 'CANCELLED';
export const FINAL_LEG_STATUSES: readonly LegStatus[] = ['COMPLETED', 'NO_ANSWER', 'BUSY', 'FAILED', 'CANCELLED'];

/**
 * One leg of a call (AGENT or CUSTOMER). The row is committed before the leg is placed, so a
 * crash never loses an attempt and never dials one twice.
 */
@Entity({ tableName: 'call_leg' })
@Index({ properties: ['campaign', 'createdAt'] })
export class CallLegEntity {
  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @ManyToOne(() => OrganizationEntity, { ref: true, deleteRule: 'cascade' })
  organization!: Ref<OrganizationEntity>;

  @ManyToOne(() => CampaignEntity, { ref: true, deleteRule: 'cascade' })
  campaign!: Ref<CampaignEntity>;

  /** The campaign number dialled (customer legs, and agent legs of an agent-first record). */
  @ManyToOne(() => CampaignNumberEntity, { ref: true, nullable: true, deleteRule: 'set null' })
  number?: Ref<CampaignNumberEntity> | null;

  @ManyToOne(() => AgentEntity, { ref: true, nullable: true, deleteRule: 'set null' })
  agent?: Ref<AgentEntity> | null;

  @Property({ type: 'string', length: 8 })
  kind!: 'AGENT' | 'CUSTOMER';

  /** Provider call id, set once the provider accepted the leg. */
  @Property({ type: 'string', length: 64, nullable: true, unique: true })
  sid?: string | null;

  @Property({ type: 'string', length: 64 })
  toNumber!: string;

  @Property({ type: 'string', length: 12 })
  status!: LegStatus;

  @Property({ type: 'string', length: 32, nullable: true })
  cause?: string | null;

  @Property({ type: 'boolean', default: false })
  abandoned: boolean = false;

  @Property({ type: 'boolean', default: false })
  machine: boolean = false;

  @Property({ type: 'smallint', default: 0 })
  agentAttempt: number = 0;

  @Property({ type: 'smallint', default: 0 })
  customerAttempt: number = 0;

  /** The server instance that placed the leg (crash reconciliation). */
  @Property({ type: 'string', length: 64 })
  instanceId!: string;

  @Property({ type: 'datetime', columnType: 'timestamptz' })
  createdAt!: Date;

  @Property({ type: 'datetime', columnType: 'timestamptz', nullable: true })
  answeredAt?: Date | null;

  /** Customer legs: when the call was put through to the agent (talk time starts here). */
  @Property({ type: 'datetime', columnType: 'timestamptz', nullable: true })
  connectedAt?: Date | null;

  @Property({ type: 'datetime', columnType: 'timestamptz', nullable: true })
  endedAt?: Date | null;

  @Property({ type: 'integer', nullable: true })
  durationSec?: number | null;

  @Property({ type: 'string', length: 2048, nullable: true })
  recordingUrl?: string | null;
}

/** Numbers and client ids never to dial (DND/NDNC registry, opt-outs, cancelled followups). */
@Entity({ tableName: 'suppression' })
export class SuppressionEntity {
  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @ManyToOne(() => OrganizationEntity, { ref: true, deleteRule: 'cascade' })
  organization!: Ref<OrganizationEntity>;

  @Property({ type: 'string', length: 12 })
  kind!: 'NUMBER' | 'CLIENT_ID';

  @Property({ type: 'string', length: 128 })
  value!: string;

  @Property({ type: 'string', length: 200, nullable: true })
  reason?: string | null;

  @Property({ type: 'datetime', columnType: 'timestamptz' })
  createdAt!: Date;
}

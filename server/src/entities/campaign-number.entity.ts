import { ArrayType, Entity, Index, ManyToOne, PrimaryKey, Property, type Ref } from '@mikro-orm/core';
import { randomUUID } from 'node:crypto';
import type { NumberReason, NumberState } from '../domain/number-state.js';
import { AgentEntity } from './agent.entity.js';
import { CampaignEntity } from './campaign.entity.js';
import { OrganizationEntity } from './organization.entity.js';

/**
 * One phone number inside one campaign: a snapshot of the list taken at campaign creation, so
 * later list edits do not leak in. Insert/update/delete maintain `campaign_state_count` through
 * statement triggers in the same transaction.
 */
@Entity({ tableName: 'campaign_number' })
@Index({ properties: ['campaign', 'state'] })
export class CampaignNumberEntity {
  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @ManyToOne(() => OrganizationEntity, { ref: true, deleteRule: 'cascade' })
  organization!: Ref<OrganizationEntity>;

  @ManyToOne(() => CampaignEntity, { ref: true, deleteRule: 'cascade' })
  campaign!: Ref<CampaignEntity>;

  /** The directory contact it was copied from (kept even if the contact is later deleted). */
  @Property({ type: 'uuid', nullable: true })
  contactId?: string | null;

  @Property({ type: 'string', length: 200 })
  contactName!: string;

  @Property({ type: 'json', columnType: 'jsonb' })
  contactFields: Record<string, string> = {};

  @Property({ type: 'string', length: 128, nullable: true })
  clientId?: string | null;

  @Property({ type: 'string', length: 20 })
  e164!: string;

  /**
   * The zones the calling window must hold in, all of them (the most restrictive rule): the
   * contact's explicit zone, else the number's candidate zones. Kept in step with the directory.
   */
  @Property({ type: ArrayType, columnType: 'text[]' })
  timeZones!: string[];

  /** Dial order among the contact's numbers. */
  @Property({ type: 'smallint' })
  position!: number;

  @Property({ type: 'string', length: 20 })
  state!: NumberState;

  @Property({ type: 'string', length: 32, nullable: true })
  reason?: NumberReason | null;

  @Property({ type: 'smallint', default: 0 })
  agentAttempts: number = 0;

  @Property({ type: 'smallint', default: 0 })
  customerAttempts: number = 0;

  @Property({ type: 'integer', default: 0 })
  dialCount: number = 0;

  @Property({ type: 'smallint', default: 0 })
  priority: number = 0;

  /** When a RETRY/SCHEDULED callback becomes due. */
  @Property({ type: 'datetime', columnType: 'timestamptz', nullable: true })
  nextAttemptAt?: Date | null;

  /** Flow variable: force an agent reschedule after this attempt (seed 000). */
  @Property({ type: 'boolean', default: false })
  rescheduleAgentCall: boolean = false;

  /** Flow variable: force a customer reschedule after this attempt (e.g. OTP not given). */
  @Property({ type: 'boolean', default: false })
  rescheduleCustomerCall: boolean = false;

  /** Agent's disposition of the last connected call. */
  @Property({ type: 'string', length: 64, nullable: true })
  disposition?: string | null;

  /** Agent-owned records (callbacks, followups) go only to this agent. */
  @ManyToOne(() => AgentEntity, { ref: true, nullable: true, deleteRule: 'set null' })
  ownerAgent?: Ref<AgentEntity> | null;

  /** A followup booked during a call, applied when the attempt finishes (seed 002). */
  @Property({ type: 'datetime', columnType: 'timestamptz', nullable: true })
  followupAt?: Date | null;

  /** The IANA zone the owner's followup was booked in (shown back in the console). */
  @Property({ type: 'string', length: 64, nullable: true })
  followupTimeZone?: string | null;

  /** The agent's note on the followup. */
  @Property({ type: 'string', length: 500, nullable: true })
  followupNote?: string | null;

  /** When the source contact was created: new numbers are dialled oldest contact first (seed 003). */
  @Property({ type: 'datetime', columnType: 'timestamptz' })
  createdAt!: Date;

  /** When the number was added to this campaign; retry schedules count from here (missed-call rule). */
  @Property({ type: 'datetime', columnType: 'timestamptz' })
  addedAt!: Date;

  @Property({ type: 'datetime', columnType: 'timestamptz' })
  updatedAt!: Date;

  /** Dropped inbound sessions of this caller recorded while the number was already pending (seed 001). */
  @Property({ type: 'smallint', default: 0 })
  inboundDrops: number = 0;

  @Property({ type: 'datetime', columnType: 'timestamptz', nullable: true })
  lastInboundAt?: Date | null;

  /** Owner pools: when an owned callback whose owner was away was released to any agent of the group. */
  @Property({ type: 'datetime', columnType: 'timestamptz', nullable: true })
  releasedAt?: Date | null;
}

/** Live counters per campaign, state and reason; written only by triggers on campaign_number. */
@Entity({ tableName: 'campaign_state_count' })
export class CampaignStateCountEntity {
  @ManyToOne(() => CampaignEntity, { primary: true, ref: true, deleteRule: 'cascade' })
  campaign!: Ref<CampaignEntity>;

  @PrimaryKey({ type: 'string', length: 20 })
  state!: NumberState;

  @PrimaryKey({ type: 'string', length: 32, default: '' })
  reason!: string;

  @ManyToOne(() => OrganizationEntity, { ref: true, deleteRule: 'cascade' })
  organization!: Ref<OrganizationEntity>;

  @Property({ type: 'integer' })
  count!: number;
}

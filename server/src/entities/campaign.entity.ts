import { Entity, Index, ManyToOne, PrimaryKey, Property, type Ref } from '@mikro-orm/core';
import { randomUUID } from 'node:crypto';
import type { CampaignStatus, CompletionReason } from '../domain/campaign-lifecycle.js';
import type { CampaignRules } from '../domain/missed-calls.js';
import type { OwnerPool } from '../domain/owner-pool.js';
import type { DialMode, RetryStatus } from '../domain/campaign-options.js';
import { AgentGroupEntity } from './agent.entity.js';
import { ContactListEntity } from './contact.entity.js';
import { OrganizationEntity } from './organization.entity.js';

@Entity({ tableName: 'campaign' })
@Index({ properties: ['organization', 'status'] })
export class CampaignEntity {
  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @ManyToOne(() => OrganizationEntity, { ref: true, deleteRule: 'cascade' })
  organization!: Ref<OrganizationEntity>;

  @Property({ type: 'string', length: 200 })
  name!: string;

  @Property({ type: 'string', length: 24 })
  dialMode!: DialMode;

  @Property({ type: 'string', length: 16 })
  status!: CampaignStatus;

  /** The list the numbers were copied from at creation (null for infinite rule-fed campaigns). */
  @ManyToOne(() => ContactListEntity, { ref: true, nullable: true, deleteRule: 'set null' })
  list?: Ref<ContactListEntity> | null;

  @ManyToOne(() => AgentGroupEntity, { ref: true, deleteRule: 'restrict' })
  group!: Ref<AgentGroupEntity>;

  @Property({ type: 'string', length: 20 })
  callerId!: string;

  @Property({ type: 'datetime', columnType: 'timestamptz' })
  startsAt!: Date;

  /** Null for infinite campaigns. */
  @Property({ type: 'datetime', columnType: 'timestamptz', nullable: true })
  endsAt?: Date | null;

  /** Contact-local calling window, minutes after midnight [start, end). */
  @Property({ type: 'smallint' })
  windowStartMinute!: number;

  @Property({ type: 'smallint' })
  windowEndMinute!: number;

  /** Customer retries after the first attempt (0-3). */
  @Property({ type: 'smallint' })
  retries!: number;

  @Property({ type: 'integer' })
  retryIntervalMinutes!: number;

  @Property({ type: 'json', columnType: 'jsonb' })
  retryOn!: RetryStatus[];

  /** Offsets in minutes from when a number was added, one per attempt (missed-call rule), or null. */
  @Property({ type: 'json', columnType: 'jsonb', nullable: true })
  retrySchedule?: number[] | null;

  @Property({ type: 'smallint' })
  agentMaxAttempts!: number;

  @Property({ type: 'integer' })
  agentRetryIntervalMinutes!: number;

  /** "Continue" when a leg is not connected: complete instead of rescheduling unless a flow variable says so. */
  @Property({ type: 'boolean' })
  continueOnNotConnected!: boolean;

  @Property({ type: 'smallint' })
  priority!: number;

  /** Abandon-rate cap for predictive dialling (fraction). */
  @Property({ type: 'double' })
  abandonRateCap!: number;

  @Property({ type: 'double' })
  maxDialRatio!: number;

  @Property({ type: 'string', length: 16 })
  callType!: string;

  /** Seconds an agent stays in WRAP_UP after a call. @default 15 */
  @Property({ type: 'smallint', default: 15 })
  wrapUpSeconds: number = 15;

  /** Ring time before a leg counts as NO_ANSWER. @default 20 */
  @Property({ type: 'smallint', default: 20 })
  ringTimeoutSeconds: number = 20;

  @Property({ type: 'string', length: 2048, nullable: true })
  popupUrl?: string | null;

  @Property({ type: 'string', length: 2048, nullable: true })
  callCompletedUrl?: string | null;

  @Property({ type: 'string', length: 2048, nullable: true })
  callNoAnswerUrl?: string | null;

  @Property({ type: 'string', length: 2048, nullable: true })
  getContactsUrl?: string | null;

  @Property({ type: 'string', length: 2048, nullable: true })
  dialWhomUrl?: string | null;

  /** Told of every status change (campaign.status_changed), as the organisation's subscriptions are. */
  @Property({ type: 'string', length: 2048, nullable: true })
  statusCallbackUrl?: string | null;

  /** Signs the deliveries to this campaign's own URLs (Dialer-Signature). */
  @Property({ type: 'string', length: 80 })
  webhookSecret!: string;

  @Property({ type: 'datetime', columnType: 'timestamptz' })
  createdAt!: Date;

  @Property({ type: 'datetime', columnType: 'timestamptz' })
  updatedAt!: Date;

  @Property({ type: 'datetime', columnType: 'timestamptz', nullable: true })
  completedAt?: Date | null;

  /** Why it became COMPLETED (a supervisor, its end time, or nothing left to dial). */
  @Property({ type: 'string', length: 24, nullable: true })
  completionReason?: CompletionReason | null;

  /** Missed-call rules (seed 001): add callers of dropped sessions, remove numbers answered elsewhere. */
  @Property({ type: 'json', columnType: 'jsonb', nullable: true })
  rules?: CampaignRules | null;

  /** Agent-owned customer pools (seed 003): agents dial only their own customers; null: off. */
  @Property({ type: 'json', columnType: 'jsonb', nullable: true })
  ownerPool?: OwnerPool | null;
}

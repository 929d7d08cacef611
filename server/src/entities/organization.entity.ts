import { Entity, ManyToOne, PrimaryKey, Property, type Ref } from '@mikro-orm/core';
import type { InboundOutcome, InboundSource } from '../domain/missed-calls.js';
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

  /** Secret of the signed inbound-call hook (`POST /hooks/inbound`); null until an admin creates one. */
  @Property({ type: 'string', length: 64, nullable: true, hidden: true })
  inboundHookSecret?: string | null;
}

/** An inbound call event (seed 001), kept for idempotency on the caller's session id and for audit. */
@Entity({ tableName: 'inbound_call' })
export class InboundCallEntity {
  @PrimaryKey({ type: 'uuid' })
  id!: string;

  @ManyToOne(() => OrganizationEntity, { ref: true, deleteRule: 'cascade' })
  organization!: Ref<OrganizationEntity>;

  @Property({ type: 'string', length: 128, nullable: true })
  sessionId?: string | null;

  @Property({ type: 'string', length: 20 })
  caller!: string;

  @Property({ type: 'string', length: 20, nullable: true })
  dialled?: string | null;

  @Property({ type: 'string', length: 20 })
  outcome!: InboundOutcome;

  @Property({ type: 'datetime', columnType: 'timestamptz' })
  at!: Date;

  @Property({ type: 'string', length: 8 })
  source!: InboundSource;

  /** Campaigns the caller was added to, those where the drop was recorded on a pending number, those it was removed from. */
  @Property({ type: 'json', columnType: 'jsonb' })
  addedTo: string[] = [];

  @Property({ type: 'json', columnType: 'jsonb' })
  dropRecordedIn: string[] = [];

  @Property({ type: 'json', columnType: 'jsonb' })
  cancelledIn: string[] = [];

  @Property({ type: 'datetime', columnType: 'timestamptz' })
  receivedAt!: Date;
}

import { Field, Float, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { CampaignStatus, CompletionReason } from '../../domain/campaign-lifecycle.js';
import { CallType, DialMode, RetryStatus } from '../../domain/campaign-options.js';
import { CampaignRollup } from '../stats/stats.type.js';

registerEnumType(CampaignStatus, { name: 'CampaignStatus', description: 'SCHEDULED -> RUNNING <-> PAUSED -> COMPLETED -> ARCHIVED' });
registerEnumType(DialMode, {
  name: 'DialMode',
  valuesConfig: {
    PROGRESSIVE: { description: 'Agent leg dialled first and kept up; next customer when the last hangs up' },
    AGENT_FIRST_FLOW: { description: 'Each record calls an agent, then the customer, with separate attempt budgets' },
    PREDICTIVE: { description: 'Customer first, paced ahead of free agents within the abandon-rate cap' },
    PREVIEW: { description: 'The agent sees the record and launches the call' },
  },
});
registerEnumType(RetryStatus, { name: 'RetryStatus', description: 'Call outcomes that count as unsuccessful and are retried' });
registerEnumType(CallType, { name: 'CallType' });
registerEnumType(CompletionReason, {
  name: 'CompletionReason',
  valuesConfig: {
    SUPERVISOR: { description: 'A supervisor completed it' },
    END_TIME: { description: 'Its end time (30 days at most) was reached' },
    LIST_EXHAUSTED: { description: 'No new or retry numbers were left and no call was in progress' },
  },
});

export const CampaignAction = { PAUSE: 'PAUSE', RESUME: 'RESUME', COMPLETE: 'COMPLETE', ARCHIVE: 'ARCHIVE' } as const;
export type CampaignAction = (typeof CampaignAction)[keyof typeof CampaignAction];
registerEnumType(CampaignAction, { name: 'CampaignAction', description: 'Lifecycle actions a user may take' });

@ObjectType({ description: 'Contact-local calling window, HH:MM 24 h' })
export class CallingWindow {
  @Field(() => String)
  start!: string;

  @Field(() => String)
  end!: string;
}

@ObjectType({ description: 'Seed 001: the caller of a dropped inbound session is added to the campaign' })
export class DropRule {
  @Field(() => [String], { description: 'Dialled numbers (E.164) that count; empty: every number' })
  dialledNumbers!: string[];

  @Field(() => Boolean, { description: 'Drops in the voice menu (IVR) count too' })
  includeIvrDrops!: boolean;
}

@ObjectType({ description: 'Missed-call rules (seed 001); the call-again offsets are attemptPolicy.retrySchedule' })
export class CampaignRules {
  @Field(() => DropRule, { nullable: true })
  addOnDrop!: DropRule | null;

  @Field(() => Boolean, { description: 'A pending number is removed (CANCELLED) once the same number has an answered inbound or outbound call' })
  removeOnAnswered!: boolean;
}

@ObjectType({ description: 'Seed 003: agents dial only the customers they own' })
export class OwnerPool {
  @Field(() => Int, { description: 'Customers one "Get customers" click takes' })
  perClickMax!: number;

  @Field(() => Int, { description: 'Unprocessed customers an agent may own at once' })
  maxUnprocessed!: number;

  @Field(() => Int, { description: 'Minutes after an owned callback falls due before it is released to the group while its owner is away (0: never)' })
  releaseAfterMinutes!: number;
}

@ObjectType()
export class AttemptPolicy {
  @Field(() => Int, { description: 'Customer retries after the first attempt (0-3)' })
  retries!: number;

  @Field(() => Int)
  retryIntervalMinutes!: number;

  @Field(() => [RetryStatus])
  retryOn!: RetryStatus[];

  @Field(() => [Int], { nullable: true, description: 'Minutes from when a number was added, one per attempt' })
  retrySchedule!: number[] | null;

  @Field(() => Int, { description: 'Agent attempts per record (agent-first flow)' })
  agentMaxAttempts!: number;

  @Field(() => Int)
  agentRetryIntervalMinutes!: number;

  @Field(() => Boolean, { description: 'Complete instead of rescheduling when a leg is not connected, unless a flow variable says otherwise' })
  continueOnNotConnected!: boolean;
}

@ObjectType()
export class CampaignWebhooks {
  @Field(() => String, { nullable: true, description: 'Opened on the agent console for each live call' })
  popupUrl!: string | null;

  @Field(() => String, { nullable: true })
  callCompletedUrl!: string | null;

  @Field(() => String, { nullable: true })
  callNoAnswerUrl!: string | null;

  @Field(() => String, { nullable: true })
  getContactsUrl!: string | null;

  @Field(() => String, { nullable: true, description: 'Returns numbers to call' })
  dialWhomUrl!: string | null;

  @Field(() => String, { nullable: true, description: 'Told of every status change (signed POST, event campaign.status_changed)' })
  statusCallbackUrl!: string | null;
}

@ObjectType()
export class Campaign {
  @Field(() => ID)
  id!: string;

  @Field(() => String)
  name!: string;

  @Field(() => DialMode)
  dialMode!: DialMode;

  @Field(() => CampaignStatus)
  status!: CampaignStatus;

  @Field(() => [CampaignAction], { description: 'Actions legal in the current status' })
  actions!: CampaignAction[];

  @Field(() => ID, { nullable: true })
  listId!: string | null;

  @Field(() => ID)
  groupId!: string;

  @Field(() => String)
  callerId!: string;

  @Field(() => Date)
  startsAt!: Date;

  @Field(() => Date, { nullable: true, description: 'Null for infinite campaigns' })
  endsAt!: Date | null;

  @Field(() => Boolean)
  infinite!: boolean;

  @Field(() => CallingWindow)
  callingWindow!: CallingWindow;

  @Field(() => AttemptPolicy)
  attemptPolicy!: AttemptPolicy;

  @Field(() => Int)
  priority!: number;

  @Field(() => Float)
  abandonRateCap!: number;

  @Field(() => Float)
  maxDialRatio!: number;

  @Field(() => CallType)
  callType!: CallType;

  @Field(() => Int)
  wrapUpSeconds!: number;

  @Field(() => Int)
  ringTimeoutSeconds!: number;

  @Field(() => CampaignWebhooks)
  webhooks!: CampaignWebhooks;

  @Field(() => CampaignRollup, { description: 'Completed / Failed / Scheduled roll-ups' })
  performance!: CampaignRollup;

  @Field(() => Date)
  createdAt!: Date;

  @Field(() => Date)
  updatedAt!: Date;

  @Field(() => Date, { nullable: true })
  completedAt!: Date | null;

  @Field(() => CompletionReason, { nullable: true, description: 'Why the campaign was completed' })
  completionReason!: CompletionReason | null;

  @Field(() => CampaignRules, { nullable: true, description: 'Missed-call rules (seed 001); null: none' })
  rules!: CampaignRules | null;

  @Field(() => OwnerPool, { nullable: true, description: 'Agent-owned customer pools (seed 003); null: off' })
  ownerPool!: OwnerPool | null;
}

@ObjectType()
export class CampaignPage {
  @Field(() => [Campaign])
  items!: Campaign[];

  @Field(() => Int)
  totalCount!: number;
}

@ObjectType({ description: 'A campaign report: one CSV row per number' })
export class CampaignReport {
  @Field(() => String, { description: 'Suggested file name' })
  filename!: string;

  @Field(() => String, { description: 'RFC 4180 CSV (CRLF); cells starting with = + - @ are prefixed with a single quote, except E.164 numbers in the number column' })
  csv!: string;

  @Field(() => Int, { description: 'Data rows (numbers), without the header' })
  rows!: number;
}

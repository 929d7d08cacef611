import { ArrayMaxSize, IsIn, IsOptional, IsUrl, Length, Max, MaxLength, Min, ValidateNested } from 'class-validator';
import { ArgsType, Field, Float, ID, InputType, Int, registerEnumType } from 'type-graphql';
import { CampaignStatus } from '../../domain/campaign-lifecycle.js';
import { CallType, DialMode, LIMITS, RetryStatus } from '../../domain/campaign-options.js';
import { PageArgs } from '../../graphql/pagination.js';

const URL_OPTIONS = { protocols: ['http', 'https'], require_protocol: true, require_tld: false };

@InputType()
export class CallingWindowInput {
  @Field(() => String, { defaultValue: '09:00' })
  @MaxLength(5)
  start!: string;

  @Field(() => String, { defaultValue: '21:00' })
  @MaxLength(5)
  end!: string;
}

@InputType({ description: 'Seed 001: add the caller of a dropped inbound session to the campaign' })
export class DropRuleInput {
  @Field(() => [String], { defaultValue: [], description: 'Dialled numbers that count (any format, normalised to E.164); empty: every number' })
  @ArrayMaxSize(50)
  @MaxLength(32, { each: true })
  dialledNumbers!: string[];

  @Field(() => Boolean, { defaultValue: false, description: 'Drops in the voice menu (IVR) count too, not only those in the queue' })
  includeIvrDrops!: boolean;
}

@InputType({ description: 'Missed-call rules (seed 001); the call-again offsets are the attempt policy\'s retrySchedule' })
export class CampaignRulesInput {
  @Field(() => DropRuleInput, { nullable: true, description: 'Null: callers are not added by drops' })
  @IsOptional()
  @ValidateNested()
  addOnDrop?: DropRuleInput | null;

  @Field(() => Boolean, { defaultValue: true, description: 'Remove a pending number once the same number has an answered inbound or outbound call' })
  removeOnAnswered!: boolean;
}

@InputType({ description: 'Seed 003: agents dial only the customers they own (progressive and agent-first modes)' })
export class OwnerPoolInput {
  @Field(() => Int, { defaultValue: 10, description: 'Customers one "Get customers" click takes (1-500)' })
  perClickMax!: number;

  @Field(() => Int, { defaultValue: 50, description: 'Unprocessed customers an agent may own at once (1-10000)' })
  maxUnprocessed!: number;

  @Field(() => Int, { defaultValue: 30, description: 'Minutes after an owned callback falls due before it is released to any agent of the group while its owner is away (0: never)' })
  releaseAfterMinutes!: number;
}

@InputType()
export class AttemptPolicyInput {
  /** @default 0 */
  @Field(() => Int, { defaultValue: 0, description: `Customer retries after the first attempt, 0-${LIMITS.maxRetries}` })
  @Min(0, { message: 'retries must be between 0 and 3' })
  @Max(LIMITS.maxRetries, { message: 'retries must be between 0 and 3' })
  retries!: number;

  @Field(() => Int, { defaultValue: 60 })
  @Min(1)
  @Max(LIMITS.maxRetryIntervalMinutes)
  retryIntervalMinutes!: number;

  @Field(() => [RetryStatus], { defaultValue: [RetryStatus.BUSY, RetryStatus.NO_ANSWER, RetryStatus.FAILED] })
  @ArrayMaxSize(3)
  retryOn!: RetryStatus[];

  @Field(() => [Int], { nullable: true, description: 'Minutes from when a number is added, one per attempt, ascending (e.g. 5, 15, 60)' })
  @IsOptional()
  @ArrayMaxSize(LIMITS.maxRetryScheduleEntries)
  retrySchedule?: number[];

  @Field(() => Int, { defaultValue: 3 })
  @Min(1)
  @Max(LIMITS.maxAgentAttempts)
  agentMaxAttempts!: number;

  @Field(() => Int, { defaultValue: 10 })
  @Min(1)
  @Max(LIMITS.maxRetryIntervalMinutes)
  agentRetryIntervalMinutes!: number;

  @Field(() => Boolean, { defaultValue: false })
  continueOnNotConnected!: boolean;
}

@InputType()
export class WebhooksInput {
  @Field(() => String, { nullable: true })
  @IsOptional()
  @IsUrl(URL_OPTIONS)
  @MaxLength(2048)
  popupUrl?: string;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @IsUrl(URL_OPTIONS)
  @MaxLength(2048)
  callCompletedUrl?: string;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @IsUrl(URL_OPTIONS)
  @MaxLength(2048)
  callNoAnswerUrl?: string;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @IsUrl(URL_OPTIONS)
  @MaxLength(2048)
  getContactsUrl?: string;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @IsUrl(URL_OPTIONS)
  @MaxLength(2048)
  dialWhomUrl?: string;

  @Field(() => String, { nullable: true, description: 'Told of every status change of the campaign (a signed POST, campaign.status_changed)' })
  @IsOptional()
  @IsUrl(URL_OPTIONS)
  @MaxLength(2048)
  statusCallbackUrl?: string;
}

@InputType()
export class CreateCampaignInput {
  @Field(() => String)
  @Length(1, LIMITS.nameMax)
  name!: string;

  @Field(() => DialMode, { defaultValue: DialMode.PROGRESSIVE })
  dialMode!: DialMode;

  @Field(() => ID, { nullable: true, description: 'Contact list to copy; required unless the campaign is infinite' })
  @IsOptional()
  listId?: string;

  @Field(() => ID, { description: 'Agent group taking the calls' })
  groupId!: string;

  @Field(() => String, { description: 'Caller ID shown to customers, E.164' })
  @MaxLength(32)
  callerId!: string;

  @Field(() => Date, { nullable: true, description: 'Defaults to now; may not be in the past' })
  @IsOptional()
  startsAt?: Date;

  @Field(() => Date, { nullable: true, description: 'Defaults to startsAt + 30 days; at least 2 minutes and at most 30 days after startsAt' })
  @IsOptional()
  endsAt?: Date;

  @Field(() => Boolean, { defaultValue: false, description: 'No end time; fed by rules (missed calls)' })
  infinite!: boolean;

  @Field(() => CampaignRulesInput, { nullable: true, description: 'Missed-call rules (seed 001)' })
  @IsOptional()
  @ValidateNested()
  rules?: CampaignRulesInput;

  @Field(() => OwnerPoolInput, { nullable: true, description: 'Agent-owned customer pools (seed 003); null: any agent dials any customer' })
  @IsOptional()
  ownerPool?: OwnerPoolInput;

  @Field(() => CallingWindowInput, { nullable: true })
  @IsOptional()
  @ValidateNested()
  callingWindow?: CallingWindowInput;

  @Field(() => AttemptPolicyInput, { nullable: true })
  @IsOptional()
  @ValidateNested()
  attemptPolicy?: AttemptPolicyInput;

  @Field(() => Int, { defaultValue: 0, description: '0-100; higher is dialled first among campaigns' })
  @Min(0)
  @Max(100)
  priority!: number;

  @Field(() => Float, { defaultValue: 0.03, description: 'Predictive abandon-rate cap, at most 0.03' })
  @Min(0.001)
  @Max(LIMITS.maxAbandonRateCap)
  abandonRateCap!: number;

  @Field(() => Float, { defaultValue: 3 })
  @Min(1)
  @Max(LIMITS.maxDialRatio)
  maxDialRatio!: number;

  @Field(() => Int, { defaultValue: 15, description: 'Seconds an agent stays in WRAP_UP after each call, 0-600' })
  @Min(0)
  @Max(600)
  wrapUpSeconds!: number;

  @Field(() => Int, { defaultValue: 20, description: `Ring time before NO_ANSWER, ${LIMITS.minRingTimeoutSeconds}-60 s (regulators require at least 15 s, about 4 rings)` })
  @Min(LIMITS.minRingTimeoutSeconds)
  @Max(60)
  ringTimeoutSeconds!: number;

  @Field(() => CallType, { defaultValue: CallType.TRANSACTIONAL })
  @IsIn(Object.values(CallType))
  callType!: CallType;

  @Field(() => WebhooksInput, { nullable: true })
  @IsOptional()
  @ValidateNested()
  webhooks?: WebhooksInput;
}

export const CampaignSortField = { NAME: 'NAME', CREATED_AT: 'CREATED_AT', STATUS: 'STATUS' } as const;
export type CampaignSortField = (typeof CampaignSortField)[keyof typeof CampaignSortField];
registerEnumType(CampaignSortField, { name: 'CampaignSortField' });

export const SortDirection = { ASC: 'ASC', DESC: 'DESC' } as const;
export type SortDirection = (typeof SortDirection)[keyof typeof SortDirection];
registerEnumType(SortDirection, { name: 'SortDirection' });

@ArgsType()
export class CampaignsArgs extends PageArgs {
  @Field(() => [CampaignStatus], { nullable: true, description: 'Only these statuses' })
  @IsOptional()
  @ArrayMaxSize(5)
  status?: CampaignStatus[];

  @Field(() => String, { nullable: true, description: 'Part of the name, at least 3 characters' })
  @IsOptional()
  @MaxLength(100)
  search?: string;

  @Field(() => CampaignSortField, { defaultValue: CampaignSortField.CREATED_AT })
  sortBy!: CampaignSortField;

  @Field(() => SortDirection, { defaultValue: SortDirection.DESC })
  sortDirection!: SortDirection;
}

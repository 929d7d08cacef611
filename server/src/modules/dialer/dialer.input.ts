import { IsIn, IsOptional, Length, MaxLength } from 'class-validator';
import { ArgsType, Field, ID, InputType } from 'type-graphql';
import { PageArgs } from '../../graphql/pagination.js';
import { LegStatusEnum, SuppressionKindEnum, LegKindEnum } from './dialer.type.js';

@InputType({ description: 'Flow variables and disposition, settable during or right after the call (seed 000)' })
export class FlowVariablesInput {
  @Field(() => Boolean, { nullable: true, description: 'reschedule_agent_call' })
  @IsOptional()
  rescheduleAgentCall?: boolean;

  @Field(() => Boolean, { nullable: true, description: 'reschedule_customer_call (e.g. the OTP was not given)' })
  @IsOptional()
  rescheduleCustomerCall?: boolean;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @Length(1, 64)
  disposition?: string;
}

@InputType()
export class AddSuppressionInput {
  @Field(() => SuppressionKindEnum)
  @IsIn(Object.values(SuppressionKindEnum))
  kind!: 'NUMBER' | 'CLIENT_ID';

  @Field(() => String, { description: 'A phone number (normalised to E.164) or a client id' })
  @Length(1, 128)
  value!: string;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @MaxLength(200)
  reason?: string;

  @Field(() => ID, {
    nullable: true,
    description: "Applies the entry to one campaign only (seed 002: how a scheduled followup is cancelled); omitted, it applies to every campaign",
  })
  @IsOptional()
  campaignId?: string;
}

@ArgsType()
export class SuppressionsArgs extends PageArgs {
  @Field(() => String, { nullable: true, description: 'Part of a number (any spelling), client id or reason' })
  @IsOptional()
  @MaxLength(128)
  search?: string;

  @Field(() => SuppressionKindEnum, { nullable: true })
  @IsOptional()
  @IsIn(Object.values(SuppressionKindEnum))
  kind?: 'NUMBER' | 'CLIENT_ID';
}

@InputType()
export class ImportSuppressionsCsvInput {
  @Field(() => String, { description: 'CSV text with a header row: number (or phone, msisdn, mobile) and/or client_id, and an optional reason' })
  @MaxLength(5_000_000)
  csv!: string;

  @Field(() => String, { nullable: true, description: 'ISO region for national-format numbers' })
  @IsOptional()
  @Length(2, 2)
  defaultRegion?: string;
}

@ArgsType()
export class CallLegsArgs extends PageArgs {
  @Field(() => ID)
  campaignId!: string;

  @Field(() => String, { nullable: true, description: 'Part of the dialled number' })
  @IsOptional()
  @MaxLength(32)
  search?: string;

  @Field(() => [LegStatusEnum], { nullable: true })
  @IsOptional()
  status?: string[];

  @Field(() => LegKindEnum, { nullable: true, description: 'Only customer calls or only agent legs (default: both)' })
  @IsOptional()
  kind?: 'AGENT' | 'CUSTOMER';

  @Field(() => String, { defaultValue: 'DESC', description: 'Sort by created date: ASC or DESC' })
  @IsIn(['ASC', 'DESC'])
  sortDirection!: 'ASC' | 'DESC';
}

/**
 * When a followup call is due and what it is about: shared by every way of booking one. It is
 * decorated so that its fields are inherited, and is not in the schema itself (no resolver takes it).
 */
@InputType()
export abstract class FollowupTimeInput {
  @Field(() => String, { description: 'YYYY-MM-DD' })
  @MaxLength(32)
  date!: string;

  @Field(() => String, { description: 'HH:MM, 24 h' })
  @MaxLength(32)
  time!: string;

  @Field(() => String, { nullable: true, description: "IANA zone of date and time; defaults to the owning agent's zone" })
  @IsOptional()
  @MaxLength(64)
  timeZone?: string;

  @Field(() => String, { nullable: true, description: 'At most 500 characters' })
  @IsOptional()
  @MaxLength(500)
  note?: string;
}

@InputType({ description: 'A followup call at a local date and time (seed 002)' })
export class ScheduleFollowupInput extends FollowupTimeInput {
  @Field(() => ID)
  numberId!: string;
}

@InputType({ description: "A followup booked from idle (seed 002's manual scenario): a typed number or a contact, in a campaign of the agent's groups" })
export class ScheduleManualFollowupInput extends FollowupTimeInput {
  @Field(() => ID)
  campaignId!: string;

  @Field(() => ID, { nullable: true, description: "A directory contact (its main number, or `number` if it is one of the contact's)" })
  @IsOptional()
  contactId?: string;

  @Field(() => String, { nullable: true, description: 'A phone number (E.164, or national in the organisation\'s region); a new one gets a contact' })
  @IsOptional()
  @MaxLength(64)
  number?: string;

  @Field(() => String, { nullable: true, description: "The new contact's name, when the number is new to the directory" })
  @IsOptional()
  @MaxLength(200)
  name?: string;
}

import { ArrayMaxSize, IsOptional, Length, MaxLength } from 'class-validator';
import { Field, ID, InputType } from 'type-graphql';

@InputType()
export class CreateAgentInput {
  @Field(() => String)
  @Length(1, 200)
  name!: string;

  @Field(() => String, { description: 'Agent phone, E.164 (or national with defaultRegion)' })
  @MaxLength(32)
  phone!: string;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @Length(2, 2)
  defaultRegion?: string;

  @Field(() => String, { nullable: true, description: "SIP endpoint of the agent's desk or soft phone (sip:1001@pbx.example.com): with SIP telephony it is dialled instead of the phone" })
  @IsOptional()
  @MaxLength(64)
  sipUri?: string;

  @Field(() => String, { nullable: true, description: 'IANA zone; derived from the phone when omitted' })
  @IsOptional()
  @MaxLength(64)
  timeZone?: string;

  @Field(() => ID, { nullable: true, description: 'Link to a user account (a supervisor who also takes calls)' })
  @IsOptional()
  userId?: string;

  @Field(() => [ID], { nullable: true, description: 'Groups to join' })
  @IsOptional()
  @ArrayMaxSize(50)
  groupIds?: string[];
}

@InputType({ description: 'Only the fields given change' })
export class UpdateAgentInput {
  @Field(() => String, { nullable: true })
  @IsOptional()
  @Length(1, 200)
  name?: string;

  @Field(() => String, { nullable: true, description: 'Agent phone or endpoint, E.164 (or national with defaultRegion); used from the next agent leg' })
  @IsOptional()
  @MaxLength(32)
  phone?: string;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @Length(2, 2)
  defaultRegion?: string;

  @Field(() => String, { nullable: true, description: 'SIP endpoint dialled for the agent leg with SIP telephony; "" removes it' })
  @IsOptional()
  @MaxLength(64)
  sipUri?: string;

  @Field(() => String, { nullable: true, description: 'IANA zone (followup times default to it)' })
  @IsOptional()
  @MaxLength(64)
  timeZone?: string;

  @Field(() => ID, { nullable: true, description: 'Link to a user account; "" unlinks' })
  @IsOptional()
  userId?: string | null;

  @Field(() => [ID], { nullable: true, description: 'The groups the agent belongs to (replaces the set; takes effect live)' })
  @IsOptional()
  @ArrayMaxSize(50)
  groupIds?: string[];
}

@InputType()
export class CreateAgentGroupInput {
  @Field(() => String)
  @Length(1, 200)
  name!: string;

  @Field(() => [ID], { defaultValue: [] })
  @ArrayMaxSize(5000)
  agentIds!: string[];

  @Field(() => Boolean, { defaultValue: true, description: 'Whether members may schedule followups (seed 002)' })
  @IsOptional()
  mayScheduleFollowups?: boolean;
}

@InputType({ description: 'Only the fields given change' })
export class UpdateAgentGroupInput {
  @Field(() => String, { nullable: true })
  @IsOptional()
  @Length(1, 200)
  name?: string;

  @Field(() => Boolean, { nullable: true, description: 'Whether members may schedule followups (seed 002)' })
  @IsOptional()
  mayScheduleFollowups?: boolean;
}

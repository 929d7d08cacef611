import { ArrayMaxSize, IsOptional, MaxLength } from 'class-validator';
import { ArgsType, Field, ID, InputType } from 'type-graphql';
import { PageArgs } from '../../graphql/pagination.js';

@InputType()
export class AssignNumbersInput {
  @Field(() => ID) campaignId!: string;

  @Field(() => [ID], { description: "Numbers to give; each customer's other waiting numbers go with them" })
  @ArrayMaxSize(1000)
  numberIds!: string[];

  @Field(() => ID, { nullable: true, description: 'The agent (of the campaign group) to give them to; null takes them back to the pool' })
  @IsOptional()
  agentId?: string | null;
}

@InputType({ description: 'CSV with a "phone" (or "number") column and an "agent" column: the agent\'s id, name or phone' })
export class AssignNumbersCsvInput {
  @Field(() => ID) campaignId!: string;

  @Field(() => String)
  @MaxLength(2_000_000)
  csv!: string;
}

@ArgsType()
export class CampaignNumbersArgs extends PageArgs {
  @Field(() => ID) campaignId!: string;

  @Field(() => [String], { nullable: true, description: 'NumberState values' })
  @IsOptional()
  @ArrayMaxSize(20)
  states?: string[];

  @Field(() => ID, { nullable: true, description: 'Only this agent\'s numbers' })
  @IsOptional()
  ownerAgentId?: string;

  @Field(() => Boolean, { defaultValue: false, description: 'Only numbers nobody owns' })
  unassigned!: boolean;

  @Field(() => String, { nullable: true, description: 'Part of a number or a contact name' })
  @IsOptional()
  @MaxLength(100)
  search?: string;
}


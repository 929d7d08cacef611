import { Field, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { NumberReason, NumberState } from '../../domain/number-state.js';

registerEnumType(NumberState, { name: 'NumberState', description: 'State of a phone number inside a campaign' });
registerEnumType(NumberReason, { name: 'NumberReason' });

@ObjectType({ description: 'How many numbers are in one state' })
export class StateCount {
  @Field(() => NumberState) state!: NumberState;
  @Field(() => Int) count!: number;
}

@ObjectType({ description: 'Completed / Failed / Scheduled, as on the campaign list' })
export class CampaignRollup {
  @Field(() => Int, { description: 'COMPLETED' })
  completed!: number;

  @Field(() => Int, { description: 'FAILED + FAILED_DND + FAILED_BALANCE + FAILED_NO_ATTEMPT + INVALID' })
  failed!: number;

  @Field(() => Int, { description: 'SCHEDULED + IN_PROGRESS + RETRY + RETRYING' })
  scheduled!: number;

  @Field(() => Int, { description: 'INTERRUPTED: calls cut off by a crash or shutdown after the customer answered, waiting for a person to follow up' })
  interrupted!: number;

  @Field(() => [StateCount], { description: 'Every state with numbers in it (seed 004: failed, failed DND, failed balance, invalid; scheduled, in progress, retry, retrying)' })
  byState!: StateCount[];
}

@ObjectType()
export class StateReasonCount {
  @Field(() => NumberState)
  state!: NumberState;

  @Field(() => NumberReason)
  reason!: NumberReason;

  @Field(() => Int)
  count!: number;
}

@ObjectType({ description: 'Count of numbers in every state of one campaign' })
export class CampaignStats {
  @Field(() => ID)
  campaignId!: string;

  @Field(() => Int) scheduled!: number;
  @Field(() => Int) inProgress!: number;
  @Field(() => Int) retry!: number;
  @Field(() => Int) retrying!: number;
  @Field(() => Int) completed!: number;
  @Field(() => Int) failed!: number;
  @Field(() => Int) failedDnd!: number;
  @Field(() => Int) failedBalance!: number;
  @Field(() => Int) failedNoAttempt!: number;
  @Field(() => Int) invalid!: number;
  @Field(() => Int) cancelled!: number;
  @Field(() => Int) expired!: number;
  @Field(() => Int) interrupted!: number;

  @Field(() => Int, { description: 'All numbers in the campaign' })
  total!: number;

  @Field(() => CampaignRollup)
  rollup!: CampaignRollup;

  @Field(() => [StateReasonCount], { description: 'RETRY and FAILED broken down by reason (AGENT_RESCHEDULED, CUSTOMER_FAILED, ...)' })
  byReason!: StateReasonCount[];

  @Field(() => Date, { description: 'When these counts were read' })
  updatedAt!: Date;

  @Field(() => Date, { description: 'When the earliest change reflected in this push was committed' })
  changedAt!: Date;
}

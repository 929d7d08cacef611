import { Field, ID, Int, ObjectType } from 'type-graphql';

@ObjectType({ description: 'One call leg of a campaign (the call report row); times are ISO 8601 with the offset of the zone asked for' })
export class CallReportRow {
  @Field(() => ID) legId!: string;
  @Field(() => ID) campaignId!: string;
  @Field(() => String) campaign!: string;
  @Field(() => String, { nullable: true }) sid!: string | null;
  @Field(() => String, { nullable: true }) contactName!: string | null;
  @Field(() => String, { nullable: true }) clientId!: string | null;
  @Field(() => String, { nullable: true, description: "The customer's number (E.164)" }) number!: string | null;
  @Field(() => String, { description: 'What this leg dialled: the customer, or the agent\'s phone for an agent leg' }) dialled!: string;
  @Field(() => String, { nullable: true }) agent!: string | null;
  @Field(() => String, { description: 'AGENT or CUSTOMER' }) legKind!: string;
  @Field(() => String) status!: string;
  @Field(() => String, { nullable: true }) cause!: string | null;
  @Field(() => String) createdAt!: string;
  @Field(() => String, { nullable: true }) answeredAt!: string | null;
  @Field(() => String, { nullable: true }) endedAt!: string | null;
  @Field(() => Int, { nullable: true }) durationSec!: number | null;
  @Field(() => String, { nullable: true }) recordingUrl!: string | null;
  @Field(() => Int, { description: "The record's agent attempt this leg belongs to (seed 000)" }) agentAttempt!: number;
  @Field(() => Int, { description: "The record's customer attempt this leg belongs to (seed 000)" }) customerAttempt!: number;
  @Field(() => Boolean, { nullable: true, description: 'Flow variable reschedule_agent_call of the number, as it stands' }) rescheduleAgentCall!: boolean | null;
  @Field(() => Boolean, { nullable: true, description: 'Flow variable reschedule_customer_call of the number, as it stands' }) rescheduleCustomerCall!: boolean | null;
  @Field(() => String, { nullable: true }) disposition!: string | null;
  @Field(() => Boolean) abandoned!: boolean;
  @Field(() => Boolean) machine!: boolean;
}

@ObjectType()
export class ReportField {
  @Field(() => String) name!: string;
  @Field(() => String) value!: string;
}

@ObjectType({ description: 'One number of a campaign with its final (or current) state and reason (the number report row)' })
export class NumberReportRow {
  @Field(() => ID) numberId!: string;
  @Field(() => String) contactName!: string;
  @Field(() => String) number!: string;
  @Field(() => String, { nullable: true }) clientId!: string | null;
  @Field(() => String, { description: 'Space-separated zones its calling window holds in' }) timeZones!: string;
  @Field(() => String) state!: string;
  @Field(() => String, { nullable: true }) reason!: string | null;
  @Field(() => Int) agentAttempts!: number;
  @Field(() => Int) customerAttempts!: number;
  @Field(() => Int) dialCount!: number;
  @Field(() => String, { nullable: true }) lastCallStatus!: string | null;
  @Field(() => String, { nullable: true }) lastCallAt!: string | null;
  @Field(() => Int, { nullable: true }) lastCallDurationSec!: number | null;
  @Field(() => String, { nullable: true }) disposition!: string | null;
  @Field(() => String, { nullable: true }) ownerAgent!: string | null;
  @Field(() => String, { nullable: true }) nextAttemptAt!: string | null;
  @Field(() => Boolean) rescheduleAgentCall!: boolean;
  @Field(() => Boolean) rescheduleCustomerCall!: boolean;
  @Field(() => [ReportField], { description: "The contact's custom fields" }) fields!: ReportField[];
}

@ObjectType()
export class CallReportPage {
  @Field(() => [CallReportRow]) items!: CallReportRow[];
  @Field(() => String, { nullable: true, description: 'Pass as `after` for the next page' }) endCursor!: string | null;
  @Field(() => Boolean) hasNextPage!: boolean;
}

@ObjectType()
export class NumberReportPage {
  @Field(() => [NumberReportRow]) items!: NumberReportRow[];
  @Field(() => String, { nullable: true, description: 'Pass as `after` for the next page' }) endCursor!: string | null;
  @Field(() => Boolean) hasNextPage!: boolean;
}

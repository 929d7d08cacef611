import { Field, ID, Int, ObjectType, registerEnumType } from 'type-graphql';

export const ClaimLimit = { PER_CLICK: 'PER_CLICK', MAX_UNPROCESSED: 'MAX_UNPROCESSED', NONE_LEFT: 'NONE_LEFT' } as const;
export type ClaimLimit = (typeof ClaimLimit)[keyof typeof ClaimLimit];
registerEnumType(ClaimLimit, {
  name: 'ClaimLimit',
  valuesConfig: {
    PER_CLICK: { description: "The campaign's per-click maximum" },
    MAX_UNPROCESSED: { description: 'The maximum of unprocessed customers an agent may own' },
    NONE_LEFT: { description: 'No unassigned customer was left' },
  },
});

@ObjectType({ description: 'What one "Get customers" click took (seed 003)' })
export class GetCustomersResult {
  @Field(() => Int, { description: 'Customers taken by this click' }) claimed!: number;
  @Field(() => Int, { description: 'Unprocessed customers the agent owns now' }) owned!: number;
  @Field(() => Int) perClickMax!: number;
  @Field(() => Int) maxUnprocessed!: number;
  @Field(() => ClaimLimit, { description: 'The limit that bounded this click' }) limitedBy!: ClaimLimit;
}

@ObjectType({ description: 'An agent of the campaign group and the customers they own' })
export class AgentOwnership {
  @Field(() => ID) agentId!: string;
  @Field(() => String) name!: string;
  @Field(() => Int, { description: 'Unprocessed customers owned (new, pending or in a call)' }) owned!: number;
}

@ObjectType()
export class AssignResult {
  @Field(() => Int, { description: 'Numbers that changed hands (every waiting number of each customer)' }) numbersAssigned!: number;
  @Field(() => [AgentOwnership], { description: 'Every agent of the group afterwards' }) agents!: AgentOwnership[];
}

@ObjectType({ description: 'A bad row of an assignment CSV' })
export class AssignCsvError {
  @Field(() => Int) line!: number;
  @Field(() => String, { description: 'INVALID_PHONE, UNKNOWN_NUMBER, UNKNOWN_AGENT, AMBIGUOUS_AGENT, EMPTY_ROW' }) code!: string;
  @Field(() => String) reason!: string;
}

@ObjectType()
export class AssignCsvResult {
  @Field(() => Int) rows!: number;
  @Field(() => Int, { description: 'Numbers that changed hands' }) numbersAssigned!: number;
  @Field(() => [AssignCsvError]) errors!: AssignCsvError[];
  @Field(() => [AgentOwnership]) agents!: AgentOwnership[];
}

@ObjectType({ description: 'A number of a campaign and who owns it' })
export class CampaignNumber {
  @Field(() => ID) id!: string;
  @Field(() => String) contactName!: string;
  @Field(() => String) number!: string;
  @Field(() => String, { description: 'NumberState' }) state!: string;
  @Field(() => String, { nullable: true }) reason!: string | null;
  @Field(() => ID, { nullable: true }) ownerAgentId!: string | null;
  @Field(() => String, { nullable: true }) ownerName!: string | null;
  @Field(() => Date, { nullable: true }) nextAttemptAt!: Date | null;
  @Field(() => Int) dialCount!: number;
  @Field(() => Date, { nullable: true, description: 'When an owned callback was released to the group (its owner was away)' }) releasedAt!: Date | null;
}

@ObjectType()
export class CampaignNumberPage {
  @Field(() => [CampaignNumber]) items!: CampaignNumber[];
  @Field(() => Int) totalCount!: number;
}

import { Field, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { AgentState } from '../../domain/agent-state.js';

registerEnumType(AgentState, { name: 'AgentState', description: 'What an agent is doing right now' });

@ObjectType()
export class Agent {
  @Field(() => ID)
  id!: string;

  @Field(() => String)
  name!: string;

  @Field(() => String, { description: 'Number or endpoint dialled for the agent leg' })
  phone!: string;

  @Field(() => String)
  timeZone!: string;

  @Field(() => AgentState)
  state!: AgentState;

  @Field(() => Date)
  stateChangedAt!: Date;

  @Field(() => ID, { nullable: true, description: 'The user account of this agent' })
  userId!: string | null;
}

@ObjectType()
export class AgentGroup {
  @Field(() => ID)
  id!: string;

  @Field(() => String)
  name!: string;

  @Field(() => Boolean, { description: 'Whether members may schedule followups (seed 002)' })
  mayScheduleFollowups!: boolean;

  @Field(() => [Agent])
  members!: Agent[];

  @Field(() => Int)
  memberCount!: number;
}

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

  @Field(() => String, { nullable: true, description: "SIP endpoint of the agent's phone (dialled instead of the number with SIP telephony)" })
  sipUri!: string | null;

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

@ObjectType({ description: 'One agent on the wallboard: state, since when, and the campaign they dial' })
export class AgentBoardEntry {
  @Field(() => ID) agentId!: string;
  @Field(() => String) name!: string;
  @Field(() => AgentState) state!: AgentState;
  @Field(() => Date, { description: 'When the agent entered this state (time in state = now - this)' }) stateChangedAt!: Date;
  @Field(() => ID, { nullable: true }) campaignId!: string | null;
  @Field(() => String, { nullable: true }) campaignName!: string | null;
}

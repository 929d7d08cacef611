import { ArrayMaxSize } from 'class-validator';
import { Arg, Args, ArgsType, Ctx, Field, ID, Mutation, Query, Resolver } from 'type-graphql';
import type { GraphQLContext } from '../../graphql/context.js';
import { PageArgs } from '../../graphql/pagination.js';
import { CreateAgentGroupInput, CreateAgentInput, UpdateAgentGroupInput, UpdateAgentInput } from './agent.input.js';
import { toAgent, toAgentGroup } from './agent.mapper.js';
import type { AgentService } from './agent.service.js';
import { Agent, AgentGroup } from './agent.type.js';

@ArgsType()
class GroupMembersArgs {
  @Field(() => ID)
  groupId!: string;

  @Field(() => [ID], { defaultValue: [] })
  @ArrayMaxSize(5000)
  addAgentIds!: string[];

  @Field(() => [ID], { defaultValue: [] })
  @ArrayMaxSize(5000)
  removeAgentIds!: string[];
}

@Resolver()
export class AgentResolver {
  constructor(private readonly agentService: AgentService) {}

  @Query(() => [Agent])
  async agents(@Args(() => PageArgs) { limit, offset }: PageArgs, @Ctx() ctx: GraphQLContext): Promise<Agent[]> {
    const [items] = await this.agentService.page(ctx, limit, offset);
    return items.map(toAgent);
  }

  @Query(() => Agent)
  async agent(@Arg('id', () => ID) id: string, @Ctx() ctx: GraphQLContext): Promise<Agent> {
    return toAgent(await this.agentService.get(ctx, id));
  }

  @Mutation(() => Agent)
  async createAgent(@Arg('input', () => CreateAgentInput) input: CreateAgentInput, @Ctx() ctx: GraphQLContext): Promise<Agent> {
    return toAgent(await this.agentService.create(ctx, input));
  }

  @Mutation(() => Agent, { description: 'Supervisors: edit an agent (phone, time zone, user, groups); only the fields given change' })
  async updateAgent(@Arg('id', () => ID) id: string, @Arg('input', () => UpdateAgentInput) input: UpdateAgentInput, @Ctx() ctx: GraphQLContext): Promise<Agent> {
    return toAgent(await this.agentService.update(ctx, id, input));
  }

  @Query(() => [AgentGroup])
  async agentGroups(@Args(() => PageArgs) { limit, offset }: PageArgs, @Ctx() ctx: GraphQLContext): Promise<AgentGroup[]> {
    return (await this.agentService.groups(ctx, limit, offset)).map(toAgentGroup);
  }

  @Query(() => AgentGroup)
  async agentGroup(@Arg('id', () => ID) id: string, @Ctx() ctx: GraphQLContext): Promise<AgentGroup> {
    return toAgentGroup(await this.agentService.group(ctx, id));
  }

  @Mutation(() => AgentGroup)
  async createAgentGroup(@Arg('input', () => CreateAgentGroupInput) input: CreateAgentGroupInput, @Ctx() ctx: GraphQLContext): Promise<AgentGroup> {
    return toAgentGroup(await this.agentService.createGroup(ctx, input));
  }

  @Mutation(() => AgentGroup, { description: 'Supervisors: rename a group or allow / forbid its members to schedule followups' })
  async updateAgentGroup(@Arg('id', () => ID) id: string, @Arg('input', () => UpdateAgentGroupInput) input: UpdateAgentGroupInput, @Ctx() ctx: GraphQLContext): Promise<AgentGroup> {
    return toAgentGroup(await this.agentService.updateGroup(ctx, id, input));
  }

  @Mutation(() => AgentGroup, { description: 'Add and remove members; takes effect live in running campaigns' })
  async changeGroupMembers(@Args(() => GroupMembersArgs) a: GroupMembersArgs, @Ctx() ctx: GraphQLContext): Promise<AgentGroup> {
    return toAgentGroup(await this.agentService.changeMembers(ctx, a.groupId, a.addAgentIds, a.removeAgentIds));
  }
}

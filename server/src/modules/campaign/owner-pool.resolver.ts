import { Arg, Args, Ctx, ID, Mutation, Query, Resolver } from 'type-graphql';
import type { GraphQLContext } from '../../graphql/context.js';
import { AssignNumbersCsvInput, AssignNumbersInput, CampaignNumbersArgs } from './owner-pool.input.js';
import type { OwnerPoolService } from './owner-pool.service.js';
import { AgentOwnership, AssignCsvResult, AssignResult, CampaignNumberPage, GetCustomersResult } from './owner-pool.type.js';

@Resolver()
export class OwnerPoolResolver {
  constructor(private readonly pools: OwnerPoolService) {}

  @Query(() => CampaignNumberPage, { description: "A campaign's numbers with their owners, filtered by state and owner (supervisors)" })
  campaignNumbers(@Args(() => CampaignNumbersArgs) args: CampaignNumbersArgs, @Ctx() ctx: GraphQLContext): Promise<CampaignNumberPage> {
    return this.pools.numbers(ctx, args);
  }

  @Query(() => [AgentOwnership], { description: "The campaign group's agents and how many unprocessed customers each owns (supervisors)" })
  campaignOwners(@Arg('campaignId', () => ID) campaignId: string, @Ctx() ctx: GraphQLContext): Promise<AgentOwnership[]> {
    return this.pools.owners(ctx, campaignId);
  }

  @Mutation(() => GetCustomersResult, { description: '"Get customers" (seed 003): take unassigned new customers of an owner-pool campaign, within its per-click and owned maximums' })
  getCustomers(@Arg('campaignId', () => ID) campaignId: string, @Arg('agentId', () => ID, { nullable: true }) agentId: string | null, @Ctx() ctx: GraphQLContext): Promise<GetCustomersResult> {
    return this.pools.getCustomers(ctx, campaignId, agentId);
  }

  @Mutation(() => AssignResult, { description: "Gives numbers (each with its customer's other waiting numbers) to an agent of the group, or back to the pool" })
  assignNumbers(@Arg('input', () => AssignNumbersInput) input: AssignNumbersInput, @Ctx() ctx: GraphQLContext): Promise<AssignResult> {
    return this.pools.assign(ctx, input);
  }

  @Mutation(() => AssignCsvResult, { description: 'Assigns by a CSV of phone and agent; bad rows are reported by line, the rest assigned' })
  assignNumbersCsv(@Arg('input', () => AssignNumbersCsvInput) input: AssignNumbersCsvInput, @Ctx() ctx: GraphQLContext): Promise<AssignCsvResult> {
    return this.pools.assignCsv(ctx, input);
  }

  @Mutation(() => AssignResult, { description: 'Balances unassigned customers across the group by unprocessed count (no two agents more than one apart once enough are handed out)' })
  autoAssignNumbers(@Arg('campaignId', () => ID) campaignId: string, @Ctx() ctx: GraphQLContext): Promise<AssignResult> {
    return this.pools.autoAssign(ctx, campaignId);
  }
}

import { Arg, Args, Ctx, ID, Mutation, Query, Resolver, Root, Subscription } from 'type-graphql';
import type { CampaignAction } from '../../domain/campaign-lifecycle.js';
import type { GraphQLContext } from '../../graphql/context.js';
import type { CampaignUpdatedPayload } from '../../pubsub/pubsub.js';
import type { StatsService } from '../stats/stats.service.js';
import { CampaignRulesInput, CampaignsArgs, CreateCampaignInput } from './campaign.input.js';
import { fromCampaignJson, toCampaign } from './campaign.mapper.js';
import type { CampaignService } from './campaign.service.js';
import { Campaign, CampaignPage, CampaignReport } from './campaign.type.js';

@Resolver()
export class CampaignResolver {
  constructor(
    private readonly campaignService: CampaignService,
    private readonly stats: StatsService,
  ) {}

  @Query(() => CampaignPage, { description: 'Filter by status, search by name (3+ characters), sort, page' })
  async campaigns(@Args(() => CampaignsArgs) args: CampaignsArgs, @Ctx() ctx: GraphQLContext): Promise<CampaignPage> {
    const [items, totalCount] = await this.campaignService.page(ctx, args);
    const counts = await this.stats.countsFor(ctx, items.map((c) => c.id));
    return { items: items.map((c) => toCampaign(c, counts.get(c.id))), totalCount };
  }

  @Query(() => Campaign)
  async campaign(@Arg('id', () => ID) id: string, @Ctx() ctx: GraphQLContext): Promise<Campaign> {
    const c = await this.campaignService.get(ctx, id);
    return toCampaign(c, (await this.stats.countsFor(ctx, [c.id])).get(c.id));
  }

  @Query(() => CampaignReport, { complexity: 12_500, description: 'CSV report, one row per number (supervisors and admins; at most 200,000 rows)' })
  campaignReport(@Arg('campaignId', () => ID) campaignId: string, @Ctx() ctx: GraphQLContext): Promise<CampaignReport> {
    return this.campaignService.report(ctx, campaignId);
  }

  @Mutation(() => Campaign, { description: 'Creates a campaign and copies its list (later list edits do not change it)' })
  async createCampaign(@Arg('input', () => CreateCampaignInput) input: CreateCampaignInput, @Ctx() ctx: GraphQLContext): Promise<Campaign> {
    const c = await this.campaignService.create(ctx, input);
    return toCampaign(c, (await this.stats.countsFor(ctx, [c.id])).get(c.id));
  }

  @Mutation(() => Campaign, { description: 'RUNNING -> PAUSED' })
  pauseCampaign(@Arg('id', () => ID) id: string, @Ctx() ctx: GraphQLContext): Promise<Campaign> {
    return this.move(ctx, id, 'pause');
  }

  @Mutation(() => Campaign, { description: 'PAUSED -> RUNNING' })
  resumeCampaign(@Arg('id', () => ID) id: string, @Ctx() ctx: GraphQLContext): Promise<Campaign> {
    return this.move(ctx, id, 'resume');
  }

  @Mutation(() => Campaign, { description: 'PAUSED -> COMPLETED; numbers not yet dialled become FAILED_NO_ATTEMPT' })
  completeCampaign(@Arg('id', () => ID) id: string, @Ctx() ctx: GraphQLContext): Promise<Campaign> {
    return this.move(ctx, id, 'complete');
  }

  @Mutation(() => Campaign, { description: 'COMPLETED or SCHEDULED -> ARCHIVED' })
  archiveCampaign(@Arg('id', () => ID) id: string, @Ctx() ctx: GraphQLContext): Promise<Campaign> {
    return this.move(ctx, id, 'archive');
  }

  @Mutation(() => Campaign, { description: 'Replaces the missed-call rules (seed 001) of a campaign that is not completed' })
  async setCampaignRules(
    @Arg('campaignId', () => ID) campaignId: string,
    @Arg('rules', () => CampaignRulesInput) rules: CampaignRulesInput,
    @Ctx() ctx: GraphQLContext,
  ): Promise<Campaign> {
    const c = await this.campaignService.setRules(ctx, campaignId, rules);
    return toCampaign(c, (await this.stats.countsFor(ctx, [c.id])).get(c.id));
  }

  @Subscription(() => Campaign, {
    description: "A campaign of my organisation as it is created or changes status (by a user or by its start/end time); no initial value",
    // type-graphql calls `subscribe` without the resolver instance, so the service comes from the context.
    subscribe: ({ context }) => (context as GraphQLContext).services.stats.subscribeCampaigns(context as GraphQLContext),
  })
  campaignUpdated(@Root() payload: CampaignUpdatedPayload): Campaign {
    return fromCampaignJson(payload.campaign);
  }

  private async move(ctx: GraphQLContext, id: string, action: CampaignAction): Promise<Campaign> {
    const c = await this.campaignService.transition(ctx, id, action);
    return toCampaign(c, (await this.stats.countsFor(ctx, [c.id])).get(c.id));
  }
}

import { Arg, Ctx, ID, Query, Resolver, Root, Subscription } from 'type-graphql';
import type { GraphQLContext } from '../../graphql/context.js';
import type { CampaignStatsPayload } from '../../pubsub/pubsub.js';
import { toCampaignStats } from './stats.mapper.js';
import type { StatsService } from './stats.service.js';
import { CampaignStats } from './stats.type.js';

@Resolver()
export class StatsResolver {
  constructor(private readonly stats: StatsService) {}

  @Query(() => CampaignStats, { complexity: 10 })
  async campaignStats(@Arg('campaignId', () => ID) campaignId: string, @Ctx() ctx: GraphQLContext): Promise<CampaignStats> {
    return toCampaignStats(await this.stats.campaignStats(ctx, campaignId));
  }

  @Subscription(() => CampaignStats, {
    description: 'The current counts at once, then every change (pushed within a second of the commit)',
    // type-graphql calls `subscribe` without the resolver instance, so the service comes from the context.
    subscribe: ({ args, context }) => (context as GraphQLContext).services.stats.subscribe(context as GraphQLContext, args.campaignId as string),
  })
  campaignStatsChanged(@Arg('campaignId', () => ID) _campaignId: string, @Root() payload: CampaignStatsPayload): CampaignStats {
    return toCampaignStats(payload);
  }
}

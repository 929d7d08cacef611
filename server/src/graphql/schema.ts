import 'reflect-metadata';
import type { GraphQLSchema } from 'graphql';
import { buildSchema, type ContainerType, type PubSub } from 'type-graphql';
import { AgentResolver } from '../modules/agent/agent.resolver.js';
import type { AgentService } from '../modules/agent/agent.service.js';
import { CampaignResolver } from '../modules/campaign/campaign.resolver.js';
import type { CampaignService } from '../modules/campaign/campaign.service.js';
import { ContactResolver } from '../modules/contact/contact.resolver.js';
import type { ContactService } from '../modules/contact/contact.service.js';
import { StatsResolver } from '../modules/stats/stats.resolver.js';
import type { StatsService } from '../modules/stats/stats.service.js';
import { DialerResolver } from '../modules/dialer/dialer.resolver.js';
import type { DialerService } from '../modules/dialer/dialer.service.js';
import type { LiveStatsService } from '../modules/stats/live-stats.service.js';
import { ApiKeyResolver } from '../modules/api-key/api-key.resolver.js';
import type { ApiKeyService } from '../modules/api-key/api-key.service.js';
import { UserResolver } from '../modules/user/user.resolver.js';
import type { UserService } from '../modules/user/user.service.js';

export interface Services {
  users: UserService;
  apiKeys: ApiKeyService;
  contacts: ContactService;
  agents: AgentService;
  campaigns: CampaignService;
  stats: StatsService;
  dialer: DialerService;
  live: LiveStatsService;
}

export const RESOLVERS = [UserResolver, ApiKeyResolver, ContactResolver, AgentResolver, CampaignResolver, StatsResolver, DialerResolver] as const;

/** Builds the schema with resolvers constructed over this app's services (no global container). */
export async function buildDialerSchema(services: Services, pubSub: PubSub): Promise<GraphQLSchema> {
  const instances = new Map<unknown, unknown>([
    [UserResolver, new UserResolver(services.users)],
    [ApiKeyResolver, new ApiKeyResolver(services.apiKeys)],
    [ContactResolver, new ContactResolver(services.contacts)],
    [AgentResolver, new AgentResolver(services.agents)],
    [CampaignResolver, new CampaignResolver(services.campaigns, services.stats)],
    [StatsResolver, new StatsResolver(services.stats)],
    [DialerResolver, new DialerResolver(services.dialer, services.live)],
  ]);
  const container: ContainerType = {
    get: (cls) => {
      const instance = instances.get(cls);
      if (!instance) throw new Error(`No resolver instance for ${(cls as { name?: string }).name}`);
      return instance;
    },
  };
  return buildSchema({
    resolvers: RESOLVERS as unknown as [Function, ...Function[]],
    container,
    pubSub,
    validate: { forbidUnknownValues: false, validationError: { target: false, value: false } },
  });
}

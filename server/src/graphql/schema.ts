import 'reflect-metadata';
import type { GraphQLSchema } from 'graphql';
import { buildSchema, type ContainerType, type PubSub } from 'type-graphql';
import { domainErrors } from './errors.js';
import { AgentResolver } from '../modules/agent/agent.resolver.js';
import { CampaignResolver } from '../modules/campaign/campaign.resolver.js';
import { ContactResolver } from '../modules/contact/contact.resolver.js';
import { StatsResolver } from '../modules/stats/stats.resolver.js';
import { DialerResolver } from '../modules/dialer/dialer.resolver.js';
import { ApiKeyResolver } from '../modules/api-key/api-key.resolver.js';
import { UserResolver } from '../modules/user/user.resolver.js';
import { InboundResolver } from '../modules/inbound/inbound.resolver.js';
import { OwnerPoolResolver } from '../modules/campaign/owner-pool.resolver.js';
import { AgentBoardResolver } from '../modules/agent/agent-board.resolver.js';
import { WebhookResolver } from '../modules/webhook/webhook.resolver.js';
import { ReportResolver } from '../modules/report/report.resolver.js';

import type { Services } from '../modules/services.js';

export type { Services };

export const RESOLVERS = [UserResolver, ApiKeyResolver, ContactResolver, AgentResolver, CampaignResolver, StatsResolver, DialerResolver, InboundResolver, OwnerPoolResolver, AgentBoardResolver, WebhookResolver, ReportResolver] as const;

/** Builds the schema with resolvers constructed over this app's services (no global container). */
export async function buildDialerSchema(services: Services, pubSub: PubSub): Promise<GraphQLSchema> {
  const instances = new Map<unknown, unknown>([
    [UserResolver, new UserResolver(services.users)],
    [ApiKeyResolver, new ApiKeyResolver(services.apiKeys)],
    [ContactResolver, new ContactResolver(services.contacts)],
    [AgentResolver, new AgentResolver(services.agents)],
    [CampaignResolver, new CampaignResolver(services.campaigns, services.stats)],
    [StatsResolver, new StatsResolver(services.stats)],
    [DialerResolver, new DialerResolver(services.consoles, services.followups, services.suppressions, services.callList, services.live)],
    [InboundResolver, new InboundResolver(services.inbound)],
    [OwnerPoolResolver, new OwnerPoolResolver(services.pools)],
    [AgentBoardResolver, new AgentBoardResolver(services.agentBoard)],
    [WebhookResolver, new WebhookResolver(services.webhooks)],
    [ReportResolver, new ReportResolver(services.reports)],
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
    globalMiddlewares: [domainErrors],
    validate: { forbidUnknownValues: false, validationError: { target: false, value: false } },
  });
}

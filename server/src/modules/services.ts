import type { AgentService } from './agent/agent.service.js';
import type { CampaignService } from './campaign/campaign.service.js';
import type { ContactService } from './contact/contact.service.js';
import type { StatsService } from './stats/stats.service.js';
import type { CallListService } from './dialer/call-list.service.js';
import type { ConsoleService } from './dialer/console.service.js';
import type { FollowupService } from './dialer/followup.service.js';
import type { SuppressionService } from './dialer/suppression.service.js';
import type { LiveStatsService } from './stats/live-stats.service.js';
import type { ApiKeyService } from './api-key/api-key.service.js';
import type { UserService } from './user/user.service.js';
import type { InboundService } from './inbound/inbound.service.js';
import type { OwnerPoolService } from './campaign/owner-pool.service.js';
import type { AgentBoardService } from './agent/agent-board.service.js';
import type { WebhookService } from './webhook/webhook.service.js';
import type { ReportService } from './report/report.service.js';

/** Every service of the app, built once in `app.ts` and handed to the resolvers, the seed and the CLI. */
export interface Services {
  users: UserService;
  apiKeys: ApiKeyService;
  contacts: ContactService;
  agents: AgentService;
  campaigns: CampaignService;
  stats: StatsService;
  consoles: ConsoleService;
  followups: FollowupService;
  suppressions: SuppressionService;
  callList: CallListService;
  live: LiveStatsService;
  inbound: InboundService;
  pools: OwnerPoolService;
  agentBoard: AgentBoardService;
  webhooks: WebhookService;
  reports: ReportService;
}

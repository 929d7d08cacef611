import type { DialerEvents, RunnerSnapshot } from '../../engine/events.js';
import type { LiveStatsService } from './live-stats.service.js';
import type { StatsService } from './stats.service.js';

/**
 * What the live screens do with the engine's events: counters and campaign changes pushed to
 * subscribers, agents' consoles signalled, and each tick's live figures computed once, cached and
 * published. Wired to the engine in `app.ts` (webhooks will listen alongside).
 */
export class StatsEvents implements DialerEvents {
  constructor(
    private readonly stats: StatsService,
    private readonly live: LiveStatsService,
  ) {}

  campaignChanged(organizationId: string, campaignId: string): void {
    this.stats.publish(organizationId, campaignId);
  }

  campaignStatusChanged(organizationId: string, campaignId: string): void {
    this.stats.publishCampaign({ organizationId, campaignId });
  }

  agentsChanged(agentIds: Iterable<string>): void {
    this.stats.publishAgents(agentIds);
  }

  campaignTicked(campaignId: string, snapshot: RunnerSnapshot): Promise<void> {
    return this.live.publish(campaignId, snapshot);
  }
}

import { filter, pipe } from '@graphql-yoga/subscription';
import type { MikroORM } from '@mikro-orm/postgresql';
import type { Clock } from '../../clock.js';
import type { Scope } from '../../auth/scope.js';
import type { Logger } from '../../logger.js';
import { CampaignEntity } from '../../entities/index.js';
import { Topic, type CampaignStatsPayload, type CampaignUpdatedPayload, type DialerPubSub } from '../../pubsub/pubsub.js';
import { toCampaign, toCampaignJson } from '../campaign/campaign.mapper.js';
import type { Campaign } from '../campaign/campaign.type.js';
import { visibleGroupIds, currentThenChanges, requireCampaignId } from './campaign-access.js';
import { toRollup, toStatsPayload } from './stats.mapper.js';
import { StatsRepository } from './stats.repository.js';

/** Coalescing window for stats pushes: many changes in a burst become one push per campaign. */
const PUBLISH_COALESCE_MS = 25;

/** Live per-campaign counters: read, subscribe, and publish after each committed change. */
/** Agent-board pushes are coalesced per organisation over this long. */
const BOARD_COALESCE_MS = 300;

export class StatsService {
  private readonly pending = new Map<string, { org: string; since: Date }>();
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> = Promise.resolve();
  /** Campaign events go out one after another, in the order of the changes. */
  private campaignEvents: Promise<void> = Promise.resolve();

  constructor(
    private readonly orm: MikroORM,
    private readonly pubSub: DialerPubSub,
    private readonly clock: Clock,
    private readonly log: Logger,
  ) {}

  async campaignStats(scope: Scope, campaignId: string): Promise<CampaignStatsPayload> {
    const id = await requireCampaignId(scope, campaignId);
    const rows = await new StatsRepository(scope.em).counts(scope.actor.organizationId, [id]);
    return toStatsPayload(scope.actor.organizationId, id, rows, this.clock.now());
  }

  /** Counts for many campaigns of the actor's organisation in one query. */
  async countsFor(scope: Scope, campaignIds: string[]): Promise<Map<string, CampaignStatsPayload>> {
    const rows = await new StatsRepository(scope.em).counts(scope.actor.organizationId, campaignIds);
    const now = this.clock.now();
    return new Map(campaignIds.map((id) => [id, toStatsPayload(scope.actor.organizationId, id, rows, now)]));
  }

  /**
   * The current counts first (so a client that (re)subscribes is in sync at once), then every
   * change. Access is checked before anything is sent.
   */
  async subscribe(scope: Scope, campaignId: string): Promise<AsyncIterable<CampaignStatsPayload>> {
    const id = await requireCampaignId(scope, campaignId);
    const events = this.pubSub.subscribe(Topic.CAMPAIGN_STATS_CHANGED, id);
    return currentThenChanges(events, () => this.sharedCounts(scope.actor.organizationId, id), (p, first) => p.updatedAt >= first.updatedAt);
  }

  /**
   * A campaign's counts for new subscribers, one read for all who are waiting (a thousand wallboards connecting read
   * once, not a thousand times). Only subscribers already listening for changes when a read begins share it: one who
   * joined a read already under way could miss a change committed after that read's snapshot and pushed before it
   * listened. So newcomers queue for the next read, which begins when the current one ends.
   */
  private sharedCounts(organizationId: string, campaignId: string): Promise<CampaignStatsPayload> {
    const queued = this.queuedReads.get(campaignId);
    if (queued) return queued;
    const previous = this.runningReads.get(campaignId) ?? Promise.resolve();
    const read = previous.then(() => {
      this.queuedReads.delete(campaignId);
      const run = (async () => {
        const rows = await new StatsRepository(this.orm.em.fork()).counts(organizationId, [campaignId]);
        return toStatsPayload(organizationId, campaignId, rows, this.clock.now());
      })();
      const settled = run.then(() => undefined, () => undefined);
      this.runningReads.set(campaignId, settled);
      void settled.then(() => this.runningReads.get(campaignId) === settled && this.runningReads.delete(campaignId));
      return run;
    });
    this.queuedReads.set(campaignId, read);
    return read;
  }

  /** The first-value read under way per campaign, and the one newcomers wait for (see `sharedCounts`). */
  private readonly runningReads = new Map<string, Promise<void>>();
  private readonly queuedReads = new Map<string, Promise<CampaignStatsPayload>>();

  /** Schedules a push of fresh counts for a campaign; call after the transaction commits. */
  publish(organizationId: string, campaignId: string): void {
    if (!this.pending.has(campaignId)) this.pending.set(campaignId, { org: organizationId, since: this.clock.now() });
    this.timer ??= setTimeout(() => {
      this.timer = undefined;
      this.flushing = this.flushing.then(() => this.flush());
    }, PUBLISH_COALESCE_MS);
  }

  /** Tells these agents' consoles to refresh (state, live call or queue changed); call after the commit. */
  publishAgents(agentIds: Iterable<string>): void {
    const at = this.clock.now().toISOString();
    for (const agentId of agentIds) {
      this.pubSub.publish(Topic.AGENT_CONSOLE_CHANGED, agentId, { agentId, at });
      this.boardPending.add(agentId);
    }
    // the wallboards' agent panels: one push per organisation at most every BOARD_COALESCE_MS
    if (this.boardPending.size) this.boardTimer ??= setTimeout(() => void this.flushBoard(), BOARD_COALESCE_MS);
  }

  private boardPending = new Set<string>();
  private boardTimer: NodeJS.Timeout | undefined;

  private async flushBoard(): Promise<void> {
    this.boardTimer = undefined;
    const ids = [...this.boardPending];
    this.boardPending.clear();
    try {
      const orgs = await this.orm.em.fork().execute<{ organization_id: string }[]>(
        `select distinct organization_id from agent where id in (select jsonb_array_elements_text(?::jsonb)::uuid)`, [JSON.stringify(ids)]);
      const at = this.clock.now().toISOString();
      for (const o of orgs) this.pubSub.publish(Topic.AGENT_BOARD_CHANGED, o.organization_id, { at });
    } catch (err) {
      this.log.error({ err }, 'publishing the agent board failed');
    }
  }

  /**
   * Publishes a campaign's new state to every subscriber of its organisation (creation and every
   * status move, by a user or by the clock); call after the transaction commits. An entity in
   * hand is mapped at once, so quick successive moves each go out with their own status; an id
   * is loaded when its turn comes.
   */
  publishCampaign(target: CampaignEntity | { organizationId: string; campaignId: string }): void {
    const organizationId = target instanceof CampaignEntity ? target.organization.id : target.organizationId;
    const campaignId = target instanceof CampaignEntity ? target.id : target.campaignId;
    const snapshot = target instanceof CampaignEntity ? toCampaign(target, undefined) : undefined;
    this.campaignEvents = this.campaignEvents.then(async () => {
      try {
        const em = this.orm.em.fork();
        let campaign: Campaign | undefined = snapshot;
        if (!campaign) {
          const entity = await em.findOne(CampaignEntity, { id: campaignId, organization: organizationId });
          if (!entity) return;
          campaign = toCampaign(entity, undefined);
        }
        const rows = await new StatsRepository(em).counts(organizationId, [campaignId]);
        const stats = toStatsPayload(organizationId, campaignId, rows, this.clock.now());
        const payload: CampaignUpdatedPayload = {
          campaignId,
          organizationId,
          campaign: toCampaignJson({ ...campaign, performance: toRollup(stats.counts) }),
          publishedAt: this.clock.now().toISOString(),
        };
        this.pubSub.publish(Topic.CAMPAIGN_UPDATED, organizationId, payload);
        // the group's agents see the campaign's status on their consoles (issue 16: "running · dialling" after a pause)
        this.publishAgents(await new StatsRepository(em).groupAgents(campaignId));
      } catch (err) {
        this.log.error({ err, campaignId }, 'publishing a campaign update failed');
      }
    });
  }

  /** Creations and status moves of the actor's organisation's campaigns (no initial value: query `campaigns` first). */
  async subscribeCampaigns(scope: Scope): Promise<AsyncIterable<CampaignUpdatedPayload>> {
    const organizationId = scope.actor.organizationId;
    // agents hear only of campaigns of their groups (as of when they subscribed)
    const groups = await visibleGroupIds(scope);
    const events = this.pubSub.subscribe(Topic.CAMPAIGN_UPDATED, organizationId);
    // keyed by organisation already; the filter is a second check on the tenant
    return pipe(events, filter((e) => e.organizationId === organizationId && (!groups || groups.includes(e.campaign.groupId))));
  }

  /** Waits until every scheduled push has gone out (used at shutdown). */
  async drain(): Promise<void> {
    await this.campaignEvents;
    if (this.boardTimer) {
      clearTimeout(this.boardTimer);
      await this.flushBoard();
    }
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
      this.flushing = this.flushing.then(() => this.flush());
    }
    await this.flushing;
  }

  private async flush(): Promise<void> {
    const batch = [...this.pending];
    this.pending.clear();
    if (!batch.length) return;
    try {
      const em = this.orm.em.fork();
      const byOrg = new Map<string, string[]>();
      for (const [campaignId, { org }] of batch) byOrg.set(org, [...(byOrg.get(org) ?? []), campaignId]);
      const since = new Map(batch.map(([id, p]) => [id, p.since]));
      const now = this.clock.now();
      for (const [org, ids] of byOrg) {
        const rows = await new StatsRepository(em).counts(org, ids);
        for (const id of ids) this.pubSub.publish(Topic.CAMPAIGN_STATS_CHANGED, id, toStatsPayload(org, id, rows, now, since.get(id)));
      }
    } catch (err) {
      this.log.error({ err }, 'publishing campaign stats failed');
    }
  }

}

import type { MikroORM } from '@mikro-orm/postgresql';
import type { Clock } from '../clock.js';
import { CampaignStatus, CompletionReason } from '../domain/campaign-lifecycle.js';
import type { DialMode } from '../domain/campaign-options.js';
import { FOLLOWUP_LAUNCH_WINDOW_MS, LAUNCH_REQUEST_TTL_MS } from '../domain/followups.js';
import { transition } from '../domain/number-machine.js';
import { NumberState } from '../domain/number-state.js';
import type { Logger } from '../logger.js';
import { DialerRepository, policyOf, snapshotOf, type CampaignRow } from './dialer.repository.js';
import type { DialerEvents } from './events.js';

/**
 * Moves campaigns by the clock: SCHEDULED -> RUNNING at their start time; RUNNING or PAUSED ->
 * COMPLETED at their end time (30 days at most), and RUNNING -> COMPLETED once a finite campaign has
 * no new or retry number left and no call in progress (seed 004), marking undialled numbers FAILED_NO_ATTEMPT.
 * Expires preview followups nobody launched within 5 minutes of their time (seed 002).
 * Each move is a conditional update (or skips rows another pass holds), so several instances may run it at once safely.
 */
export class CampaignScheduler {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;

  constructor(
    private readonly orm: MikroORM,
    private readonly clock: Clock,
    private readonly events: DialerEvents,
    private readonly log: Logger,
  ) {}

  start(intervalMs = 1000): void {
    this.timer = setInterval(() => void this.tick(), intervalMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }

  /** One pass; concurrent calls share the pass in flight. */
  tick(): Promise<void> {
    this.running ??= this.pass().finally(() => (this.running = undefined));
    return this.running;
  }

  /** Completes a campaign if it is still running or paused (a conditional update, so concurrent passes are safe). */
  private async complete(c: { id: string; organization_id: string }, reason: CompletionReason, now: Date): Promise<void> {
    const em = this.orm.em.fork();
    const completed = await em.transactional(async (tx) => {
      const statuses = reason === CompletionReason.LIST_EXHAUSTED ? [CampaignStatus.RUNNING] : [CampaignStatus.RUNNING, CampaignStatus.PAUSED];
      const rows: unknown[] = await tx.execute(
        `update campaign set status = ?, completed_at = ?, completion_reason = ?, updated_at = ?
          where id = ? and status in (select jsonb_array_elements_text(?::jsonb)) returning id`,
        [CampaignStatus.COMPLETED, now, reason, now, c.id, JSON.stringify(statuses)],
      );
      if (!rows.length) return false;
      const failed = await new DialerRepository(tx).failUnattempted(c.id, now);
      this.log.info({ campaignId: c.id, reason, failedNoAttempt: failed }, 'campaign completed');
      return true;
    });
    this.events.campaignChanged(c.organization_id, c.id);
    if (completed) this.events.campaignStatusChanged(c.organization_id, c.id);
  }

  /**
   * Seed 002: a followup its owner has not launched within 5 minutes of its time expires (EXPIRED, and
   * INCOMPATIBLE_CHANNEL_TYPE outside PREVIEW campaigns). One the owner launched in time is left to
   * the runner, unless the dialler could not place it for {@link LAUNCH_REQUEST_TTL_MS}.
   */
  private async expireFollowups(now: Date): Promise<void> {
    const em = this.orm.em.fork();
    const due: { id: string }[] = await em.execute(
      `select n.id from campaign_number n
        where n.followup_time_zone is not null and n.state in ('SCHEDULED', 'RETRY') and n.next_attempt_at <= ?
          and not exists (select 1 from agent a where a.launch_number_id = n.id and a.launch_requested_at > ?)
        order by n.next_attempt_at limit 1000`,
      [new Date(now.getTime() - FOLLOWUP_LAUNCH_WINDOW_MS), new Date(now.getTime() - LAUNCH_REQUEST_TTL_MS)],
    );
    if (!due.length) return;
    const touched = await em.transactional(async (tx) => {
      const repo = new DialerRepository(tx);
      const rows = await repo.lockWaitingNumbers(due.map((r) => r.id));
      const campaigns = new Map<string, CampaignRow>();
      const updates = [];
      for (const n of rows) {
        const c = campaigns.get(n.campaign_id) ?? (await repo.campaign(n.campaign_id))!;
        campaigns.set(c.id, c);
        updates.push({ id: n.id, t: transition(snapshotOf(n), { type: 'EXPIRED' }, { mode: c.dial_mode as DialMode, policy: policyOf(c), now, campaignCompleted: false }) });
      }
      await repo.saveNumbers(updates, now);
      const owners = await repo.dropExpiredLaunches(rows.map((n) => n.id), 'Your followup expired before the dialler could place it (5 minutes after its time)');
      return { campaigns: [...campaigns.values()], owners: [...new Set([...rows.map((n) => n.owner_agent_id).filter((a): a is string => !!a), ...owners])], count: rows.length };
    });
    if (touched.count) this.log.info({ expired: touched.count }, 'followups expired: not launched within 5 minutes of their time');
    for (const c of touched.campaigns) this.events.campaignChanged(c.organization_id, c.id);
    if (touched.owners.length) this.events.agentsChanged(touched.owners);
  }

  private async pass(): Promise<void> {
    const now = this.clock.now();
    try {
      const em = this.orm.em.fork();

      const started: { id: string; organization_id: string }[] = await em.execute(
        `update campaign set status = ?, updated_at = ? where status = ? and starts_at <= ? returning id, organization_id`,
        [CampaignStatus.RUNNING, now, CampaignStatus.SCHEDULED, now],
      );
      for (const c of started) {
        this.log.info({ campaignId: c.id }, 'campaign started (start time reached)');
        this.events.campaignChanged(c.organization_id, c.id);
        this.events.campaignStatusChanged(c.organization_id, c.id);
      }
      const expired: { id: string; organization_id: string }[] = await em.execute(
        `select id, organization_id from campaign where status in (?, ?) and ends_at is not null and ends_at <= ?`,
        [CampaignStatus.RUNNING, CampaignStatus.PAUSED, now],
      );
      for (const c of expired) await this.complete(c, CompletionReason.END_TIME, now);
      // Seed 004: a finite running campaign with no new or retry number left and no call in progress is complete
      // (one fed by a dial-whom URL once the URL said its last page).
      const exhausted: { id: string; organization_id: string }[] = await em.execute(
        `select c.id, c.organization_id from campaign c
          where c.status = ? and c.ends_at is not null
            and not exists (select 1 from campaign_state_count s where s.campaign_id = c.id and s.count > 0 and s.state in (?, ?, ?, ?))
            and (c.dial_whom_url is null or exists (select 1 from campaign_integration i where i.campaign_id = c.id and i.kind = 'DIAL_WHOM' and i.done))`,
        [CampaignStatus.RUNNING, NumberState.SCHEDULED, NumberState.RETRY, NumberState.IN_PROGRESS, NumberState.RETRYING],
      );
      for (const c of exhausted) await this.complete(c, CompletionReason.LIST_EXHAUSTED, now);
      await this.expireFollowups(now);
    } catch (err) {
      this.log.error({ err }, 'campaign scheduler pass failed');
    }
  }
}

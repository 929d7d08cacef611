import type { MikroORM } from '@mikro-orm/postgresql';
import type { Clock } from '../clock.js';
import { CampaignStatus, CompletionReason } from '../domain/campaign-lifecycle.js';
import { NumberState } from '../domain/number-state.js';
import type { Logger } from '../logger.js';
import { DialerRepository } from './dialer.repository.js';
import type { DialerEvents } from './events.js';

/**
 * Moves campaigns by the clock: SCHEDULED -> RUNNING at their start time; RUNNING or PAUSED ->
 * COMPLETED at their end time (30 days at most), and RUNNING -> COMPLETED once a finite campaign has
 * no new or retry number left and no call in progress (seed 004), marking undialled numbers FAILED_NO_ATTEMPT.
 * Each move is a conditional update, so several instances may run it at once safely.
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
      // Seed 004: a finite running campaign with no new or retry number left and no call in progress is complete.
      const exhausted: { id: string; organization_id: string }[] = await em.execute(
        `select c.id, c.organization_id from campaign c
          where c.status = ? and c.ends_at is not null
            and not exists (select 1 from campaign_state_count s where s.campaign_id = c.id and s.count > 0 and s.state in (?, ?, ?, ?))`,
        [CampaignStatus.RUNNING, NumberState.SCHEDULED, NumberState.RETRY, NumberState.IN_PROGRESS, NumberState.RETRYING],
      );
      for (const c of exhausted) await this.complete(c, CompletionReason.LIST_EXHAUSTED, now);
    } catch (err) {
      this.log.error({ err }, 'campaign scheduler pass failed');
    }
  }
}

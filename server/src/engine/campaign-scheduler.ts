import type { MikroORM } from '@mikro-orm/postgresql';
import type { Clock } from '../clock.js';
import { CampaignStatus } from '../domain/campaign-lifecycle.js';
import type { Logger } from '../logger.js';
import { DialerRepository } from './dialer.repository.js';
import type { DialerEvents } from './events.js';

/**
 * Moves campaigns by the clock: SCHEDULED -> RUNNING at their start time; RUNNING or PAUSED ->
 * COMPLETED at their end time (30 days at most), marking undialled numbers FAILED_NO_ATTEMPT.
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
      for (const c of expired) {
        const completed = await em.transactional(async (tx) => {
          const rows: unknown[] = await tx.execute(
            `update campaign set status = ?, completed_at = ?, updated_at = ? where id = ? and status in (?, ?) returning id`,
            [CampaignStatus.COMPLETED, now, now, c.id, CampaignStatus.RUNNING, CampaignStatus.PAUSED],
          );
          if (!rows.length) return false;
          const failed = await new DialerRepository(tx).failUnattempted(c.id, now);
          this.log.info({ campaignId: c.id, failedNoAttempt: failed }, 'campaign completed (end time reached)');
          return true;
        });
        this.events.campaignChanged(c.organization_id, c.id);
        if (completed) this.events.campaignStatusChanged(c.organization_id, c.id);
      }
    } catch (err) {
      this.log.error({ err }, 'campaign scheduler pass failed');
    }
  }
}

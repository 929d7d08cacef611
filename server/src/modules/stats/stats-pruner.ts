import type { MikroORM } from '@mikro-orm/postgresql';
import type { Clock } from '../../clock.js';
import type { Logger } from '../../logger.js';

const DAY_MS = 86_400_000;
/** Rows deleted per statement: short transactions, however much there is to prune. */
const BATCH = 10_000;

/**
 * Deletes per-minute campaign statistics (`campaign_minute_stat`: the timeline's occupancy samples and the rolling
 * 24-hour call counters) older than the retention (STATS_MINUTE_RETENTION_DAYS, at least 2: the rolling 24 hours
 * read minute rows up to two UTC days back). Daily counters (the 30-day window) and call legs are kept. Every
 * instance may run it: deleting what another already deleted is harmless.
 */
export class StatsPruner {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<number> | undefined;

  constructor(
    private readonly orm: MikroORM,
    private readonly clock: Clock,
    private readonly log: Logger,
    private readonly retentionDays: number,
  ) {}

  /** Prunes once a minute after start, then every `everyMs`. */
  start(everyMs = 3_600_000): void {
    const first = setTimeout(() => void this.prune(), 60_000);
    first.unref();
    this.timer = setInterval(() => void this.prune(), everyMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.running?.catch(() => undefined);
  }

  /** Deletes the minute rows older than the retention; resolves with how many went. A pass in flight is shared. */
  prune(): Promise<number> {
    this.running ??= (async () => {
      const before = new Date(this.clock.now().getTime() - this.retentionDays * DAY_MS);
      let total = 0;
      try {
        for (;;) {
          const res = await this.orm.em.fork().getConnection().execute(
            `delete from campaign_minute_stat where ctid in (select ctid from campaign_minute_stat where minute < ? limit ${BATCH})`, [before], 'run');
          const n = (res as unknown as { affectedRows: number }).affectedRows;
          total += n;
          if (n < BATCH) break;
        }
        if (total) this.log.info({ rows: total, before }, 'pruned per-minute campaign statistics');
      } catch (err) {
        this.log.error({ err }, 'pruning per-minute statistics failed');
      }
      return total;
    })().finally(() => (this.running = undefined));
    return this.running;
  }
}

import type { MikroORM } from '@mikro-orm/postgresql';
import type { Clock, Timer } from '../clock.js';
import type { DialMode } from '../domain/campaign-options.js';
import { transition } from '../domain/number-machine.js';
import type { Logger } from '../logger.js';
import type { StatsService } from '../modules/stats/stats.service.js';
import type { LegEvent, TelephonyPort } from '../telephony/port.js';
import { CampaignRunner, type RunnerSnapshot } from './campaign-runner.js';
import { DialerRepository, policyOf, snapshotOf } from './dialer.repository.js';
import type { LeaseManager } from './lease.js';
import { PacingPool } from './pacing-pool.js';
import { WorkTracker } from './work-tracker.js';

export interface EngineOptions {
  orm: MikroORM;
  clock: Clock;
  port: TelephonyPort;
  stats: StatsService;
  log: Logger;
  leases: LeaseManager;
  /** Unique per process; stamped on every leg this process places. */
  instanceId: string;
  /** True when this is the only instance (no Redis): every live leg in the database was ours. */
  soleInstance: boolean;
  /** Called after each tick with every owned campaign's pacing snapshot. */
  onSnapshot?: (campaignId: string, snapshot: RunnerSnapshot) => void;
  /** @default 1000 */
  tickMs?: number;
}

const LEASE_TTL_MS = 5_000;

/**
 * Runs the campaigns this instance owns: a tick every second (on the injected clock) gives each
 * owned campaign's runner a turn; leg events from the telephony port are routed to the runner
 * that placed the leg. At start it reconciles what a crash may have left behind.
 */
export class DialerEngine {
  readonly tracker = new WorkTracker();
  private readonly runners = new Map<string, CampaignRunner>();
  private readonly legRoutes = new Map<string, CampaignRunner>();
  private readonly pool = new PacingPool(1);
  private timer: Timer | undefined;
  private stopped = false;
  private ticking: Promise<void> | undefined;
  /** Durations of the last 2,000 passes, ms (for benchmarks and health). */
  readonly tickDurations: number[] = [];

  constructor(private readonly o: EngineOptions) {
    o.port.onEvent((e) => void this.tracker.track(this.route(e)));
  }

  /** Reconciles, then ticks until stopped. */
  async start(): Promise<void> {
    await this.reconcile();
    this.schedule();
  }

  /** Resolves when no engine work is in flight (virtual-time tests settle on it). */
  idle(): Promise<void> {
    return this.tracker.idle();
  }

  /** One pass over the campaigns (also driven directly by tests). */
  tick(): Promise<void> {
    this.ticking ??= this.tracker.track(this.pass()).finally(() => (this.ticking = undefined));
    return this.ticking;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.o.clock.clearTimeout(this.timer);
    await this.ticking;
    await Promise.all([...this.runners.values()].map((r) => r.stop()));
    await Promise.all([...this.runners.keys()].map((id) => this.o.leases.release(`campaign:${id}`).catch(() => undefined)));
    await this.o.port.close();
    await this.pool.close();
  }

  /** Owned campaigns' pacing snapshots (for the wallboard). */
  snapshot(campaignId: string): RunnerSnapshot | undefined {
    return this.runners.get(campaignId)?.snapshot();
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = this.o.clock.setTimeout(() => {
      void this.tick().finally(() => this.schedule());
    }, this.o.tickMs ?? 1000);
  }

  private async pass(): Promise<void> {
    const started = performance.now();
    try {
      const repo = new DialerRepository(this.o.orm.em.fork());
      const ids = new Set((await repo.runningCampaignIds()).map((r) => r.id));
      for (const id of [...this.runners.keys()]) if (!ids.has(id) && !this.runners.get(id)!.busy) await this.drop(id);
      for (const id of new Set([...ids, ...this.runners.keys()])) {
        if (this.stopped) return;
        if (!(await this.o.leases.acquire(`campaign:${id}`, LEASE_TTL_MS))) {
          if (this.runners.has(id)) await this.drop(id); // another instance took over
          continue;
        }
        let runner = this.runners.get(id);
        if (!runner) {
          runner = new CampaignRunner(id, {
            ...this.o,
            pool: this.pool,
            tracker: this.tracker,
            routeLeg: (legId, r) => (r ? this.legRoutes.set(legId, r) : this.legRoutes.delete(legId)),
          });
          this.runners.set(id, runner);
        }
        await runner.tick();
        this.o.onSnapshot?.(id, runner.snapshot());
      }
    } catch (err) {
      this.o.log.error({ err }, 'dialer tick failed');
    } finally {
      this.tickDurations.push(performance.now() - started);
      if (this.tickDurations.length > 2000) this.tickDurations.shift();
    }
  }

  private async drop(id: string): Promise<void> {
    await this.runners.get(id)?.stop();
    this.runners.delete(id);
    await this.o.leases.release(`campaign:${id}`).catch(() => undefined);
  }

  private async route(e: LegEvent): Promise<void> {
    const runner = this.legRoutes.get(e.legId);
    if (runner) await runner.onLegEvent(e);
    else this.o.log.debug({ legId: e.legId, type: e.type }, 'event for an unknown leg');
  }

  /**
   * After a crash: legs this instance left live are closed (the calls died with the process), and
   * numbers left IN_PROGRESS/RETRYING with no live leg go back to SCHEDULED/RETRY without using an
   * attempt. Nothing is lost, nothing is dialled twice at once, no cap moves.
   */
  private async reconcile(): Promise<void> {
    const em = this.o.orm.em.fork();
    const now = this.o.clock.now();
    const repo = new DialerRepository(em);
    const orphans = await repo.orphanLegs(this.o.soleInstance ? null : this.o.instanceId);
    if (orphans.length) {
      await em.execute(
        `update call_leg set status = case when status = 'QUEUED' then 'CANCELLED' else 'FAILED' end, cause = 'INSTANCE_RESTARTED', ended_at = ?
          where status in ('QUEUED','RINGING','ANSWERED') ${this.o.soleInstance ? '' : 'and instance_id = ?'}`,
        this.o.soleInstance ? [now] : [now, this.o.instanceId],
      );
    }
    let recovered = 0;
    for (const n of await repo.strandedNumbers()) {
      await em.transactional(async (tx) => {
        const r = new DialerRepository(tx);
        const row = await r.lockNumber(n.id);
        const c = await r.campaign(n.campaign_id);
        if (!row || !c || (row.state !== 'IN_PROGRESS' && row.state !== 'RETRYING')) return;
        const t = transition(snapshotOf(row), { type: 'RECOVERED' }, { mode: c.dial_mode as DialMode, policy: policyOf(c), now, campaignCompleted: c.status === 'COMPLETED' });
        await r.saveNumber(n.id, t, now);
        recovered++;
      });
      this.o.stats.publish(n.organization_id, n.campaign_id);
    }
    // Agents' legs died too; runners dial them again while they are still in a campaign.
    if (this.o.soleInstance) await em.execute(`update agent set state = 'OFFLINE', state_changed_at = ? where state <> 'OFFLINE'`, [now]);
    if (orphans.length || recovered) this.o.log.warn({ legsClosed: orphans.length, numbersRecovered: recovered }, 'reconciled calls left by a previous run');
  }
}

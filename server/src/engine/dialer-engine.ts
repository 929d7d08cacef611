import type { MikroORM } from '@mikro-orm/postgresql';
import type { Clock, Timer } from '../clock.js';
import type { Logger } from '../logger.js';
import type { DialerEvents } from './events.js';
import type { LegEvent, TelephonyPort } from '../telephony/port.js';
import { CampaignRunner } from './campaign-runner.js';
import type { RunnerSnapshot } from './events.js';
import type { LegSink } from './runner-model.js';
import { DialerRepository } from './dialer.repository.js';
import { closeOrphanLegs, settleStrandedNumbers } from './orphans.js';
import type { LeaseManager } from './lease.js';
import { PacingPool } from './pacing-pool.js';
import { BatchPacing } from './batch-pacing.js';
import type { PaceRequest } from './modes/index.js';
import { WorkTracker } from './work-tracker.js';
import type { TrunkBreakerOptions } from './trunk-breaker.js';

export interface EngineOptions {
  orm: MikroORM;
  clock: Clock;
  port: TelephonyPort;
  events: DialerEvents;
  log: Logger;
  leases: LeaseManager;
  /** Unique per process; stamped on every leg this process places. */
  instanceId: string;
  /** True when this is the only instance (no Redis): every live leg in the database was ours. */
  soleInstance: boolean;
  /** @default 1000 */
  tickMs?: number;
  /** When a campaign stops dialling because its calls fail in the network (see TrunkBreaker). */
  trunkBreaker?: TrunkBreakerOptions;
}

const LEASE_TTL_MS = 5_000;
/**
 * Leases are renewed on the wall's clock this often, apart from the passes: a pass slowed down by a loaded machine
 * must not let a lease lapse while its runner is still dialling. An instance also beats this often, so a lease's
 * new owner can tell a live instance's calls from a dead one's.
 */
const LEASE_RENEW_MS = 1_000;
/** An instance that has not beaten for this long is dead: its calls died with it (a stalled one is given time). */
const INSTANCE_ALIVE_MS = 10_000;
/** A lease is taken to be ours until this long before Redis would let it go (the renewal's round trip). */
const LEASE_MARGIN_MS = 500;
/** How often legs are checked against the provider and the database, and idle agents' states. */
const RECONCILE_EVERY_MS = 30_000;

/**
 * Runs the campaigns this instance owns: a tick every second (on the injected clock) gives each
 * owned campaign's runner a turn; leg events from the telephony port are routed to the runner
 * that placed the leg. At start it reconciles what a crash may have left behind.
 */
export class DialerEngine {
  readonly tracker = new WorkTracker();
  private readonly runners = new Map<string, CampaignRunner>();
  private readonly legRoutes = new Map<string, LegSink>();
  private readonly pool = new PacingPool(1);
  private readonly batch = new BatchPacing(this.pool);
  private timer: Timer | undefined;
  private stopped = false;
  private ticking: Promise<void> | undefined;
  private lastReconcile = 0;
  private hurried = false;
  /** Wall time (ms) until which each campaign's lease is surely this instance's. */
  private readonly leaseUntil = new Map<string, number>();
  /** Runners whose lease another instance took: they launch nothing and finish their calls, then stop. */
  private readonly leaving = new Map<string, CampaignRunner>();
  private renewTimer: NodeJS.Timeout | undefined;
  private renewing: Promise<void> | undefined;
  /** Passes, batched pacing calls and the campaigns they paced, and the hoppers' work (benchmarks and tests read it). */
  readonly stats = { passes: 0, pacingBatches: 0, pacedCampaigns: 0 };
  /** Durations of the last 2,000 passes, ms (for benchmarks and health). */
  readonly tickDurations: number[] = [];

  constructor(private readonly o: EngineOptions) {
    o.port.onEvent((e) => void this.tracker.track(this.route(e)));
  }

  /** Reconciles, then ticks until stopped. */
  async start(): Promise<void> {
    await this.o.leases.heartbeat(INSTANCE_ALIVE_MS);
    await this.reconcile();
    this.renewTimer = setInterval(() => void (this.renewing ??= this.renew().finally(() => (this.renewing = undefined))), LEASE_RENEW_MS);
    this.renewTimer.unref();
    this.schedule();
  }

  /** Takes or renews a campaign's lease and notes until when it is surely ours. */
  private async acquireLease(id: string): Promise<boolean> {
    const sent = Date.now();
    const ok = await this.o.leases.acquire(`campaign:${id}`, LEASE_TTL_MS);
    if (ok) this.leaseUntil.set(id, sent + LEASE_TTL_MS - LEASE_MARGIN_MS);
    else this.leaseUntil.delete(id);
    return ok;
  }

  /** Whether the campaign's lease is surely this instance's right now (the fence before every dial). */
  private holdsLease(id: string): boolean {
    return this.o.soleInstance || (this.leaseUntil.get(id) ?? 0) > Date.now();
  }

  /** The wall-clock renewal of every held lease, and this instance's heartbeat. */
  private async renew(): Promise<void> {
    try {
      await this.o.leases.heartbeat(INSTANCE_ALIVE_MS);
      for (const id of [...this.runners.keys()]) if (!this.stopped) await this.acquireLease(id);
    } catch (err) {
      this.o.log.warn({ err: (err as Error).message }, 'renewing campaign leases failed');
    }
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

  /**
   * Stops the engine. With `drainMs` (a graceful stop): nothing new is launched, calls in flight may
   * finish for up to `drainMs`, then what is left is hung up as interrupted, every leg is closed, the
   * agents go OFFLINE and no number is left IN_PROGRESS, so the next start has nothing to reconcile.
   */
  async stop(drainMs = 0): Promise<void> {
    this.stopped = true;
    this.o.clock.clearTimeout(this.timer);
    clearInterval(this.renewTimer);
    await this.renewing;
    await this.ticking;
    const runners = [...this.runners.values(), ...this.leaving.values()];
    await Promise.all(runners.map((r) => r.beginDrain()));
    const deadline = this.o.clock.now().getTime() + drainMs;
    while (runners.some((r) => r.callsInFlight > 0) && this.o.clock.now().getTime() < deadline && !this.hurried) {
      await new Promise<void>((resolve) => this.o.clock.setTimeout(resolve, Math.min(250, drainMs)));
    }
    const left = runners.reduce((n, r) => n + r.callsInFlight, 0);
    await Promise.all(runners.map((r) => r.cutAll('SHUTDOWN')));
    await Promise.all(runners.map((r) => r.closeRemaining('SHUTDOWN')));
    await this.tracker.idle();
    // anything this instance placed that no runner held (a failed handler) is closed too
    const swept = await closeOrphanLegs(this.orphanDeps(), { instanceId: this.o.soleInstance ? null : this.o.instanceId }, 'SHUTDOWN');
    if (this.o.soleInstance) swept.numbers += await settleStrandedNumbers(this.orphanDeps());
    if (left || swept.legs || swept.numbers) this.o.log.warn({ callsCut: left, ...swept }, 'shutdown ended calls still in flight');
    await Promise.all(runners.map((r) => r.stop()));
    await Promise.all([...this.runners.keys()].map((id) => this.o.leases.release(`campaign:${id}`).catch(() => undefined)));
    await this.o.port.close();
    await this.pool.close();
  }

  /** Ends a graceful stop's drain at once (a second Ctrl-C): calls still up are ended as interrupted. */
  hurry(): void {
    this.hurried = true;
  }

  private orphanDeps() {
    return { orm: this.o.orm, clock: this.o.clock, log: this.o.log, events: this.o.events };
  }

  /** What an owned campaign's hopper has done (loads, incremental syncs, indexed refills). */
  hopperStats(campaignId: string): CampaignRunner['hopperStats'] | undefined {
    return this.runners.get(campaignId)?.hopperStats;
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
      const paced: { runner: CampaignRunner; request: PaceRequest }[] = [];
      const ticked: CampaignRunner[] = [];
      for (const id of new Set([...ids, ...this.runners.keys()])) {
        if (this.stopped) return;
        if (this.leaving.has(id)) continue; // finishing its calls after losing the lease
        // a held lease is renewed by the wall-clock timer, not on every pass (one Redis round trip per campaign saved)
        if (!(this.runners.has(id) && this.holdsLease(id)) && !(await this.acquireLease(id))) {
          if (this.runners.has(id)) await this.lose(id); // another instance took over
          continue;
        }
        let runner = this.runners.get(id);
        if (!runner) {
          runner = new CampaignRunner(id, {
            ...this.o,
            pool: this.pool,
            tracker: this.tracker,
            routeLeg: (legId, r) => (r ? this.legRoutes.set(legId, r) : this.legRoutes.delete(legId)),
            holdsLease: () => this.holdsLease(id),
            aliveInstances: (ids) => this.o.leases.alive(ids),
          });
          this.runners.set(id, runner);
        }
        const request = await runner.tick();
        if (request) paced.push({ runner, request });
        else ticked.push(runner);
      }
      // Every owned predictive campaign is paced in one batch (one worker trip), then dials what it got.
      if (paced.length) {
        const decided = await this.batch.decide(paced.map((p) => p.request), this.o.clock.now().getTime());
        this.stats.pacingBatches++;
        this.stats.pacedCampaigns += paced.length;
        for (const [i, { runner }] of paced.entries()) {
          await runner.launch(decided[i]!.decision, decided[i]!.next);
          ticked.push(runner);
        }
      }
      for (const runner of ticked) {
        const id = runner.campaignId;
        void this.tracker.track(this.o.events.campaignTicked(id, { ...runner.snapshot(), worked: runner.takeWorked() })).catch((err) => this.o.log.error({ err, campaignId: id }, 'live figures failed'));
      }
      await this.releaseLeft();
      await this.reconcileLive();
    } catch (err) {
      this.o.log.error({ err }, 'dialer tick failed');
    } finally {
      this.stats.passes++;
      this.tickDurations.push(performance.now() - started);
      if (this.tickDurations.length > 2000) this.tickDurations.shift();
    }
  }

  private async drop(id: string): Promise<void> {
    await this.runners.get(id)?.stop();
    this.runners.delete(id);
    this.leaseUntil.delete(id);
    await this.o.leases.release(`campaign:${id}`).catch(() => undefined);
  }

  /**
   * Another instance took the campaign (this one's lease lapsed): its runner launches nothing more but finishes
   * the calls it has up, whose events still come back to it (the new owner leaves a live instance's calls alone),
   * then stops; its agents' nailed legs are hung up then, and the new owner dials them again.
   */
  private async lose(id: string): Promise<void> {
    const runner = this.runners.get(id)!;
    this.runners.delete(id);
    this.leaseUntil.delete(id);
    this.o.log.warn({ campaignId: id, callsInFlight: runner.callsInFlight }, 'campaign taken over by another instance: finishing its calls here');
    await runner.beginDrain();
    this.leaving.set(id, runner);
    await this.releaseLeft();
  }

  /** Runners that lost their campaign and have no call up any more stop; their agents' legs are hung up. */
  private async releaseLeft(): Promise<void> {
    for (const [id, runner] of [...this.leaving]) {
      if (runner.callsInFlight > 0) continue;
      this.leaving.delete(id);
      await runner.cutAll('TAKEN_OVER');
      await runner.stop();
    }
  }

  private async route(e: LegEvent): Promise<void> {
    const runner = this.legRoutes.get(e.legId);
    if (runner) await runner.onLegEvent(e);
    else this.o.log.debug({ legId: e.legId, type: e.type }, 'event for an unknown leg');
  }

  /**
   * After a crash: legs this instance left live are closed (the calls died with the process; without
   * Redis every live leg was this instance's), and the numbers behind them are settled by how far
   * their attempt got: a placed call counts against its budget, an answered customer is never
   * redialled blind (INTERRUPTED, to the agent who was talking). Agents go OFFLINE; runners dial
   * them again while they are still in a campaign.
   */
  private async reconcile(): Promise<void> {
    const d = this.orphanDeps();
    const closed = await closeOrphanLegs(d, { instanceId: this.o.soleInstance ? null : this.o.instanceId }, 'INSTANCE_RESTARTED');
    const settled = this.o.soleInstance ? await settleStrandedNumbers(d) : 0;
    if (this.o.soleInstance) {
      const em = this.o.orm.em.fork();
      await em.execute(`update agent set state = 'OFFLINE', state_changed_at = ? where state <> 'OFFLINE'`, [this.o.clock.now()]);
    }
    if (closed.legs || closed.numbers || settled) this.o.log.warn({ legsClosed: closed.legs, numbersSettled: closed.numbers + settled }, 'reconciled calls left by a previous run');
  }

  /**
   * Every {@link RECONCILE_EVERY_MS}: each owned campaign checks its legs against the provider's live
   * calls and the database, and agents shown busy with no campaign and no live leg go OFFLINE.
   */
  private async reconcileLive(): Promise<void> {
    const now = this.o.clock.now().getTime();
    if (now - this.lastReconcile < RECONCILE_EVERY_MS) return;
    this.lastReconcile = now;
    const active = await this.o.port.activeCalls();
    for (const runner of this.runners.values()) await runner.reconcile(active);
    const repo = new DialerRepository(this.o.orm.em.fork());
    const idle = await repo.idleAgentsOffline(this.o.clock.now());
    if (idle.length) {
      this.o.log.warn({ agents: idle }, 'agents shown busy with no campaign and no call: set OFFLINE');
      this.o.events.agentsChanged(repo.touchedAgents);
    }
  }
}

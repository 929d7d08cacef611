/*
 * Why this file is long (~1,000 lines): the runner is the single, serialised owner of one campaign's
 * agent sessions and legs. Claiming, placing, launched followups (one-off sessions), the three leg
 * handlers, the drain and the reconciliation all change that in-memory state inside one queue, and
 * splitting them over objects would let them run out of order. What is not that state lives elsewhere: session phases in
 * domain/agent-session.ts (pure), each dial mode in modes/, the model in runner-model.ts, SQL in
 * dialer.repository.ts.
 */
import { zonesOpen, type ControllerState } from '@dialer/pacing-core';
import { randomUUID } from 'node:crypto';
import { PHASE_SHOWS, sessionTransition, type SessionEvent, type SessionTransition } from '../domain/agent-session.js';
import type { DialMode } from '../domain/campaign-options.js';
import { completionText } from '../domain/campaign-lifecycle.js';
import { transition, type LegOutcome, type MachineContext, type NumberEvent } from '../domain/number-machine.js';
import type { LegStatus } from '../entities/call-leg.entity.js';
import type { LegEvent } from '../telephony/port.js';
import { DialerRepository, policyOf, snapshotOf, type AbandonWindow, type AgentRow, type CampaignRow, type NumberRow } from './dialer.repository.js';
import type { RunnerSnapshot } from './events.js';
import { Hopper } from './hopper.js';
import { MissedCallRepository, type TouchedCampaign } from './missed-call.repository.js';
import { OwnerPoolRepository } from './owner-pool.repository.js';
import { PredictivePacer, strategyFor, type DialModeStrategy, type DialingView, type PaceDecision, type PaceRequest, type PacingSituation } from './modes/index.js';
import { closeOrphanLegs } from './orphans.js';
import { NETWORK_CAUSES, TrunkBreaker } from './trunk-breaker.js';
import { OccupancyMeter, type WorkedTime } from './occupancy-meter.js';
import { ABANDON_GRACE_SEC, AGENT_MISS_COOLDOWN_SEC, LOST_LEG_GRACE_MS, SUPPRESSION_SWEEP_MS, type Leg, type RunnerDeps, type Session } from './runner-model.js';


/**
 * Dials one campaign. Only the instance holding the campaign's lease runs its runner. All work is
 * serialised on one queue (ticks and leg events never interleave), every state change commits
 * with its counters in one transaction, and an attempt's leg row is committed before the leg is placed.
 */
export class CampaignRunner {
  private readonly sessions = new Map<string, Session>();
  private readonly legs = new Map<string, Leg>();
  /** The agents' talk, wrap-up and logged-in time, measured as sessions move (the timeline's occupancy). */
  private readonly meter = new OccupancyMeter();
  private readonly hopper: Hopper;
  private queue: Promise<void> = Promise.resolve();
  private campaign: CampaignRow | undefined;
  /** Predictive pacing's state: what it learnt and decided (other modes only feed it). */
  private readonly pacer: PredictivePacer;
  private stopped = false;
  /** Shutting down: nothing new is launched (no claims, no agent legs); calls in flight go on. */
  private draining = false;
  /** The writes of the leg event being handled (one transaction per event), and what to tell once they commit. */
  private pending: ((repo: DialerRepository, now: Date) => Promise<unknown>)[] | undefined;
  private toTell: (() => void)[] = [];
  /** When this runner started (a lease just taken may still see the previous owner's last writes). */
  private readonly startedAt: number;
  private suppressionSweptAt = -Infinity;
  /** This tick's batched pacing decision, while a paced dial mode dials with it. */
  private paceDecision: PaceDecision | undefined;
  /** Stops calls to customers while they keep failing in the network (a trunk that refuses or is gone). */
  private readonly trunk: TrunkBreaker;

  constructor(
    readonly campaignId: string,
    private readonly d: RunnerDeps,
  ) {
    this.hopper = new Hopper(campaignId, d.pool);
    this.pacer = new PredictivePacer();
    this.trunk = new TrunkBreaker(d.trunkBreaker);
    this.startedAt = d.clock.now().getTime();
  }

  /** Serialises work for this campaign; errors are logged (the result is then undefined), never thrown into timers. */
  private enqueue<T = void>(work: () => Promise<T>): Promise<T | undefined> {
    const next = this.queue.then(work).catch((err): undefined => {
      this.d.log.error({ err, campaignId: this.campaignId }, 'campaign runner step failed');
    });
    this.queue = next.then(() => undefined);
    return this.d.tracker.track(next);
  }

  /**
   * The tick's first half: agents' sessions follow who is in the campaign, the hopper is brought up
   * to date, and modes that are not paced dial. A paced (predictive) campaign returns its pacing
   * request instead; the engine decides all of them in one batch and hands each decision to {@link launch}.
   */
  tick(): Promise<PaceRequest | undefined> {
    return this.enqueue(() => this.step());
  }

  /** The tick's second half for a paced campaign: dials what the batch decided (if the campaign still dials). */
  launch(decision: PaceDecision, next: ControllerState): Promise<void> {
    return this.enqueue(async () => {
      this.pacer.decided(decision, next);
      const c = this.campaign;
      if (this.stopped || this.draining || !c || !this.dialling(c, this.d.clock.now())) return;
      this.paceDecision = decision;
      try {
        await this.dial(this.d.clock.now());
      } finally {
        this.paceDecision = undefined;
      }
    });
  }

  onLegEvent(e: LegEvent): Promise<void> {
    return this.enqueue(() => this.handle(e));
  }

  /** Live legs and sessions (the engine drops a runner once it has none and the campaign stopped). */
  get busy(): boolean {
    return this.legs.size > 0 || this.sessions.size > 0;
  }

  snapshot(): RunnerSnapshot {
    const customer = [...this.legs.values()].filter((l) => l.kind === 'CUSTOMER');
    return {
      hopperDepth: this.hopper.last.eligible,
      hopperDue: this.hopper.last.eligibleDue,
      removed: this.hopper.last.removed ? { ...this.hopper.last.removed } : null,
      pacingRatio: this.pacer.decision?.ratio ?? (this.campaign?.dial_mode === 'PREVIEW' ? 0 : 1),
      pacingReason: this.pacer.decision?.reason ?? (this.campaign ? this.strategy().idleReason : 'one customer call per ready agent'),
      pacingBoundBy: this.pacer.decision?.boundBy ?? null,
      ringing: customer.filter((l) => l.status === 'QUEUED' || l.status === 'RINGING').length,
      connected: customer.filter((l) => l.status === 'ANSWERED' && !l.graceTimer).length,
      waitingForAgent: customer.filter((l) => l.graceTimer).length,
      at: this.d.clock.now().toISOString(),
    };
  }

  /** The agents' busy and logged-in time in this campaign since the last call (once per tick: it goes to the timeline). */
  takeWorked(): WorkedTime {
    return this.meter.take(this.d.clock.now().getTime());
  }

  get hopperStats(): Hopper['stats'] {
    return { ...this.hopper.stats };
  }

  /** Calls that carry a number (customer legs, agent-first record legs) still up. */
  get callsInFlight(): number {
    let n = 0;
    for (const l of this.legs.values()) if (l.numberId) n++;
    return n;
  }

  /** Stops launching anything new; calls in flight go on (a graceful stop, step 1). */
  beginDrain(): Promise<void> {
    return this.enqueue(async () => {
      this.draining = true;
    });
  }

  /**
   * Ends every call still up (a graceful stop after its drain timeout, step 2): each is hung up as
   * interrupted, so an attempt placed counts and an answered customer waits for a person to follow up.
   */
  cutAll(cause: string): Promise<void> {
    return this.enqueue(async () => {
      this.draining = true;
      for (const leg of this.inOrder()) {
        if (leg.numberId) leg.interrupted = true;
        await this.hangup(leg.id, cause);
      }
    });
  }

  /**
   * Step 3: legs the provider never confirmed as ended are closed as interrupted anyway, and every
   * agent of a session goes OFFLINE (they stay in the campaign; the next start dials them again).
   */
  closeRemaining(cause: string): Promise<void> {
    return this.enqueue(async () => {
      for (const leg of this.inOrder()) {
        if (leg.numberId) leg.interrupted = true;
        await this.handle({ sid: leg.sid ?? '', legId: leg.id, type: leg.status === 'ANSWERED' ? 'HUNGUP' : 'FAILED', at: this.d.clock.now(), cause });
      }
      for (const s of [...this.sessions.values()]) {
        this.d.clock.clearTimeout(s.timer);
        this.sessions.delete(s.agentId);
        const t = this.move(s, { type: 'LEAVE' });
        await this.write((repo, now) => repo.setAgent(s.agentId, t.show!, now));
      }
    });
  }

  /** Legs in the order they are torn down: customers first, then agent-first records, then agents' own legs. */
  private inOrder(): Leg[] {
    const rank = (l: Leg) => (l.kind === 'CUSTOMER' ? 0 : l.numberId ? 1 : 2);
    return [...this.legs.values()].sort((a, b) => rank(a) - rank(b));
  }

  /**
   * Periodic reconciliation: a leg the provider no longer has is ended as lost (its handlers run as for
   * any end); a live leg in the database that this runner does not track is closed and its number
   * settled; agents' states follow their sessions. Each fix is logged.
   */
  reconcile(activeCalls: ReadonlySet<string>): Promise<void> {
    return this.enqueue(async () => {
      const now = this.d.clock.now();
      for (const leg of this.inOrder()) {
        if (!this.legs.has(leg.id) || !leg.sid || activeCalls.has(leg.sid) || now.getTime() - leg.placedAt < LOST_LEG_GRACE_MS) continue;
        this.d.log.warn({ campaignId: this.campaignId, legId: leg.id, sid: leg.sid, kind: leg.kind, status: leg.status }, 'the provider no longer has this call: ending it');
        if (leg.numberId) leg.interrupted = true;
        await this.handle({ sid: leg.sid, legId: leg.id, type: leg.status === 'ANSWERED' ? 'HUNGUP' : 'FAILED', at: now, cause: 'LOST' });
      }
      const repo = new DialerRepository(this.d.orm.em.fork());
      if (now.getTime() - this.startedAt >= LOST_LEG_GRACE_MS) {
        // a live leg placed by another instance that is still alive is that instance's call (it lost the
        // campaign and is finishing it): only a dead instance's legs are closed here
        const others = (await repo.liveLegs(this.campaignId)).filter((l) => !this.legs.has(l.id));
        const foreign = [...new Set(others.map((l) => l.instance_id).filter((id) => id !== this.d.instanceId))];
        const alive = this.d.aliveInstances ? await this.d.aliveInstances(foreign) : new Set<string>();
        const untracked = others.filter((l) => !alive.has(l.instance_id));
        for (const l of untracked) if (l.sid && activeCalls.has(l.sid)) await this.d.port.hangup(l.sid, 'RECONCILED').catch(() => undefined);
        if (untracked.length) {
          const fixed = await closeOrphanLegs(this.d, { ids: untracked.map((l) => l.id) }, 'RECONCILED');
          this.d.log.warn({ campaignId: this.campaignId, ...fixed }, 'closed live legs no runner tracked');
        }
      }
      const want = new Map([...this.sessions.values()].filter((s) => PHASE_SHOWS[s.phase]).map((s) => [s.agentId, PHASE_SHOWS[s.phase]!]));
      for (const a of await repo.agentStates([...want.keys()])) {
        const expected = want.get(a.id)!;
        if (a.state === expected) continue;
        this.d.log.warn({ campaignId: this.campaignId, agentId: a.id, shown: a.state, expected }, "agent state did not match the agent's session: corrected");
        await this.write((tx, at) => tx.setAgent(a.id, expected, at));
      }
    });
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.enqueue(async () => {
      for (const s of this.sessions.values()) this.d.clock.clearTimeout(s.timer);
      for (const l of this.legs.values()) this.d.clock.clearTimeout(l.graceTimer);
    });
  }

  /** How this campaign's dial mode dials. */
  private strategy(): DialModeStrategy {
    return strategyFor(this.campaign!.dial_mode as DialMode);
  }

  // ---------------------------------------------------------------- tick

  private dialling(c: CampaignRow, now: Date): boolean {
    return c.status === 'RUNNING' && now >= new Date(c.starts_at) && (!c.ends_at || now < new Date(c.ends_at));
  }

  private async step(): Promise<PaceRequest | undefined> {
    if (this.stopped || this.draining) return;
    const em = this.d.orm.em.fork();
    const repo = new DialerRepository(em);
    this.campaign = await repo.campaign(this.campaignId);
    const c = this.campaign;
    if (!c) return;
    const now = this.d.clock.now();
    const dialling = this.dialling(c, now);

    // Agents: who pressed Start and is still in the group (membership changes apply live), and who launched a followup here.
    const rows = c.status === 'COMPLETED' ? [] : await repo.activeAgents(c.id, c.group_id);
    const wanted = rows.filter((a) => a.in_campaign);
    const wantedIds = new Set(wanted.map((a) => a.id));
    for (const a of wanted) {
      if (this.sessions.get(a.id)?.oneOff) continue; // their followup call first; they join once it is over
      if (!this.sessions.has(a.id)) {
        if (this.d.holdsLease && !this.d.holdsLease()) continue; // no agent leg either without the lease
        await this.join(a.id, a.phone);
      }
      if (!this.sessions.has(a.id)) continue;
      const s = this.sessions.get(a.id)!;
      s.pauseRequested = a.pause_requested;
      // a launch dropped meanwhile (expired, or the campaign completed) no longer holds the agent back
      if (!a.launch_number_id) s.launch = undefined;
      if (a.end_call_requested || a.ready_requested) await this.agentAsked(s, a.end_call_requested, a.ready_requested);
      if (a.pause_requested && s.phase === 'READY' && !s.launch) await this.settle(s, this.move(s, { type: 'PAUSE' }));
      else if (!a.pause_requested && s.phase === 'PAUSED') await this.settle(s, this.move(s, { type: 'RESUME' }));
    }
    for (const a of rows) {
      const s = this.sessions.get(a.id);
      if (s?.oneOff && (a.end_call_requested || a.ready_requested)) await this.agentAsked(s, a.end_call_requested, a.ready_requested);
      // a launch whose call this runner no longer has (a restart, a lease taken over) frees the agent
      else if (!s?.oneOff && a.launch_campaign_id === c.id && !a.launch_number_id) await this.write((tx) => tx.endLaunch(a.id, null));
    }
    const completed = c.status === 'COMPLETED';
    for (const s of [...this.sessions.values()]) {
      if (s.oneOff ? !completed : wantedIds.has(s.agentId)) continue;
      await this.leave(s, completed, completed ? `${c.name}: ${completionText(c.completion_reason)}` : await repo.whyLeft(s.agentId, c));
    }
    if (completed) {
      // agents who pressed Start but had no session yet (the campaign was paused, or completed within the tick) leave too
      let released: string[] = [];
      const why = `${c.name}: ${completionText(c.completion_reason)}`;
      await this.write(async (tx, now) => {
        released = await tx.releaseAgents(c.id, [...this.sessions.keys()], why, now);
        await tx.dropLaunches(c.id, [...this.sessions.keys()], `Your followup was not launched: ${why}`);
      });
      if (released.length) this.tell(() => this.d.events.agentsChanged(released));
    }

    if (!dialling) return;
    await this.launchFollowups(rows);
    if (now.getTime() - this.suppressionSweptAt >= SUPPRESSION_SWEEP_MS) {
      this.suppressionSweptAt = now.getTime();
      await this.failSuppressed(repo);
      if (c.owner_pool?.releaseAfterMinutes) await this.releaseStalled(c.owner_pool.releaseAfterMinutes, now);
    }
    await this.hopper.refresh(em, now.getTime(), c.owner_pool !== null);
    if (this.strategy().paced) return this.pacer.request(c, await this.situation(now));
    await this.dial(now);
  }

  private async join(agentId: string, phone: string): Promise<void> {
    const c = this.campaign!;
    const s: Session = { agentId, phone, phase: 'OFFLINE', readySince: this.d.clock.now().getTime() };
    this.sessions.set(agentId, s);
    // Seed 004: in progressive and predictive campaigns the agent's leg is dialled first and kept up ("nailed").
    const nailed = this.strategy().nailsAgentLeg;
    const t = this.move(s, { type: 'JOIN', nailed });
    if (nailed) {
      const legId = randomUUID();
      s.nailedLegId = legId;
      await this.write(async (repo, now) => {
        await repo.insertLeg({ id: legId, organizationId: c.organization_id, campaignId: c.id, numberId: null, agentId, kind: 'AGENT', to: phone, agentAttempt: 0, customerAttempt: 0, instanceId: this.d.instanceId, now });
        await repo.setAgent(agentId, t.show!, now);
      });
      await this.place({ id: legId, kind: 'AGENT', agentId, status: 'QUEUED', nailed: true, placedAt: this.d.clock.now().getTime() }, phone);
    } else {
      await this.write((repo, now) => repo.setAgent(agentId, t.show!, now));
    }
  }

  /**
   * Due followups their owners launched (issue 16, seed 002): each is placed as a preview call for its
   * owner, the agent's own phone first. An agent dialling in this campaign uses their session (their
   * line, if it is up, is the agent leg; a wrap-up, pause or cool-down in hand gives way); an agent
   * not dialling anywhere gets a session for this one call. An agent still in a call, or still
   * leaving another campaign, is served on a later tick.
   */
  private async launchFollowups(rows: AgentRow[]): Promise<void> {
    for (const a of rows) {
      if (!a.launch_number_id) continue;
      let s = this.sessions.get(a.id);
      if (s?.oneOff) continue;
      if (s) {
        s.launch = a.launch_number_id; // no other call for this agent meanwhile
        if (!['READY', 'PAUSED', 'COOLDOWN', 'WRAP_UP'].includes(s.phase) || s.leaving) continue;
      } else {
        if (a.active_campaign_id || a.state !== 'OFFLINE') continue;
        s = { agentId: a.id, phone: a.phone, phase: 'OFFLINE', readySince: this.d.clock.now().getTime(), oneOff: true };
        this.sessions.set(a.id, s);
        this.move(s, { type: 'JOIN', nailed: false }); // shown RINGING by the launch itself
      }
      await this.launchOne(s, a.launch_number_id);
    }
  }

  /** Places one launched followup for its owner's session; says on the console why when it cannot. */
  private async launchOne(s: Session, numberId: string): Promise<void> {
    s.launch = undefined;
    const { placed, why } = await this.claim([numberId], s, true);
    if (placed) return;
    await this.write((repo) => repo.endLaunch(s.agentId, `The followup was not launched: ${why ?? 'it is no longer waiting'}`));
    if (s.oneOff) await this.endOneOff(s);
  }

  /** A session kept for one launched followup ends once its call (and wrap-up) is over: the agent is back where they were. */
  private async endOneOff(s: Session): Promise<void> {
    this.d.clock.clearTimeout(s.timer);
    this.sessions.delete(s.agentId);
    const t = this.move(s, { type: 'LEAVE' });
    await this.write(async (repo, now) => {
      await repo.setAgent(s.agentId, t.show!, now);
      await repo.endLaunch(s.agentId, null);
    });
  }

  /** Ends an agent's session: at once when idle; after the call when `drain` (campaign completed). `why`: shown on the agent's console. */
  private async leave(s: Session, drain: boolean, why: string | null = null): Promise<void> {
    s.leaving = true;
    const inCall = s.customerLegId && this.legs.has(s.customerLegId);
    if (inCall && drain) return; // seed 004: calls in progress finish, then the agent's leg drops
    if (inCall) await this.withdraw(s.customerLegId!);
    if (s.recordLegId && this.legs.has(s.recordLegId)) await this.withdraw(s.recordLegId);
    if (s.nailedLegId && this.legs.has(s.nailedLegId)) await this.hangup(s.nailedLegId);
    if (s.oneOff) return this.endOneOff(s);
    this.d.clock.clearTimeout(s.timer);
    this.sessions.delete(s.agentId);
    const t = this.move(s, { type: 'LEAVE' });
    await this.write((repo, now) => repo.setAgent(s.agentId, t.show!, now, null, why));
  }

  /** Numbers a suppression entry covers become FAILED_DND (seed 004), rather than waiting forever. */
  private async failSuppressed(repo: DialerRepository): Promise<void> {
    const c = this.campaign!;
    const ids = await repo.suppressedWaiting(c.id);
    if (!ids.length) return;
    await this.write(async (tx, now) => {
      const rows = await tx.lockWaitingNumbers(ids.map((r) => r.id));
      // seed 002: a suppression entry is how a followup is called off (CANCELLED); other numbers fail as DND
      await tx.saveNumbers(rows.map((n) => ({ id: n.id, t: transition(snapshotOf(n), suppressedEvent(n), this.machine(now)) })), now);
    });
    this.tell(() => this.d.events.campaignChanged(c.organization_id, c.id));
  }

  /** Owner pools: callbacks stalled because their owner is away go to any agent of the group. */
  private async releaseStalled(afterMinutes: number, now: Date): Promise<void> {
    const c = this.campaign!;
    let released: { id: string; owner: string }[] = [];
    await this.write(async (repo, at) => {
      released = await new OwnerPoolRepository(repo.em).releaseStalled(c.id, new Date(now.getTime() - afterMinutes * 60_000), at);
    });
    if (!released.length) return;
    this.d.log.info({ campaignId: c.id, released: released.length, owners: [...new Set(released.map((r) => r.owner))] }, 'owned callbacks released to the group: their owners are away');
    this.tell(() => this.d.events.campaignChanged(c.organization_id, c.id));
  }

  private async dial(now: Date): Promise<void> {
    await this.strategy().dial(this.view(), now);
  }

  /** What the campaign's dial mode sees of this runner for one tick. */
  private view(): DialingView {
    const c = this.campaign!;
    const window = { startMinute: c.window_start_minute, endMinute: c.window_end_minute };
    const hopper = this.hopper;
    return {
      campaign: c,
      freeAgents: () => this.free(),
      next: (now, count, agentId) => this.hopper.next(now.getTime(), count, window, agentId),
      get hasOwned() {
        return hopper.hasOwned;
      },
      claim: async (ids, agent) => void (await this.claim(ids, agent ? this.sessions.get(agent.agentId) : undefined)),
      pace: () => this.paceDecision?.launch ?? 0,
    };
  }

  /** Predictive: what the pacer decides from (agents, calls in flight, the abandon windows). */
  private async situation(now: Date): Promise<PacingSituation> {
    // a session kept for one launched followup is not the campaign's to pace
    const sessions = [...this.sessions.values()].filter((s) => !s.oneOff);
    const nowMs = now.getTime();
    const ringing = [...this.legs.values()].filter((l) => l.kind === 'CUSTOMER' && l.status !== 'ANSWERED');
    return {
      readyAgents: this.free().length,
      talkingElapsedSec: sessions.filter((s) => s.phase === 'TALKING').map((s) => {
        const l = s.customerLegId ? this.legs.get(s.customerLegId) : undefined;
        return l?.answeredAt ? (nowMs - l.answeredAt.getTime()) / 1000 : 0;
      }),
      wrapElapsedSec: sessions.filter((s) => s.phase === 'WRAP_UP').map((s) => Math.max(0, nowMs - (s.wrapSince ?? nowMs)) / 1000),
      ringingElapsedSec: ringing.map((l) => (nowMs - l.placedAt) / 1000),
      ...(await this.abandonWindows()),
    };
  }

  /** Live answers and abandons over the rolling 24 hours and 30 days: both bound the pacer. */
  private async abandonWindows(): Promise<{ window24h: AbandonWindow; window30d: AbandonWindow }> {
    const { window24h, window30d } = await new DialerRepository(this.d.orm.em.fork()).callCounters(this.campaignId, this.d.clock.now(), 'Etc/UTC');
    return { window24h, window30d };
  }

  /**
   * Claims numbers and writes their leg rows in one transaction: locks the waiting ones (skipping
   * any another transaction holds), checks the guards again (calling window, suppression, balance,
   * campaign state) whatever the hopper said, applies the state machine, inserts the legs and the
   * counters; then places the legs. For an agent (progressive, agent-first) or the campaign pool
   * (predictive). In AGENT_FIRST_FLOW the leg placed is the agent's (seed 000).
   *
   * `preview`: one followup its owner launched (issue 16). Its agent leg comes first unless the
   * agent's line is already up (a nailed leg), whatever the dial mode; a booked followup is never
   * placed any other way. Returns how many legs were placed and, when none, why.
   */
  private async claim(ids: string[], s?: Session, preview = false): Promise<{ placed: number; why?: string }> {
    if (!ids.length || this.draining) return { placed: 0, why: 'the dialler is stopping' };
    // fenced: an instance whose lease ran out (a stalled pass) dials nothing; the campaign may be another's now
    if (this.d.holdsLease && !this.d.holdsLease()) return { placed: 0, why: 'another server is taking the campaign over' };
    const c = this.campaign!;
    const agentFirst = preview ? !s!.nailedLegId : this.strategy().agentLegFirst;
    // the trunk is taken to be down: no calls to customers but, after the wait, one probe (a launched followup still goes)
    const trunkGated = !agentFirst && !preview;
    if (trunkGated) {
      ids = ids.slice(0, this.trunk.allowance(this.d.clock.now().getTime(), ids.length));
      if (!ids.length) return { placed: 0, why: 'calls are failing in the network' };
    }
    const window = { startMinute: c.window_start_minute, endMinute: c.window_end_minute };
    const placed: { leg: Leg; to: string }[] = [];
    let why: string | undefined;
    await this.write(async (repo, at) => {
      const status = await repo.campaignStatus(c.id, true);
      if (status !== 'RUNNING') {
        why = `${c.name} is ${status?.toLowerCase() ?? 'gone'}`;
        return;
      }
      const rows = await repo.lockWaitingNumbers(ids);
      const { suppressed, balanceOk } = await repo.guardMany(c.organization_id, rows.map((r) => r.id));
      const updates: { id: string; t: ReturnType<typeof transition> }[] = [];
      const legs: Parameters<DialerRepository['insertLeg']>[0][] = [];
      for (const n of rows) {
        // the calling window must hold in every zone the number may be in (the most restrictive rule)
        if (zonesOpen([n.time_zones], at.getTime(), window)[0] !== 1) {
          why = "the calling window is closed in the customer's zone";
          continue;
        }
        // agent-owned records (followups) go to their owner only, even when the hopper is behind
        if (n.owner_agent_id && n.owner_agent_id !== s?.agentId) {
          why = 'it belongs to another agent';
          continue;
        }
        // a booked followup is a preview call in every mode: only its owner's launch places it
        const followup = n.followup_time_zone !== null;
        if (followup && !preview) continue;
        const refused = suppressed.has(n.id) ? 'DND' : !balanceOk ? 'BALANCE' : null;
        const t = transition(snapshotOf(n), refused === 'DND' ? suppressedEvent(n) : refused ? { type: 'GUARD_REFUSED', guard: refused } : { type: 'CLAIM', followup }, this.machine(at));
        updates.push({ id: n.id, t });
        // refused by a guard, or its budgets are spent (the machine failed it instead of claiming it)
        if (t.state !== 'IN_PROGRESS' && t.state !== 'RETRYING') {
          why = refused === 'DND' ? 'the number is on the suppression list (the followup is cancelled)' : refused ? 'the prepaid balance is used up' : 'its attempts are used up';
          continue;
        }
        const legId = randomUUID();
        const kind = agentFirst ? 'AGENT' : 'CUSTOMER';
        const to = agentFirst ? s!.phone : n.e164;
        legs.push({ id: legId, organizationId: c.organization_id, campaignId: c.id, numberId: n.id, agentId: s?.agentId ?? null, kind, to,
          agentAttempt: n.agent_attempts + 1, customerAttempt: n.customer_attempts + 1, instanceId: this.d.instanceId, now: at });
        placed.push({
          leg: { id: legId, kind, numberId: n.id, agentId: s?.agentId, status: 'QUEUED', placedAt: at.getTime(),
            preview: preview ? { dueAt: new Date(n.next_attempt_at ?? at), number: n.e164 } : undefined },
          to,
        });
      }
      if (preview && !rows.length) why = 'it is no longer waiting (launched, skipped, expired or cancelled meanwhile)';
      await repo.saveNumbers(updates, at);
      await repo.insertLegs(legs);
      if (legs.length && !agentFirst) await repo.bumpDay(c.organization_id, c.id, at, { dials: legs.length });
      const shows = legs.length && s ? sessionTransition(s.phase, this.claimEvent(preview, agentFirst), this.sessionContext(s)).show : null;
      if (shows) await repo.setAgent(s!.agentId, shows, at);
      // the launch is taken: a one-off session keeps its campaign on the agent until the call is over
      if (legs.length && preview) await (s!.oneOff ? repo.takeLaunch(s!.agentId) : repo.endLaunch(s!.agentId, null));
      for (const { id, t } of updates) this.hopper.mark(id, t.state, null);
    });
    this.tell(() => this.d.events.campaignChanged(c.organization_id, c.id));
    if (s && placed[0]) {
      if (preview) this.d.clock.clearTimeout(s.timer); // a wrap-up or cool-down in hand gives way
      this.move(s, this.claimEvent(preview, agentFirst));
      if (agentFirst) s.recordLegId = placed[0].leg.id;
      else s.customerLegId = placed[0].leg.id;
    }
    if (trunkGated && placed.length) this.trunk.placed();
    await this.placeAll(placed);
    return { placed: placed.length, why };
  }

  private claimEvent(preview: boolean, agentFirst: boolean): SessionEvent {
    return preview ? { type: 'LAUNCHED', agentFirst } : { type: 'CLAIMED', agentFirst };
  }

  /** Hands one leg whose row is committed to the telephony port. */
  private place(leg: Leg, to: string): Promise<void> {
    return this.placeAll([{ leg, to }]);
  }

  /**
   * Hands legs whose rows are committed to the telephony port, then records their provider ids in
   * one statement. A call that exists but could not be recorded is hung up rather than left untracked.
   */
  private async placeAll(items: { leg: Leg; to: string }[]): Promise<void> {
    const c = this.campaign!;
    await this.flush(); // the legs' rows first: a call never exists without its row
    const sids: { id: string; sid: string }[] = [];
    for (const { leg, to } of items) {
      this.legs.set(leg.id, leg);
      this.d.routeLeg(leg.id, this);
      try {
        const { sid } = await this.d.port.originate({
          legId: leg.id, kind: leg.kind, to, callerId: c.caller_id,
          ringTimeoutSec: leg.kind === 'AGENT' ? 30 : c.ring_timeout_seconds, detectMachine: leg.kind === 'CUSTOMER',
        });
        leg.sid = sid;
        sids.push({ id: leg.id, sid });
      } catch (err) {
        this.d.log.warn({ err: (err as Error).message, legId: leg.id }, 'originate failed');
        await this.handle({ sid: '', legId: leg.id, type: 'FAILED', at: this.d.clock.now(), cause: 'ORIGINATE_ERROR' });
      }
    }
    try {
      await this.write((repo) => repo.setSids(sids));
    } catch (err) {
      this.d.log.error({ err: (err as Error).message }, 'recording call ids failed; hanging up those calls');
      for (const { sid } of sids) await this.d.port.hangup(sid).catch(() => undefined);
    }
  }

  private async hangup(legId: string, cause?: string): Promise<void> {
    const leg = this.legs.get(legId);
    if (leg?.sid) await this.d.port.hangup(leg.sid, cause).catch((err) => this.d.log.warn({ err: (err as Error).message }, 'hangup failed'));
  }

  // ---------------------------------------------------------------- events

  /**
   * One leg event, one transaction: the writes its handlers make (end the leg, move the number, show
   * the agent, count it) are collected and committed together when the event is handled, or just
   * before a leg is placed (a leg row is always committed before its call exists). What changed is
   * told after the commit.
   */
  private async handle(e: LegEvent): Promise<void> {
    if (this.pending) return this.dispatch(e); // an event raised while handling another joins its transaction
    this.pending = [];
    try {
      await this.dispatch(e);
    } finally {
      await this.flush();
      this.pending = undefined;
    }
  }

  private async dispatch(e: LegEvent): Promise<void> {
    const leg = this.legs.get(e.legId);
    if (!leg) return;
    if (e.type === 'RINGING') {
      leg.status = 'RINGING';
      await this.write((repo) => repo.updateLeg(leg.id, { status: 'RINGING' }));
      return;
    }
    if (leg.nailed) return this.onNailedLeg(leg, e);
    if (leg.kind === 'AGENT') return this.onRecordAgentLeg(leg, e);
    return this.onCustomerLeg(leg, e);
  }

  /**
   * A leg's session still wants it: the agent is in this runner, the leg is the one the session
   * points at, and the agent is not leaving. Anything else is torn down rather than left up.
   */
  private owner(leg: Leg, slot: 'nailedLegId' | 'recordLegId' | 'customerLegId'): Session | undefined {
    const s = leg.agentId ? this.sessions.get(leg.agentId) : undefined;
    return s && s[slot] === leg.id && !s.leaving ? s : undefined;
  }

  private async onNailedLeg(leg: Leg, e: LegEvent): Promise<void> {
    switch (e.type) {
      case 'ANSWERED': {
        leg.status = 'ANSWERED';
        leg.answeredAt = e.at;
        const s = this.owner(leg, 'nailedLegId');
        const t = s ? this.move(s, { type: 'AGENT_LEG_ANSWERED' }) : undefined;
        await this.write(async (repo, now) => {
          await repo.updateLeg(leg.id, { status: 'ANSWERED', answeredAt: e.at });
          if (t?.show) await repo.setAgent(leg.agentId!, t.show, now);
        });
        // the agent stopped (or the campaign stopped) while the phone rang: hang up rather than leave it up
        if (s) await this.settle(s, t!, true);
        else await this.hangup(leg.id);
        return;
      }
      default: {
        // The agent did not answer, or hung up: the session ends (seed 004: "stop by hanging up").
        await this.endLeg(leg, e);
        const s = this.sessions.get(leg.agentId!);
        if (!s || s.nailedLegId !== leg.id) return;
        s.nailedLegId = undefined;
        if (s.customerLegId && this.legs.has(s.customerLegId)) await this.withdraw(s.customerLegId);
        this.d.clock.clearTimeout(s.timer);
        this.sessions.delete(s.agentId);
        const t = this.move(s, { type: 'AGENT_LEG_ENDED' });
        // hung up by the agent: out of the campaign; by a shutdown: still in it, dialled again at the next start
        const why = leg.answeredAt ? `You hung up your phone, so you left ${this.campaign?.name ?? 'the campaign'}: press Start to go on`
          : e.type === 'FAILED' ? `Your phone (${s.phone}) could not be called${e.cause ? ` (${e.cause})` : ''}: check your phone number, then press Start`
          : `Your phone (${s.phone}) did not answer, so dialling stopped: press Start to try again`;
        await this.write((repo, now) => repo.setAgent(s.agentId, t.show!, now, this.draining ? undefined : null, why));
      }
    }
  }

  private async onRecordAgentLeg(leg: Leg, e: LegEvent): Promise<void> {
    const c = this.campaign!;
    switch (e.type) {
      case 'ANSWERED': {
        leg.status = 'ANSWERED';
        leg.answeredAt = e.at;
        const s = this.owner(leg, 'recordLegId');
        if (!s) {
          // nobody wants this record any more (the agent stopped, the campaign is stopping): hang up, dial no customer
          leg.withdrawn = true;
          await this.write((repo) => repo.updateLeg(leg.id, { status: 'ANSWERED', answeredAt: e.at }));
          await this.hangup(leg.id);
          return;
        }
        // Seed 000: the agent answered; now the customer is dialled.
        const customerLegId = randomUUID();
        const t = this.move(s, { type: 'RECORD_ANSWERED' });
        let to = '';
        await this.write(async (repo, now) => {
          await repo.updateLeg(leg.id, { status: 'ANSWERED', answeredAt: e.at });
          const n = await repo.lockNumber(leg.numberId!);
          to = n!.e164;
          await repo.insertLeg({
            id: customerLegId, organizationId: c.organization_id, campaignId: c.id, numberId: n!.id, agentId: leg.agentId!, kind: 'CUSTOMER',
            to, agentAttempt: n!.agent_attempts + 1, customerAttempt: n!.customer_attempts + 1, instanceId: this.d.instanceId, now,
          });
          await repo.bumpDay(c.organization_id, c.id, now, { dials: 1 });
          await repo.setAgent(leg.agentId!, t.show!, now);
        });
        s.customerLegId = customerLegId;
        leg.customerLegId = customerLegId;
        await this.place({ id: customerLegId, kind: 'CUSTOMER', numberId: leg.numberId, agentId: leg.agentId, status: 'QUEUED', agentOutcome: 'ANSWERED', agentLegId: leg.id, placedAt: this.d.clock.now().getTime() }, to);
        return;
      }
      default: {
        const wasAnswered = leg.status === 'ANSWERED';
        await this.endLeg(leg, e);
        const s = this.sessions.get(leg.agentId!);
        const current = s?.recordLegId === leg.id;
        if (current) s!.recordLegId = undefined;
        if (leg.customerLegId) {
          // The agent hung up during the record: drop the customer too; the customer leg decides the outcome.
          if (this.legs.has(leg.customerLegId)) await this.hangup(leg.customerLegId);
          return;
        }
        // The customer was never dialled. Cut by a crash or shutdown: the agent leg counts (INTERRUPTED);
        // withdrawn by us (the agent stopped): back in line; otherwise the agent did not pick up (seed 000).
        // A launched followup whose agent leg failed waits again for its owner, at its own time (no attempt spent).
        const event: NumberEvent = leg.interrupted ? { type: 'INTERRUPTED', agent: wasAnswered ? 'ANSWERED' : 'PLACED' }
          : leg.preview ? { type: 'LAUNCH_ABORTED', dueAt: leg.preview.dueAt }
          : leg.withdrawn ? { type: 'RECOVERED' }
          : { type: 'ATTEMPT_FINISHED', agent: outcomeOf(e) };
        await this.finishNumber(leg.numberId!, event);
        if (leg.preview && !leg.interrupted && !leg.withdrawn) {
          const why = e.type === 'FAILED' ? 'your phone could not be called' : e.type === 'BUSY' ? 'your phone was busy' : 'your phone did not answer';
          await this.write((repo) => repo.endLaunch(leg.agentId!, `The followup call to ${leg.preview!.number} was not placed: ${why}. Launch it again before it expires`));
        }
        if (current && event.type === 'ATTEMPT_FINISHED' && !s!.leaving) await this.cooldown(s!);
        else if (current && !s!.leaving) await this.settle(s!, this.move(s!, { type: 'CALL_ENDED', talked: false }));
      }
    }
  }

  private async onCustomerLeg(leg: Leg, e: LegEvent): Promise<void> {
    const c = this.campaign!;
    switch (e.type) {
      case 'ANSWERED': {
        leg.status = 'ANSWERED';
        leg.answeredAt = e.at;
        await this.trunkWorks();
        this.pacer.answered((e.at.getTime() - leg.placedAt) / 1000);
        await this.write(async (repo, now) => {
          await repo.updateLeg(leg.id, { status: 'ANSWERED', answeredAt: e.at });
          await repo.bumpDay(c.organization_id, c.id, now, { live_answers: 1 });
        });
        if (this.strategy().pooled && !leg.agentId) {
          const s = this.freeAgent();
          if (s && (await this.connect(leg, s))) return;
          leg.graceTimer = this.d.clock.setTimeout(() => void this.enqueue(() => this.abandon(leg.id)), ABANDON_GRACE_SEC * 1000);
          return;
        }
        const s = this.owner(leg, 'customerLegId');
        if (s && (await this.connect(leg, s))) return;
        // A person answered and no agent can take the call (the agent left while it rang): drop it, counted as abandoned.
        await this.markAbandoned(leg);
        await this.hangup(leg.id);
        return;
      }
      case 'MACHINE': {
        leg.machine = true;
        if (leg.status !== 'ANSWERED') {
          // screened by the network's detector: answered by a machine, never a live answer, never put through
          leg.status = 'ANSWERED';
          leg.answeredAt = e.at;
          this.d.clock.clearTimeout(leg.graceTimer);
          this.pacer.unanswered();
          await this.write(async (repo, now) => {
            await repo.updateLeg(leg.id, { status: 'ANSWERED', answeredAt: e.at, machine: true });
            await repo.bumpDay(c.organization_id, c.id, now, { machines: 1 });
          });
          await this.hangup(leg.id);
          return;
        }
        this.pacer.machine();
        // detected after the answer (an adapter that cannot screen): a machine put through is not a connect either
        const connected = !!leg.agentId && this.sessions.get(leg.agentId)?.customerLegId === leg.id && this.sessions.get(leg.agentId)?.phase === 'TALKING';
        await this.write(async (repo, now) => {
          await repo.updateLeg(leg.id, { machine: true });
          await repo.bumpDay(c.organization_id, c.id, now, { live_answers: -1, machines: 1, connects: connected ? -1 : 0 });
        });
        await this.hangup(leg.id);
        return;
      }
      default: {
        const answered = leg.status === 'ANSWERED';
        if (!answered) this.pacer.unanswered();
        this.d.clock.clearTimeout(leg.graceTimer);
        await this.endLeg(leg, e);
        const s = leg.agentId ? this.sessions.get(leg.agentId) : undefined;
        const talked = answered && !leg.machine && !leg.abandoned && !leg.interrupted;
        if (talked && s) this.pacer.talked(secondsBetween(leg.answeredAt!, e.at));
        // Cut off by a crash, a shutdown or a lost call: the call counts, and an answered customer is not redialled blind.
        // Withdrawn while it rang (the agent stopped): the customer's phone rang, so it counts; it is offered again.
        // failed in the network while the trunk is taken to be down: the number goes back in line untouched
        const trunkDown = !answered && !leg.interrupted && !leg.withdrawn && (await this.trunkVerdict(leg, e));
        const event: NumberEvent = leg.interrupted ? { type: 'INTERRUPTED', customer: answered ? 'ANSWERED' : 'PLACED' }
          : leg.withdrawn && !answered ? { type: 'INTERRUPTED', customer: 'PLACED' }
          : trunkDown ? { type: 'RECOVERED' }
          : {
              type: 'ATTEMPT_FINISHED',
              agent: this.strategy().agentLegFirst ? leg.agentOutcome ?? 'ANSWERED' : undefined,
              customer: answered ? 'ANSWERED' : outcomeOf(e),
              machine: leg.machine,
              abandoned: leg.abandoned,
              invalid: e.cause === 'INVALID_NUMBER',
              dnd: e.cause === 'DND',
            };
        await this.finishNumber(leg.numberId!, event, talked && s ? { handleSec: secondsBetween(leg.answeredAt!, e.at) + c.wrap_up_seconds } : undefined,
          leg.interrupted && answered ? leg.agentId ?? null : undefined);
        if (answered && !leg.machine && !leg.abandoned) await this.cancelAnsweredElsewhere(leg.numberId!, leg.answeredAt!);
        // agent-first: the record's agent leg ends with its customer
        if (leg.agentLegId && this.legs.has(leg.agentLegId)) await this.hangup(leg.agentLegId);
        if (!s || s.customerLegId !== leg.id) return;
        s.customerLegId = undefined;
        if (talked) await this.wrapUp(s);
        else await this.settle(s, this.move(s, { type: 'CALL_ENDED', talked: false }));
      }
    }
  }

  /**
   * Seed 001: the customer had an answered call with us, so pending attempts to the same number in
   * campaigns whose missed-call rules remove on answer are cancelled (ANSWERED_OUTBOUND), in this
   * event's transaction.
   */
  private async cancelAnsweredElsewhere(numberId: string, answeredAt: Date): Promise<void> {
    let touched: TouchedCampaign[] = [];
    await this.write(async (repo, now) => {
      const n = await repo.lockNumber(numberId);
      if (n) touched = await new MissedCallRepository(repo.em).cancelAnswered(n.organization_id, n.e164, 'ANSWERED_OUTBOUND', answeredAt, now, numberId);
    });
    this.tell(() => {
      for (const t of touched) this.d.events.campaignChanged(t.organization_id, t.campaign_id);
    });
  }

  /**
   * A customer call reached the far end (answered, busy, not answered, a number the network does not know): the
   * trunk works. Only how a call ends counts (a simulated or badly behaved network may ring before it refuses).
   */
  private async trunkWorks(): Promise<void> {
    if (!this.trunk.reached()) return;
    const c = this.campaign!;
    this.d.log.info({ campaignId: c.id }, 'calls reach customers again: dialling resumes');
    await this.write((repo, now) => repo.trunkStatus(c.id, null, now));
    this.tell(() => this.d.events.campaignChanged(c.organization_id, c.id));
  }

  /**
   * A customer leg ended unanswered: a network failure (NETWORK_CAUSES) goes to the breaker, which says whether it
   * counts against the number (true: the trunk is down and it does not); anything else shows the trunk works.
   */
  private async trunkVerdict(leg: Leg, e: LegEvent): Promise<boolean> {
    if (e.type !== 'FAILED' || !NETWORK_CAUSES.has(e.cause ?? '')) {
      await this.trunkWorks();
      return false;
    }
    if (leg.preview) return false; // a followup its owner launched is not a probe: it counts as usual
    const now = this.d.clock.now();
    const v = this.trunk.failed(now.getTime(), e.cause!);
    if (v.counts) return false;
    if (v.opened) {
      const c = this.campaign!;
      const retryAt = new Date(v.retryAt);
      this.d.log.warn({ campaignId: c.id, cause: e.cause, retryAt }, 'calls keep failing in the network: dialling paused, one probe call at the retry time');
      await this.write((repo) => repo.trunkStatus(c.id, { error: `calls fail in the network (${e.cause}); dialling paused`, failures: this.trunk.failuresInRow, retryAt }, now));
      this.tell(() => this.d.events.campaignChanged(c.organization_id, c.id));
    }
    return true;
  }

  /** Counts an answered customer leg that no agent took as abandoned (in the same figures as a predictive abandon). */
  private async markAbandoned(leg: Leg): Promise<void> {
    if (leg.abandoned || leg.machine) return;
    leg.abandoned = true;
    this.pacer.abandoned();
    const c = this.campaign!;
    await this.write(async (repo, now) => {
      await repo.updateLeg(leg.id, { abandoned: true });
      await repo.bumpDay(c.organization_id, c.id, now, { abandons: 1 });
    });
  }

  /**
   * Hangs up a leg whose agent left. Still ringing: the number goes back in line (a customer leg's ring
   * counts as an attempt). Answered but not yet bridged: the customer was dropped, an abandon. A
   * conversation in progress simply ends.
   */
  private async withdraw(legId: string): Promise<void> {
    const leg = this.legs.get(legId);
    if (!leg) return;
    if (leg.status !== 'ANSWERED') leg.withdrawn = true;
    else if (leg.kind === 'CUSTOMER' && !leg.connected) await this.markAbandoned(leg);
    await this.hangup(legId);
  }

  /** Bridges an answered customer leg to an agent; false when either side is gone. */
  private async connect(leg: Leg, s: Session): Promise<boolean> {
    const agentLegId = s.nailedLegId ?? s.recordLegId;
    const agentLeg = agentLegId ? this.legs.get(agentLegId) : undefined;
    // Either side may have gone while this step waited in the queue.
    if (!agentLeg?.sid || !leg.sid || !this.legs.has(leg.id) || leg.status !== 'ANSWERED' || agentLeg.status !== 'ANSWERED') return false;
    if (s.leaving || (s.phase !== 'READY' && s.phase !== 'DIALLING')) return false;
    try {
      await this.d.port.bridge(agentLeg.sid, leg.sid);
    } catch (err) {
      this.d.log.warn({ err: (err as Error).message, legId: leg.id }, 'bridge failed; the agent stays free');
      return false;
    }
    this.d.clock.clearTimeout(leg.graceTimer);
    leg.graceTimer = undefined;
    leg.connected = true;
    leg.agentId = s.agentId;
    s.customerLegId = leg.id;
    const t = this.move(s, { type: 'CONNECTED' });
    const c = this.campaign!;
    await this.write(async (repo, now) => {
      await repo.setAgent(s.agentId, t.show!, now);
      await repo.bumpDay(c.organization_id, c.id, now, { connects: 1 });
      await repo.connectLeg(leg.id, s.agentId, now);
    });
    return true;
  }

  /** Predictive: no agent became free within the grace time; the call is dropped and counted. */
  private async abandon(legId: string): Promise<void> {
    const leg = this.legs.get(legId);
    if (!leg || !leg.graceTimer || leg.machine) return;
    leg.graceTimer = undefined;
    await this.markAbandoned(leg);
    await this.hangup(legId);
  }

  private freeAgent(): Session | undefined {
    return this.free()[0];
  }

  /** Sessions free for the campaign's next call, longest waiting first (not one kept for a launched followup, nor one about to launch). */
  private free(): Session[] {
    return [...this.sessions.values()].filter((s) => s.phase === 'READY' && !s.leaving && !s.oneOff && !s.launch).sort((a, b) => a.readySince - b.readySince);
  }

  /** Moves a session through the agent session machine (the only place a phase changes). */
  private move(s: Session, e: SessionEvent): SessionTransition {
    const t = sessionTransition(s.phase, e, this.sessionContext(s));
    s.phase = t.phase;
    const now = this.d.clock.now().getTime();
    if (t.phase === 'READY') s.readySince = now;
    if (t.phase === 'OFFLINE') this.meter.leave(s.agentId, now);
    else this.meter.phase(s.agentId, t.phase, now);
    return t;
  }

  private sessionContext(s: Session): { pauseRequested: boolean; leaving: boolean } {
    return { pauseRequested: !!s.pauseRequested, leaving: !!s.leaving };
  }

  /**
   * After a move: shows the agent's new state (in the same queue step, so no reconciliation ever
   * sees a free session shown busy; `shown`: the caller already wrote it) and offers a free agent
   * the next call.
   */
  private async settle(s: Session, t: SessionTransition, shown = false): Promise<void> {
    if (s.oneOff && (t.phase === 'READY' || t.phase === 'PAUSED')) return this.endOneOff(s);
    if (t.show && !shown) await this.write((repo, now) => repo.setAgent(s.agentId, t.show!, now));
    if (t.phase !== 'READY' || s.leaving) return;
    void this.enqueue(async () => {
      if (this.sessions.get(s.agentId) !== s || s.phase !== 'READY') return;
      // Predictive: a caller already waiting gets this agent before anything new is dialled.
      const waiting = [...this.legs.values()].find((l) => l.graceTimer && !l.machine);
      if (waiting) await this.connect(waiting, s);
      else await this.dialIfRunning();
    });
  }

  private async dialIfRunning(): Promise<void> {
    const c = this.campaign;
    const now = this.d.clock.now();
    if (this.stopped || this.draining || !c || c.status !== 'RUNNING' || now < new Date(c.starts_at) || (c.ends_at && now >= new Date(c.ends_at))) return;
    if (this.strategy().offersWhenFree) await this.dial(now);
  }

  private async wrapUp(s: Session): Promise<void> {
    const c = this.campaign!;
    const t = this.move(s, { type: 'CALL_ENDED', talked: true });
    s.wrapSince = this.d.clock.now().getTime();
    await this.write((repo, now) => repo.setAgent(s.agentId, t.show!, now));
    s.timer = this.d.clock.setTimeout(() => void this.enqueue(() => this.endWrap(s.agentId)), c.wrap_up_seconds * 1000);
  }

  /**
   * The agent's in-call controls (issue 16): end the call in hand and go on (the customer is hung up,
   * wrap-up follows, the agent stays in the campaign), or end wrap-up now. A request that no longer
   * applies (the call already ended) is dropped.
   */
  private async agentAsked(s: Session, endCall: boolean, ready: boolean): Promise<void> {
    await this.write((repo) => repo.clearAgentRequests(s.agentId));
    if (endCall && s.phase === 'TALKING' && s.customerLegId && this.legs.has(s.customerLegId)) {
      await this.hangup(s.customerLegId, 'AGENT_ENDED');
    } else if (endCall && s.phase === 'DIALLING' && s.customerLegId && this.legs.has(s.customerLegId)) {
      // agent-first: the agent is on the line while the customer still rings; ending it withdraws the call (the ring counts)
      await this.withdraw(s.customerLegId);
    } else if (ready && s.phase === 'WRAP_UP') {
      this.d.clock.clearTimeout(s.timer);
      await this.endWrap(s.agentId);
    }
  }

  private async endWrap(agentId: string): Promise<void> {
    const s = this.sessions.get(agentId);
    if (!s || s.phase !== 'WRAP_UP') return;
    if (s.leaving) return this.leave(s, false);
    await this.settle(s, this.move(s, { type: 'WRAP_DONE' }));
  }

  private async cooldown(s: Session): Promise<void> {
    const t = this.move(s, { type: 'AGENT_MISSED' });
    await this.write((repo, now) => repo.setAgent(s.agentId, t.show!, now));
    s.timer = this.d.clock.setTimeout(() => void this.enqueue(async () => {
      if (this.sessions.get(s.agentId) === s && s.phase === 'COOLDOWN') await this.settle(s, this.move(s, { type: 'COOLDOWN_DONE' }));
    }), AGENT_MISS_COOLDOWN_SEC * 1000);
  }

  /** Writes a leg's final status. */
  private async endLeg(leg: Leg, e: LegEvent): Promise<void> {
    const status: LegStatus = e.type === 'HUNGUP' ? 'COMPLETED' : e.type === 'BUSY' ? 'BUSY' : e.type === 'NO_ANSWER' ? 'NO_ANSWER' : e.cause === 'CANCELLED' ? 'CANCELLED' : 'FAILED';
    leg.status = status;
    this.legs.delete(leg.id);
    this.d.routeLeg(leg.id, null);
    await this.write((repo) => repo.updateLeg(leg.id, { status, cause: e.cause ?? null, endedAt: e.at, recordingUrl: e.recordingUrl ?? null }));
  }

  /** Applies an attempt's result to its number through the state machine, with its counters. */
  private async finishNumber(numberId: string, event: NumberEvent, handled?: { handleSec: number }, interruptedAgentId?: string | null): Promise<void> {
    const c = this.campaign!;
    await this.write(async (repo, now) => {
      const n = await repo.lockNumber(numberId);
      if (!n || (n.state !== 'IN_PROGRESS' && n.state !== 'RETRYING')) return;
      const t = transition(snapshotOf(n), event, this.machine(now, (await repo.campaignStatus(c.id)) === 'COMPLETED'));
      await repo.saveNumber(n.id, t, now);
      if (t.state === 'INTERRUPTED') await repo.handInterrupted(n.id, this.strategy().pooled ? null : interruptedAgentId ?? null, now);
      if (handled) await repo.bumpDay(c.organization_id, c.id, now, { handled: 1, handle_seconds: Math.round(handled.handleSec) });
      this.hopper.mark(n.id, t.state, t.nextAttemptAt);
    });
    this.tell(() => this.d.events.campaignChanged(c.organization_id, c.id));
  }

  private machine(now: Date, campaignCompleted = false): MachineContext {
    const c = this.campaign!;
    return {
      mode: c.dial_mode as DialMode,
      policy: policyOf(c),
      now,
      campaignCompleted,
    };
  }

  /** One short transaction with the dialler's SQL; while a leg event is handled, part of that event's transaction. */
  private async write(fn: (repo: DialerRepository, now: Date) => Promise<unknown>): Promise<void> {
    if (this.pending) {
      this.pending.push(fn);
      return;
    }
    await this.commit([fn]);
  }

  /** Runs `fn` once what is being written is committed (at once when nothing is pending). */
  private tell(fn: () => void): void {
    if (this.pending) this.toTell.push(fn);
    else fn();
  }

  /** Commits the writes collected so far in one transaction, then tells what changed. */
  private async flush(): Promise<void> {
    const fns = this.pending ?? [];
    if (this.pending) this.pending = [];
    try {
      if (fns.length) await this.commit(fns);
    } finally {
      const told = this.toTell;
      this.toTell = [];
      for (const fn of told) fn();
    }
  }

  private async commit(fns: ((repo: DialerRepository, now: Date) => Promise<unknown>)[]): Promise<void> {
    const em = this.d.orm.em.fork();
    let repo: DialerRepository | undefined;
    await em.transactional(async (tx) => {
      repo = new DialerRepository(tx);
      const now = this.d.clock.now();
      for (const fn of fns) await fn(repo, now);
    });
    if (repo?.touchedAgents.size) this.d.events.agentsChanged(repo.touchedAgents);
  }
}

/** What a suppression entry does to a waiting number: a followup is called off (seed 002), anything else fails as DND. */
function suppressedEvent(n: NumberRow): NumberEvent {
  return n.followup_time_zone !== null ? { type: 'CANCELLED', by: 'SUPPRESSION', followup: true } : { type: 'GUARD_REFUSED', guard: 'DND' };
}

function outcomeOf(e: LegEvent): LegOutcome {
  return e.type === 'BUSY' ? 'BUSY' : e.type === 'NO_ANSWER' ? 'NO_ANSWER' : e.type === 'HUNGUP' ? 'ANSWERED' : 'FAILED';
}

function secondsBetween(a: Date, b: Date): number {
  return Math.max(0, (b.getTime() - a.getTime()) / 1000);
}

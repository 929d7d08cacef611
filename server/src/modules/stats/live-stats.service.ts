import { IntegrationRepository } from '../integration/integration.repository.js';
import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import type { Clock } from '../../clock.js';
import type { RunnerSnapshot } from '../../engine/events.js';
import type { WorkedTime } from '../../engine/occupancy-meter.js';
import { DialerRepository } from '../../engine/dialer.repository.js';
import type { Scope } from '../../auth/scope.js';
import type { Logger } from '../../logger.js';
import { currentThenChanges, requireCampaignId } from './campaign-access.js';
import { Topic, type CampaignLivePayload, type DialerPubSub } from '../../pubsub/pubsub.js';
import { badInput } from '../../domain/errors.js';
import { TIMELINE_MAX_MINUTES } from './stats.input.js';
import { TimelineRepository } from './stats.repository.js';
import type { TimelinePoint } from './live-stats.type.js';
import { CALLBACK_DUE_MS } from '../../domain/owner-pool.js';

const MINUTE_MS = 60_000;

const AGENT_KEYS: Record<string, string> = { AVAILABLE: 'available', RINGING: 'ringing', ON_CALL: 'onCall', WRAP_UP: 'wrapUp', PAUSED: 'paused', OFFLINE: 'offline', ELSEWHERE: 'elsewhere' };

/**
 * Live wallboard figures, one path: the instance that owns a campaign computes them once per tick
 * from its runner's in-memory state (calls ringing and connected, callers waiting, pacing) and the
 * committed counters, and publishes them; every instance caches the latest per campaign and answers
 * queries and new subscriptions from that cache. Only a campaign nobody has published yet is read
 * from the database.
 */
export class LiveStatsService {
  private readonly latest = new Map<string, CampaignLivePayload>();
  /** The current minute's measured agent time per campaign this instance publishes. */
  private readonly minutes = new Map<string, { minute: number } & WorkedTime>();
  private listening: Promise<void> | undefined;
  private closed = false;

  constructor(
    private readonly orm: MikroORM,
    private readonly pubSub: DialerPubSub,
    private readonly clock: Clock,
    private readonly log: Logger,
  ) {}

  /** Starts caching every campaign's published figures (call once at start). */
  listen(): void {
    this.listening ??= (async () => {
      const it = this.pubSub.subscribe(Topic.CAMPAIGN_LIVE_ALL)[Symbol.asyncIterator]();
      this.stopListening = () => void it.return?.();
      for (;;) {
        const { value, done } = await it.next();
        if (done || this.closed) return;
        this.latest.set(value.campaignId, value);
      }
    })().catch((err) => this.log.error({ err }, 'live stats listener stopped'));
  }
  private stopListening: () => void = () => undefined;

  close(): void {
    this.closed = true;
    this.stopListening();
  }

  /**
   * Computes and publishes a campaign's figures (called by the owning engine after each tick),
   * and adds the tick's occupancy sample to the campaign's minute for the timeline.
   *
   * The campaigns an engine pass ticks (their calls come in one synchronous loop) are published together, once the
   * last of them is computed: a wallboard is then sent all its campaigns' figures in one turn of the event loop, so
   * in one write per socket (`ws-transport.ts`) rather than one per campaign.
   */
  async publish(campaignId: string, snapshot: RunnerSnapshot): Promise<void> {
    const batch = this.batch ?? this.openBatch();
    batch.computing++;
    let payload: CampaignLivePayload | undefined;
    try {
      payload = await this.compute(campaignId, snapshot);
      if (payload && snapshot.worked) payload.occupancyThisMinute = this.addToMinute(campaignId, new Date(payload.updatedAt), snapshot.worked);
      if (payload) batch.payloads.push(payload);
    } finally {
      // pushed first: the wallboards need not wait for the timeline's bookkeeping
      if (--batch.computing === 0) this.publishAll(batch.payloads);
    }
    const worked = snapshot.worked;
    if (payload && worked?.loggedInMs) await new TimelineRepository(this.orm.em.fork()).addSample(campaignId, new Date(payload.updatedAt), worked.busyMs, worked.loggedInMs);
  }

  /** The publications begun in this synchronous run (closed when it ends). */
  private batch: { computing: number; payloads: CampaignLivePayload[] } | undefined;

  private openBatch(): { computing: number; payloads: CampaignLivePayload[] } {
    const batch = { computing: 0, payloads: [] as CampaignLivePayload[] };
    this.batch = batch;
    queueMicrotask(() => {
      if (this.batch === batch) this.batch = undefined;
    });
    return batch;
  }

  private publishAll(payloads: CampaignLivePayload[]): void {
    for (const payload of payloads) {
      this.latest.set(payload.campaignId, payload);
      this.pubSub.publish(Topic.CAMPAIGN_LIVE_CHANGED, payload.campaignId, payload);
      this.pubSub.publish(Topic.CAMPAIGN_LIVE_ALL, payload);
    }
  }

  /** The minute so far on this instance (the owner's), as the timeline's row adds it up: its occupancy, or null. */
  private addToMinute(campaignId: string, at: Date, worked: WorkedTime): number | null {
    const minute = Math.floor(at.getTime() / MINUTE_MS);
    let m = this.minutes.get(campaignId);
    if (!m || m.minute !== minute) this.minutes.set(campaignId, (m = { minute, busyMs: 0, loggedInMs: 0 }));
    m.busyMs += worked.busyMs;
    m.loggedInMs += worked.loggedInMs;
    return m.loggedInMs > 0 ? m.busyMs / m.loggedInMs : null;
  }

  async get(scope: Scope, campaignId: string): Promise<CampaignLivePayload> {
    const id = await requireCampaignId(scope, campaignId);
    return this.current(id);
  }

  /** The last figures published (by the owner, here or through the pubsub), else computed now. */
  private async current(campaignId: string): Promise<CampaignLivePayload> {
    return this.latest.get(campaignId) ?? this.computeShared(campaignId);
  }

  /** Figures of a campaign no runner publishes (none cached), computed once for everyone asking at the same time. */
  private computeShared(campaignId: string): Promise<CampaignLivePayload> {
    let computing = this.computing.get(campaignId);
    if (!computing) {
      computing = this.compute(campaignId, undefined).then((p) => p!).finally(() => this.computing.delete(campaignId));
      this.computing.set(campaignId, computing);
    }
    return computing;
  }
  private readonly computing = new Map<string, Promise<CampaignLivePayload>>();

  /**
   * The last `minutes` minutes of a campaign, one point per minute, oldest first, ending with the
   * current minute; empty minutes are zeros. Occupancy is null for minutes with no agent logged in.
   */
  async timeline(scope: Scope, campaignId: string, minutes: number): Promise<TimelinePoint[]> {
    const id = await requireCampaignId(scope, campaignId);
    if (!Number.isInteger(minutes) || minutes < 1 || minutes > TIMELINE_MAX_MINUTES) {
      throw badInput(`minutes must be a whole number from 1 to ${TIMELINE_MAX_MINUTES}`, 'minutes');
    }
    const to = Math.floor(this.clock.now().getTime() / MINUTE_MS) * MINUTE_MS;
    const from = to - (minutes - 1) * MINUTE_MS;
    const rows = await new TimelineRepository(scope.em).timeline(id, new Date(from), new Date(to));
    return rows.map((r) => ({
      at: new Date(r.at),
      dials: Number(r.dials),
      liveAnswers: Number(r.live_answers),
      abandons: Number(r.abandons),
      occupancy: r.logged_in_sum ? Number(r.busy_sum) / Number(r.logged_in_sum) : null,
    }));
  }

  async subscribe(scope: Scope, campaignId: string): Promise<AsyncIterable<CampaignLivePayload>> {
    const id = await requireCampaignId(scope, campaignId);
    const events = this.pubSub.subscribe(Topic.CAMPAIGN_LIVE_CHANGED, id);
    return currentThenChanges(events, () => this.current(id));
  }

  private async compute(campaignId: string, snap: RunnerSnapshot | undefined): Promise<CampaignLivePayload | undefined> {
    const em = this.orm.em.fork();
    const now = this.clock.now();
    const due = new Date(now.getTime() - CALLBACK_DUE_MS);
    // one round of queries on as many connections (a wallboard's latency is the slowest, not the sum)
    const [[c], agentRows, legs, { today, window24h, window30d }, [left], integrationRows] = await Promise.all([
      em.execute<{ organization_id: string; abandon_rate_cap: number; dial_mode: string; time_zone: string }[]>(
        `select c.organization_id, c.abandon_rate_cap, c.dial_mode, o.time_zone
           from campaign c join organization o on o.id = c.organization_id where c.id = ?`, [campaignId]),
      em.execute<{ state: string; n: string }[]>(
        `select case when coalesce(a.active_campaign_id, a.launch_campaign_id) = ? then a.state
                    when coalesce(a.active_campaign_id, a.launch_campaign_id) is not null then 'ELSEWHERE' else 'OFFLINE' end as state, count(*) as n
           from agent a join agent_group_member m on m.agent_id = a.id and m.group_id = (select group_id from campaign where id = ?) group by 1`,
        [campaignId, campaignId]),
      // the owning runner holds its calls in memory; only a campaign no runner here ticks is counted from its legs
      snap ? { ringing: snap.ringing, connected: snap.connected } : this.liveLegs(em, campaignId),
      new DialerRepository(em).callCounters(campaignId, now),
      em.execute<{ remaining: string; finished: string; due: string; overdue: string; released: string; f_waiting: string; f_due: string; f_expired: string }[]>(
        `select count(*) filter (where state in ('SCHEDULED','RETRY','IN_PROGRESS','RETRYING')) as remaining,
                count(*) filter (where followup_time_zone is not null and state in ('SCHEDULED','RETRY') and next_attempt_at > ?::timestamptz) as f_waiting,
                count(*) filter (where followup_time_zone is not null and state in ('SCHEDULED','RETRY') and next_attempt_at <= ?::timestamptz) as f_due,
                count(*) filter (where state = 'EXPIRED') as f_expired,
                count(*) filter (where state not in ('SCHEDULED','RETRY','IN_PROGRESS','RETRYING') and updated_at > ?::timestamptz - interval '1 hour') as finished,
                count(*) filter (where state = 'RETRY' and owner_agent_id is not null and followup_time_zone is null and next_attempt_at <= ?::timestamptz and next_attempt_at > ?::timestamptz) as due,
                count(*) filter (where state = 'RETRY' and owner_agent_id is not null and followup_time_zone is null and next_attempt_at <= ?::timestamptz) as overdue,
                count(*) filter (where state in ('SCHEDULED','RETRY','IN_PROGRESS','RETRYING') and released_at is not null) as released
           from campaign_number where campaign_id = ?`, [now, now, now, now, due, due, campaignId]),
      new IntegrationRepository(em).status(campaignId),
    ]);
    if (!c) return undefined;
    const agents: Record<string, number> = { available: 0, ringing: 0, onCall: 0, wrapUp: 0, paused: 0, offline: 0, elsewhere: 0 };
    for (const r of agentRows) agents[AGENT_KEYS[r.state] ?? 'offline']! += Number(r.n);
    const iso = (d: Date | null) => (d ? new Date(d).toISOString() : null);
    const integrations = integrationRows.map((i) => ({
      kind: i.kind, done: i.done, pages: i.pages, fetched: i.fetched, rejected: i.rejected, lastRejection: i.last_rejection, failures: i.failures,
      lastError: i.last_error, errorAt: iso(i.error_at), retryAt: iso(i.retry_at), okAt: iso(i.ok_at),
    }));
    const ratio = (a: number, b: number) => (b > 0 ? a / b : null);
    const remaining = Number(left!.remaining);
    const finished = Number(left!.finished);
    return {
      campaignId,
      organizationId: c.organization_id,
      agents,
      callsRinging: legs.ringing,
      callsConnected: legs.connected,
      waitingForAgent: snap?.waitingForAgent ?? 0,
      localTimeZone: c.time_zone,
      dialsToday: today.dials,
      liveAnswersToday: today.live,
      connectsToday: today.connects,
      answerRate: ratio(today.live, today.dials),
      averageHandleTimeSec: ratio(today.handleSeconds, today.handled),
      abandonRateToday: ratio(today.abandons, today.live),
      abandonRate24h: ratio(window24h.abandons, window24h.live),
      abandonRate30d: ratio(window30d.abandons, window30d.live),
      abandonRateCap: c.abandon_rate_cap,
      pacingRatio: snap?.pacingRatio ?? 0,
      pacingReason: snap?.pacingReason ?? (c.dial_mode === 'PREVIEW' ? 'preview: agents launch calls' : 'not dialling'),
      pacingBoundBy: snap?.pacingBoundBy ?? null,
      hopperDepth: snap?.hopperDepth ?? 0,
      hopperDue: snap?.hopperDue ?? 0,
      heldBack: Object.entries(snap?.removed ?? {}).filter(([k, v]) => v > 0 && k !== 'final').map(([filter, count]) => ({ filter, count })),
      remaining,
      finishedLastHour: finished,
      // a campaign whose numbers still come from its dial-whom URL has no end in sight yet
      etaMinutes: integrations.some((i) => i.kind === 'DIAL_WHOM' && !i.done) ? null : remaining === 0 ? 0 : finished > 0 ? Math.round((remaining / finished) * 60) : null,
      ownedCallbacks: { due: Number(left!.due), overdue: Number(left!.overdue), released: Number(left!.released) },
      followups: { waiting: Number(left!.f_waiting), due: Number(left!.f_due), expired: Number(left!.f_expired) },
      integrations,
      updatedAt: now.toISOString(),
    };
  }

  private async liveLegs(em: EntityManager, campaignId: string): Promise<{ ringing: number; connected: number }> {
    const [legs] = await em.execute<{ ringing: string; connected: string }[]>(
      `select count(*) filter (where status in ('QUEUED','RINGING')) as ringing, count(*) filter (where status = 'ANSWERED' and not abandoned) as connected
         from call_leg where campaign_id = ? and kind = 'CUSTOMER' and status in ('QUEUED','RINGING','ANSWERED')`, [campaignId]);
    return { ringing: Number(legs!.ringing), connected: Number(legs!.connected) };
  }
}

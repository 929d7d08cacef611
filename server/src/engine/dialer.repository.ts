/*
 * Why this file is about 500 lines: it is the one place the runner's statements live, so a leg
 * event's transaction (end the leg, move the number, show the agent, count it) reads as calls on one
 * repository. Work that is not the runner's own transaction has its own file (missed-call.repository.ts,
 * owner-pool.repository.ts, orphans.ts).
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import type { AgentState } from '../domain/agent-state.js';
import { resolveAttemptPolicy, type AttemptPolicy } from '../domain/attempt-policy.js';
import type { RetryStatus } from '../domain/campaign-options.js';
import type { Transition, NumberSnapshot } from '../domain/number-machine.js';
import { NumberReason, NumberState } from '../domain/number-state.js';
import type { LegStatus } from '../entities/call-leg.entity.js';
import { IN_UUID, jsonParam } from '../db/sql.js';
import type { OwnerPool } from '../domain/owner-pool.js';
import type { CompletionReason } from '../domain/campaign-lifecycle.js';

export interface CampaignRow {
  id: string;
  organization_id: string;
  status: string;
  dial_mode: string;
  caller_id: string;
  starts_at: Date;
  ends_at: Date | null;
  window_start_minute: number;
  window_end_minute: number;
  retries: number;
  retry_interval_minutes: number;
  retry_on: string[];
  retry_schedule: number[] | null;
  agent_max_attempts: number;
  agent_retry_interval_minutes: number;
  continue_on_not_connected: boolean;
  abandon_rate_cap: number;
  max_dial_ratio: number;
  wrap_up_seconds: number;
  ring_timeout_seconds: number;
  group_id: string;
  /** Seed 003: agents dial only the customers they own. */
  owner_pool: OwnerPool | null;
  name: string;
  completion_reason: CompletionReason | null;
}

export interface AgentRow {
  id: string;
  name: string;
  phone: string;
  state: AgentState;
  pause_requested: boolean;
  /** The agent asked to end the call in hand (they stay in the campaign). */
  end_call_requested: boolean;
  /** The agent asked to end wrap-up now. */
  ready_requested: boolean;
  /** Dialling in this campaign (pressed Start, still in its group); false: here only for a followup launch. */
  in_campaign: boolean;
  active_campaign_id: string | null;
  launch_campaign_id: string | null;
  /** A due followup of this campaign the agent launched, not placed yet. */
  launch_number_id: string | null;
  launch_requested_at: Date | null;
}

export interface NumberRow {
  id: string;
  organization_id: string;
  campaign_id: string;
  e164: string;
  client_id: string | null;
  /** Zones the calling window must hold in, all of them. */
  time_zones: string[];
  state: NumberSnapshot['state'];
  reason: NumberSnapshot['reason'];
  agent_attempts: number;
  customer_attempts: number;
  dial_count: number;
  added_at: Date;
  next_attempt_at: Date | null;
  reschedule_agent_call: boolean;
  reschedule_customer_call: boolean;
  followup_at: Date | null;
  /** Set when an agent booked a followup (seed 002): the customer asked for this call. */
  followup_time_zone: string | null;
  owner_agent_id: string | null;
}

/** Live answers and abandons over a window (the abandon rate is abandons / live). */
export interface AbandonWindow {
  live: number;
  abandons: number;
}

/** See {@link DialerRepository.callCounters}. */
export interface CallCounters {
  window24h: AbandonWindow;
  window30d: AbandonWindow;
  /** The contact centre's local day so far. */
  today: { dials: number; live: number; connects: number; abandons: number; handled: number; handleSeconds: number };
}

export type DayStatField = 'dials' | 'live_answers' | 'abandons' | 'connects' | 'machines' | 'handled' | 'handle_seconds';

/** SQL of the dialler; every write runs inside the caller's transaction (`em.execute`). */
export class DialerRepository {
  /** Agents whose console this unit of work changed (state, a leg of theirs); published after the commit. */
  readonly touchedAgents = new Set<string>();

  constructor(readonly em: EntityManager) {}

  async campaign(id: string): Promise<CampaignRow | undefined> {
    const [row] = await this.em.execute<CampaignRow[]>(`select * from campaign where id = ?`, [id]);
    return row;
  }

  /** RUNNING campaigns, and any other with agents in it or live legs to drain (calls finish, agents drop, ghosts are reconciled). */
  runningCampaignIds(): Promise<{ id: string }[]> {
    return this.em.execute(
      `select c.id from campaign c where c.status = 'RUNNING'
        or exists (select 1 from agent a where a.active_campaign_id = c.id or a.launch_campaign_id = c.id)
        or exists (select 1 from call_leg l where l.campaign_id = c.id and l.status in ('QUEUED','RINGING','ANSWERED'))`,
    );
  }

  /** Agents who pressed Start in this campaign and are still members of its group (membership applies live). */
  activeAgents(campaignId: string, groupId: string): Promise<AgentRow[]> {
    return this.em.execute(
      `select a.id, a.name, coalesce(a.sip_uri, a.phone) as phone, a.state, a.pause_requested, a.end_call_requested, a.ready_requested, a.active_campaign_id,
              a.launch_number_id, a.launch_requested_at, a.launch_campaign_id,
              a.active_campaign_id = ? and exists (select 1 from agent_group_member m where m.agent_id = a.id and m.group_id = ?) as in_campaign
         from agent a where a.active_campaign_id = ? or a.launch_campaign_id = ? order by a.id`,
      [campaignId, groupId, campaignId, campaignId],
    );
  }

  /** The runner took the agent's launch request (the campaign stays on the agent while the call it places lasts). */
  async takeLaunch(agentId: string): Promise<void> {
    await this.em.execute(`update agent set launch_number_id = null, launch_requested_at = null, launch_notice = null where id = ?`, [agentId]);
  }

  /** Launch requests for a campaign that will not dial again (completed), but of agents in a call it placed (`keep`). */
  async dropLaunches(campaignId: string, keep: string[], notice: string): Promise<void> {
    const rows = await this.em.execute<{ id: string }[]>(
      `update agent set launch_number_id = null, launch_campaign_id = null, launch_requested_at = null, launch_notice = ?
        where launch_campaign_id = ? and id not in (select jsonb_array_elements_text(?::jsonb)::uuid) returning id`,
      [notice, campaignId, JSON.stringify(keep)]);
    for (const r of rows) this.touchedAgents.add(r.id);
  }

  /** Launch requests for numbers that just expired are dropped, with a notice; returns the agents. */
  async dropExpiredLaunches(numberIds: string[], notice: string): Promise<string[]> {
    if (!numberIds.length) return [];
    const rows = await this.em.execute<{ id: string }[]>(
      `update agent set launch_number_id = null, launch_campaign_id = null, launch_requested_at = null, launch_notice = ?
        where launch_number_id in ${IN_UUID} returning id`,
      [notice, jsonParam(numberIds)]);
    for (const r of rows) this.touchedAgents.add(r.id);
    return rows.map((r) => r.id);
  }

  /** The agent's followup launch is over (`notice`: why it did not reach the customer, shown on the console). */
  async endLaunch(agentId: string, notice: string | null): Promise<void> {
    this.touchedAgents.add(agentId);
    await this.em.execute(
      `update agent set launch_number_id = null, launch_campaign_id = null, launch_requested_at = null, launch_notice = coalesce(?, launch_notice) where id = ?`,
      [notice, agentId]);
  }

  /** The agent's in-call requests were carried out (or no longer apply). */
  async clearAgentRequests(agentId: string): Promise<void> {
    await this.em.execute(`update agent set end_call_requested = false, ready_requested = false where id = ?`, [agentId]);
  }

  /** The campaign's status; `share` locks it against a concurrent completion for the transaction. */
  async campaignStatus(id: string, share = false): Promise<string | undefined> {
    const [row] = await this.em.execute<{ status: string }[]>(`select status from campaign where id = ?${share ? ' for share' : ''}`, [id]);
    return row?.status;
  }

  /** A customer leg put through to its agent at `at`: whose call it is, and when the talk began. */
  async connectLeg(legId: string, agentId: string, at: Date): Promise<void> {
    this.touchedAgents.add(agentId);
    await this.em.execute(`update call_leg set agent_id = ?, connected_at = ? where id = ?`, [agentId, at, legId]);
  }

  /**
   * Shows an agent's state; with `activeCampaignId` also moves them into (or, with null, out of) a
   * campaign. Leaving, `stopReason` says why when the agent did not choose to (their console shows it).
   */
  async setAgent(agentId: string, state: AgentState, now: Date, activeCampaignId?: string | null, stopReason: string | null = null): Promise<void> {
    this.touchedAgents.add(agentId);
    if (activeCampaignId === undefined) {
      await this.em.execute(`update agent set state = ?, state_changed_at = ? where id = ? and state <> ?`, [state, now, agentId, state]);
    } else {
      await this.em.execute(`update agent set state = ?, state_changed_at = ?, active_campaign_id = ?, stop_reason = ? where id = ?`,
        [state, now, activeCampaignId, activeCampaignId === null ? stopReason : null, agentId]);
    }
  }

  /** Takes out of a campaign the agents still in it, but those with a session (`keep`); returns who left. */
  async releaseAgents(campaignId: string, keep: string[], why: string, now: Date): Promise<string[]> {
    const rows = await this.em.execute<{ id: string }[]>(
      `update agent set active_campaign_id = null, state = 'OFFLINE', state_changed_at = ?, stop_reason = ?, pause_requested = false
        where active_campaign_id = ? and id not in (select jsonb_array_elements_text(?::jsonb)::uuid) returning id`,
      [now, why, campaignId, JSON.stringify(keep)],
    );
    for (const r of rows) this.touchedAgents.add(r.id);
    return rows.map((r) => r.id);
  }

  /** Why an agent's session ends when the campaign goes on: taken out of its group (null: they stopped, or moved on). */
  async whyLeft(agentId: string, c: { id: string; group_id: string; name: string }): Promise<string | null> {
    const [a] = await this.em.execute<{ active_campaign_id: string | null; member: boolean }[]>(
      `select active_campaign_id, exists (select 1 from agent_group_member m where m.agent_id = a.id and m.group_id = ?) as member from agent a where a.id = ?`,
      [c.group_id, agentId]);
    return a && a.active_campaign_id === c.id && !a.member ? `You were taken out of the group that dials ${c.name}` : null;
  }

  async lockNumber(id: string): Promise<NumberRow | undefined> {
    const [row] = await this.em.execute<NumberRow[]>(
      `select id, organization_id, campaign_id, e164, client_id, time_zones, state, reason, agent_attempts, customer_attempts, dial_count,
              added_at, next_attempt_at, reschedule_agent_call, reschedule_customer_call, followup_at, followup_time_zone, owner_agent_id
         from campaign_number where id = ? for update`,
      [id],
    );
    return row;
  }

  /** Locks the waiting numbers among `ids` (skipping any another transaction holds). */
  lockWaitingNumbers(ids: string[]): Promise<NumberRow[]> {
    return this.em.execute(
      `select id, organization_id, campaign_id, e164, client_id, time_zones, state, reason, agent_attempts, customer_attempts, dial_count,
              added_at, next_attempt_at, reschedule_agent_call, reschedule_customer_call, followup_at, followup_time_zone, owner_agent_id
         from campaign_number where id in ${IN_UUID} and state in ('SCHEDULED', 'RETRY') order by id for update skip locked`,
      [jsonParam(ids)],
    );
  }

  /** Of these numbers, those a suppression entry covers; and whether the prepaid balance allows dialling. */
  async guardMany(organizationId: string, ids: string[]): Promise<{ suppressed: Set<string>; balanceOk: boolean }> {
    const rows = await this.em.execute<{ id: string }[]>(
      `select n.id from campaign_number n where n.id in ${IN_UUID}
          and exists (select 1 from suppression s where s.organization_id = n.organization_id and (s.campaign_id is null or s.campaign_id = n.campaign_id)
                        and ((s.kind = 'NUMBER' and s.value = n.e164) or (s.kind = 'CLIENT_ID' and s.value = n.client_id)))`,
      [jsonParam(ids)],
    );
    const [org] = await this.em.execute<{ balance: string }[]>(`select balance_minor as balance from organization where id = ?`, [organizationId]);
    return { suppressed: new Set(rows.map((r) => r.id)), balanceOk: Number(org?.balance ?? 0) > 0 };
  }

  /** Saves many transitions in one statement (one trigger run for the counters). */
  async saveNumbers(items: { id: string; t: Transition }[], now: Date): Promise<void> {
    if (!items.length) return;
    const data = items.map(({ id, t }) => ({
      id, state: t.state, reason: t.reason, aa: t.agentAttempts, ca: t.customerAttempts, dc: t.dialCount,
      na: t.nextAttemptAt?.toISOString() ?? null, rac: t.rescheduleAgentCall, rcc: t.rescheduleCustomerCall, fa: t.followupAt?.toISOString() ?? null,
    }));
    await this.em.execute(
      `update campaign_number n set state = v.state, reason = v.reason, agent_attempts = v.aa, customer_attempts = v.ca, dial_count = v.dc,
              next_attempt_at = v.na, reschedule_agent_call = v.rac, reschedule_customer_call = v.rcc, followup_at = v.fa, updated_at = ?
         from jsonb_to_recordset(?::jsonb) as v(id uuid, state text, reason text, aa int, ca int, dc int, na timestamptz, rac boolean, rcc boolean, fa timestamptz)
        where n.id = v.id`,
      [now, JSON.stringify(data)],
    );
  }

  async insertLegs(legs: Parameters<DialerRepository['insertLeg']>[0][]): Promise<void> {
    if (!legs.length) return;
    for (const l of legs) if (l.agentId) this.touchedAgents.add(l.agentId);
    const data = legs.map((l) => ({
      id: l.id, org: l.organizationId, campaign: l.campaignId, num: l.numberId, agent: l.agentId, kind: l.kind, to: l.to,
      aa: l.agentAttempt, ca: l.customerAttempt, inst: l.instanceId, at: l.now.toISOString(),
    }));
    await this.em.execute(
      `insert into call_leg (id, organization_id, campaign_id, number_id, agent_id, kind, to_number, status, agent_attempt, customer_attempt, instance_id, created_at)
       select v.id, v.org, v.campaign, v.num, v.agent, v.kind, v.to, 'QUEUED', v.aa, v.ca, v.inst, v.at
         from jsonb_to_recordset(?::jsonb) as v(id uuid, org uuid, campaign uuid, num uuid, agent uuid, kind text, "to" text, aa int, ca int, inst text, at timestamptz)`,
      [JSON.stringify(data)],
    );
  }

  async setSids(items: { id: string; sid: string }[]): Promise<void> {
    if (!items.length) return;
    await this.em.execute(
      `update call_leg l set sid = v.sid from jsonb_to_recordset(?::jsonb) as v(id uuid, sid text) where l.id = v.id`,
      [JSON.stringify(items)],
    );
  }

  async saveNumber(id: string, t: Transition, now: Date): Promise<void> {
    await this.em.execute(
      `update campaign_number set state = ?, reason = ?, agent_attempts = ?, customer_attempts = ?, dial_count = ?,
              next_attempt_at = ?, reschedule_agent_call = ?, reschedule_customer_call = ?, followup_at = ?, updated_at = ? where id = ?`,
      [t.state, t.reason, t.agentAttempts, t.customerAttempts, t.dialCount, t.nextAttemptAt, t.rescheduleAgentCall, t.rescheduleCustomerCall, t.followupAt, now, id],
    );
  }

  /** Gives a number to its followup's owner (the hopper then hands it to that agent only), with the zone and note it was booked with. */
  async setFollowupOwner(id: string, agentId: string, timeZone: string, note: string | null): Promise<void> {
    await this.em.execute(`update campaign_number set owner_agent_id = ?, followup_time_zone = ?, followup_note = ? where id = ?`, [agentId, timeZone, note, id]);
  }

  async insertLeg(leg: {
    id: string; organizationId: string; campaignId: string; numberId: string | null; agentId: string | null;
    kind: 'AGENT' | 'CUSTOMER'; to: string; agentAttempt: number; customerAttempt: number; instanceId: string; now: Date;
  }): Promise<void> {
    if (leg.agentId) this.touchedAgents.add(leg.agentId);
    await this.em.execute(
      `insert into call_leg (id, organization_id, campaign_id, number_id, agent_id, kind, to_number, status, agent_attempt, customer_attempt, instance_id, created_at)
       values (?, ?, ?, ?, ?, ?, ?, 'QUEUED', ?, ?, ?, ?)`,
      [leg.id, leg.organizationId, leg.campaignId, leg.numberId, leg.agentId, leg.kind, leg.to, leg.agentAttempt, leg.customerAttempt, leg.instanceId, leg.now],
    );
  }

  async updateLeg(id: string, patch: { sid?: string; status?: LegStatus; cause?: string | null; answeredAt?: Date; endedAt?: Date; abandoned?: boolean; machine?: boolean; recordingUrl?: string | null }): Promise<void> {
    const sets: string[] = [];
    const params: unknown[] = [];
    const col: Record<string, string> = { sid: 'sid', status: 'status', cause: 'cause', answeredAt: 'answered_at', endedAt: 'ended_at', abandoned: 'abandoned', machine: 'machine', recordingUrl: 'recording_url' };
    for (const [k, v] of Object.entries(patch)) {
      if (v === undefined) continue;
      sets.push(`${col[k]} = ?`);
      params.push(v);
    }
    if (patch.endedAt) sets.push(`duration_sec = case when answered_at is null then 0 else greatest(0, round(extract(epoch from (?::timestamptz - answered_at))))::int end`), params.push(patch.endedAt);
    if (!sets.length) return;
    const rows = await this.em.execute<{ agent_id: string | null }[]>(`update call_leg set ${sets.join(', ')} where id = ? returning agent_id`, [...params, id]);
    if (rows[0]?.agent_id) this.touchedAgents.add(rows[0].agent_id);
  }

  /**
   * The campaign's calls fail in the network (`failing`: the trunk is taken to be down, with the cause, the
   * failures in a row and when a probe call goes out), or work again (null), for the wallboard.
   */
  async trunkStatus(campaignId: string, failing: { error: string; failures: number; retryAt: Date } | null, now: Date): Promise<void> {
    if (failing) {
      await this.em.execute(
        `insert into campaign_integration (campaign_id, kind, failures, last_error, error_at, retry_at) values (?, 'TELEPHONY', ?, ?, ?, ?)
         on conflict (campaign_id, kind) do update set failures = excluded.failures, last_error = excluded.last_error, error_at = excluded.error_at, retry_at = excluded.retry_at`,
        [campaignId, failing.failures, failing.error.slice(0, 500), now, failing.retryAt]);
    } else {
      await this.em.execute(
        `update campaign_integration set failures = 0, last_error = null, error_at = null, retry_at = null, ok_at = ? where campaign_id = ? and kind = 'TELEPHONY'`,
        [now, campaignId]);
    }
  }

  /**
   * Adds to the campaign's call counters of the current UTC day (the 30-day figures) and of the
   * current minute (rolling 24 hours, the contact centre's local day), in the caller's transaction.
   */
  async bumpDay(organizationId: string, campaignId: string, now: Date, fields: Partial<Record<DayStatField, number>>): Promise<void> {
    const entries = Object.entries(fields).filter(([, v]) => v);
    if (!entries.length) return;
    const cols = entries.map(([k]) => k);
    const values = entries.map(([, v]) => v);
    const sets = cols.map((c) => `${c} = t.${c} + excluded.${c}`).join(', ');
    await this.em.execute(
      `with d as (
         insert into campaign_day_stat as t (campaign_id, day, organization_id, ${cols.join(', ')})
         values (?, (?::timestamptz at time zone 'UTC')::date, ?, ${cols.map(() => '?').join(', ')})
         on conflict (campaign_id, day) do update set ${sets})
       insert into campaign_minute_stat as t (campaign_id, minute, ${cols.join(', ')})
       values (?, date_trunc('minute', ?::timestamptz at time zone 'UTC') at time zone 'UTC', ${cols.map(() => '?').join(', ')})
       on conflict (campaign_id, minute) do update set ${sets}`,
      [campaignId, now, organizationId, ...values, campaignId, now, ...values],
    );
  }

  /**
   * A campaign's call counters over the three windows the wallboard and the pacer use: the rolling
   * 24 hours, the rolling 30 days and the contact centre's local day (from midnight in `localZone`).
   * Minute rows give the 24 hours, the local day and the two partial days at the ends of the 30 days;
   * day rows give the full UTC days in between, so no query sums more than about 2,900 minute rows.
   */
  /** `localZone`: the zone of "today" (absent: the campaign's organisation's). */
  async callCounters(campaignId: string, now: Date, localZone?: string): Promise<CallCounters> {
    const [r] = await this.em.execute<Record<string, string>[]>(
      `with b as (select ?::timestamptz as now,
                         coalesce(?::text, (select o.time_zone from campaign c join organization o on o.id = c.organization_id where c.id = ?)) as tz),
            w as (select now, now - interval '24 hours' as h24, now - interval '30 days' as d30,
                         date_trunc('day', now at time zone tz) at time zone tz as local_midnight,
                         date_trunc('day', now at time zone 'UTC') at time zone 'UTC' as utc_midnight,
                         date_trunc('day', (now - interval '30 days') at time zone 'UTC') at time zone 'UTC' + interval '1 day' as first_full_day
                    from b),
            m as (select s.*, s.minute > w.h24 as in24, s.minute >= w.local_midnight as today,
                         (s.minute > w.d30 and s.minute < w.first_full_day) or s.minute >= w.utc_midnight as edge30
                    from campaign_minute_stat s, w
                   where s.campaign_id = ? and s.minute <= w.now
                     and (s.minute > least(w.h24, w.local_midnight - interval '1 minute', w.utc_midnight - interval '1 minute')
                          or (s.minute > w.d30 and s.minute < w.first_full_day))),
            d as (select coalesce(sum(live_answers), 0) as live, coalesce(sum(abandons), 0) as abandons
                    from campaign_day_stat, w
                   where campaign_id = ? and day >= (w.first_full_day at time zone 'UTC')::date and day < (w.utc_midnight at time zone 'UTC')::date)
       select coalesce(sum(live_answers) filter (where in24), 0) as live24, coalesce(sum(abandons) filter (where in24), 0) as ab24,
              coalesce(sum(live_answers) filter (where edge30), 0) + (select live from d) as live30,
              coalesce(sum(abandons) filter (where edge30), 0) + (select abandons from d) as ab30,
              coalesce(sum(dials) filter (where today), 0) as dials, coalesce(sum(live_answers) filter (where today), 0) as live,
              coalesce(sum(connects) filter (where today), 0) as connects, coalesce(sum(abandons) filter (where today), 0) as abandons,
              coalesce(sum(handled) filter (where today), 0) as handled, coalesce(sum(handle_seconds) filter (where today), 0) as handle_seconds
         from m`,
      [now, localZone ?? null, campaignId, campaignId, campaignId],
    );
    const n = (k: string) => Number(r?.[k] ?? 0);
    return {
      window24h: { live: n('live24'), abandons: n('ab24') },
      window30d: { live: n('live30'), abandons: n('ab30') },
      today: { dials: n('dials'), live: n('live'), connects: n('connects'), abandons: n('abandons'), handled: n('handled'), handleSeconds: n('handle_seconds') },
    };
  }

  /** Waiting numbers of a campaign that a suppression entry now covers (number or client id). */
  suppressedWaiting(campaignId: string): Promise<{ id: string; followup: boolean }[]> {
    return this.em.execute(
      `select n.id, n.followup_time_zone is not null as followup from campaign_number n where n.campaign_id = ? and n.state in ('SCHEDULED', 'RETRY')
          and exists (select 1 from suppression s where s.organization_id = n.organization_id and (s.campaign_id is null or s.campaign_id = n.campaign_id)
                        and ((s.kind = 'NUMBER' and s.value = n.e164) or (s.kind = 'CLIENT_ID' and s.value = n.client_id)))`,
      [campaignId],
    );
  }

  /** A campaign's legs that are live in the database. */
  liveLegs(campaignId: string): Promise<{ id: string; sid: string | null; created_at: Date; instance_id: string }[]> {
    return this.em.execute(`select id, sid, created_at, instance_id from call_leg where campaign_id = ? and status in ('QUEUED','RINGING','ANSWERED')`, [campaignId]);
  }

  /**
   * Closes live legs nobody tracks any more (a crash, a shutdown, a lost call): QUEUED ones were
   * never placed for sure (CANCELLED), ringing ones FAILED, answered ones COMPLETED, all with `cause`.
   * `by`: these leg ids, or every live leg of an instance (null: of every instance). Returns the
   * numbers they carried.
   */
  async closeLegs(by: { ids: string[] } | { instanceId: string | null }, cause: string, now: Date): Promise<{ id: string; number_id: string | null; agent_id: string | null }[]> {
    const where = 'ids' in by ? `id in ${IN_UUID}` : by.instanceId ? 'instance_id = ?' : 'true';
    const params = 'ids' in by ? [jsonParam(by.ids)] : by.instanceId ? [by.instanceId] : [];
    const rows = await this.em.execute<{ id: string; number_id: string | null; agent_id: string | null }[]>(
      `update call_leg set status = case status when 'QUEUED' then 'CANCELLED' when 'ANSWERED' then 'COMPLETED' else 'FAILED' end,
              cause = ?, ended_at = ?,
              duration_sec = case when answered_at is null then 0 else greatest(0, round(extract(epoch from (?::timestamptz - answered_at))))::int end
        where status in ('QUEUED','RINGING','ANSWERED') and ${where}
        returning id, number_id, agent_id`,
      [cause, now, now, ...params],
    );
    for (const r of rows) if (r.agent_id) this.touchedAgents.add(r.agent_id);
    return rows;
  }

  /**
   * Numbers left IN_PROGRESS/RETRYING with no live leg behind them (among `ids`, or all), each with
   * the last leg of its attempt: what that leg reached decides how the interrupted attempt counts.
   */
  strandedNumbers(ids?: string[]): Promise<{ id: string; campaign_id: string; organization_id: string; kind: string | null; answered: boolean | null; agent_id: string | null }[]> {
    return this.em.execute(
      `select n.id, n.campaign_id, n.organization_id, l.kind, l.answered_at is not null as answered, l.agent_id
         from campaign_number n
         left join lateral (select kind, answered_at, agent_id from call_leg where number_id = n.id order by created_at desc, kind desc limit 1) l on true
        where n.state in ('IN_PROGRESS', 'RETRYING') ${ids ? `and n.id in ${IN_UUID}` : ''}
          and not exists (select 1 from call_leg l2 where l2.number_id = n.id and l2.status in ('QUEUED','RINGING','ANSWERED'))`,
      ids ? [jsonParam(ids)] : [],
    );
  }

  /** An interrupted call goes to its agent to follow up (console queue), with a note saying why. */
  async handInterrupted(numberId: string, agentId: string | null, now: Date): Promise<void> {
    if (agentId) this.touchedAgents.add(agentId);
    await this.em.execute(
      `update campaign_number set owner_agent_id = coalesce(?, owner_agent_id), followup_time_zone = null,
              followup_note = ?, updated_at = ? where id = ?`,
      [agentId, `Call cut off at ${now.toISOString().slice(0, 16).replace('T', ' ')} UTC after the customer answered (dialler restart or lost call): follow up`, now, numberId],
    );
  }

  /** Agents shown busy with no campaign and no live leg anywhere: OFFLINE (returns their ids). */
  async idleAgentsOffline(now: Date): Promise<string[]> {
    const rows = await this.em.execute<{ id: string }[]>(
      `update agent a set state = 'OFFLINE', state_changed_at = ? where a.state <> 'OFFLINE' and a.active_campaign_id is null
          and not exists (select 1 from call_leg l where l.agent_id = a.id and l.status in ('QUEUED','RINGING','ANSWERED'))
        returning a.id`,
      [now],
    );
    for (const r of rows) this.touchedAgents.add(r.id);
    return rows.map((r) => r.id);
  }

  /** Current states of these agents. */
  agentStates(ids: string[]): Promise<{ id: string; state: AgentState }[]> {
    if (!ids.length) return Promise.resolve([]);
    return this.em.execute(`select id, state from agent where id in ${IN_UUID}`, [jsonParam(ids)]);
  }

  /**
   * Marks every number that has not been dialled yet (or waits for a retry) FAILED_NO_ATTEMPT.
   * Numbers with a call in progress are left for the dialler to finish.
   */
  async failUnattempted(campaignId: string, now: Date): Promise<number> {
    const res = await this.em.execute(
      `update campaign_number set state = ?, reason = ?, next_attempt_at = null, updated_at = ?
        where campaign_id = ? and state in (?, ?)`,
      [NumberState.FAILED_NO_ATTEMPT, NumberReason.CAMPAIGN_COMPLETED, now, campaignId, NumberState.SCHEDULED, NumberState.RETRY],
      'run',
    );
    return (res as unknown as { affectedRows: number }).affectedRows;
  }

}

/** The state machine's view of a number row. */
export function snapshotOf(n: NumberRow): NumberSnapshot {
  return {
    state: n.state,
    reason: n.reason,
    agentAttempts: n.agent_attempts,
    customerAttempts: n.customer_attempts,
    dialCount: n.dial_count,
    addedAt: new Date(n.added_at),
    nextAttemptAt: n.next_attempt_at ? new Date(n.next_attempt_at) : null,
    rescheduleAgentCall: n.reschedule_agent_call,
    rescheduleCustomerCall: n.reschedule_customer_call,
    followupAt: n.followup_at ? new Date(n.followup_at) : null,
  };
}

/** A campaign row's attempt policy. */
export function policyOf(c: CampaignRow): AttemptPolicy {
  return resolveAttemptPolicy({
    retries: c.retries,
    retryIntervalMinutes: c.retry_interval_minutes,
    retryOn: c.retry_on as RetryStatus[],
    retrySchedule: c.retry_schedule,
    agentMaxAttempts: c.agent_max_attempts,
    agentRetryIntervalMinutes: c.agent_retry_interval_minutes,
    continueOnNotConnected: c.continue_on_not_connected,
  });

}

import type { EntityManager } from '@mikro-orm/postgresql';
import { IN_UUID, jsonParam } from '../../db/sql.js';

export interface CountRow {
  campaign_id: string;
  state: string;
  reason: string;
  count: number;
}

export class StatsRepository {
  constructor(private readonly em: EntityManager) {}

  /** Counter rows (kept by triggers) for these campaigns of one organisation. */
  counts(organizationId: string, campaignIds: string[]): Promise<CountRow[]> {
    if (!campaignIds.length) return Promise.resolve([]);
    return this.em
      .execute(
        `select campaign_id, state, reason, count from campaign_state_count where organization_id = ? and campaign_id in ${IN_UUID} and count <> 0`,
        [organizationId, jsonParam(campaignIds)],
      );
  }

  /** The agents of a campaign's group, and any agent dialling in it. */
  async groupAgents(campaignId: string): Promise<string[]> {
    const rows = await this.em.execute<{ id: string }[]>(
      `select m.agent_id as id from campaign c join agent_group_member m on m.group_id = c.group_id where c.id = ?
       union select a.id from agent a where a.active_campaign_id = ? or a.launch_campaign_id = ?`,
      [campaignId, campaignId, campaignId],
    );
    return rows.map((r) => r.id);
  }
}

export interface TimelineRow {
  at: Date;
  dials: string;
  live_answers: string;
  abandons: string;
  busy_sum: number | null;
  logged_in_sum: number | null;
}

/** Per-minute figures of the wallboard charts. */
export class TimelineRepository {
  constructor(private readonly em: EntityManager) {}

  /**
   * Adds a tick's measured agent time to the campaign's minute (one statement per tick): `busyMs` talking or in
   * wrap-up, `loggedInMs` in the campaign and not paused. Occupancy of the minute = busy_sum / logged_in_sum.
   */
  async addSample(campaignId: string, at: Date, busyMs: number, loggedInMs: number): Promise<void> {
    await this.em.execute(
      `insert into campaign_minute_stat (campaign_id, minute, samples, busy_sum, logged_in_sum)
       values (?, date_trunc('minute', ?::timestamptz at time zone 'UTC') at time zone 'UTC', 1, ?, ?)
       on conflict (campaign_id, minute) do update set samples = campaign_minute_stat.samples + 1,
          busy_sum = campaign_minute_stat.busy_sum + excluded.busy_sum, logged_in_sum = campaign_minute_stat.logged_in_sum + excluded.logged_in_sum`,
      [campaignId, at, busyMs, loggedInMs],
    );
  }

  /**
   * One row per minute from `from` to `to` (both starts of minutes, inclusive), empty minutes
   * included. Dials, live answers and abandons use the definitions of `campaign_day_stat`: a dial
   * is a customer leg (counted when its row is written), a live answer a customer leg answered by
   * a person (not a machine; counted when answered), an abandon a live answer dropped with no free agent.
   */
  timeline(campaignId: string, from: Date, to: Date): Promise<TimelineRow[]> {
    return this.em.execute(
      `with m as (select generate_series(?::timestamptz, ?::timestamptz, interval '1 minute') as at),
            dialled as (
              select date_trunc('minute', created_at at time zone 'UTC') at time zone 'UTC' as at, count(*) as dials
                from call_leg where campaign_id = ? and kind = 'CUSTOMER' and created_at >= ? and created_at < ?::timestamptz + interval '1 minute'
               group by 1),
            answered as (
              select date_trunc('minute', answered_at at time zone 'UTC') at time zone 'UTC' as at,
                     count(*) filter (where not machine) as live_answers, count(*) filter (where abandoned) as abandons
                from call_leg where campaign_id = ? and kind = 'CUSTOMER' and answered_at >= ? and answered_at < ?::timestamptz + interval '1 minute'
               group by 1)
       select m.at, coalesce(d.dials, 0) as dials, coalesce(a.live_answers, 0) as live_answers, coalesce(a.abandons, 0) as abandons,
              s.busy_sum, s.logged_in_sum
         from m left join dialled d on d.at = m.at left join answered a on a.at = m.at
              left join campaign_minute_stat s on s.campaign_id = ? and s.minute = m.at
        order by m.at`,
      [from, to, campaignId, from, to, campaignId, from, to, campaignId],
    );
  }
}

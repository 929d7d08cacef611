import type { EntityManager } from '@mikro-orm/postgresql';
import type { CampaignRules, InboundOutcome, InboundSource } from '../../domain/missed-calls.js';

export interface InboundCallRow {
  id: string;
  session_id: string | null;
  caller: string;
  dialled: string | null;
  outcome: InboundOutcome;
  at: Date;
  source: InboundSource;
  added_to: string[];
  drop_recorded_in: string[];
  cancelled_in: string[];
  received_at: Date;
}

export interface RuleCampaignRow {
  id: string;
  status: string;
  rules: CampaignRules;
  retry_schedule: number[] | null;
}

/** Inbound call events and what the missed-call rules do with them (seed 001). */
export class InboundRepository {
  constructor(private readonly em: EntityManager) {}

  /** Serialises events of one caller in one organisation until the transaction ends (no double add, no duplicate contact). */
  async lockCaller(organizationId: string, e164: string): Promise<void> {
    await this.em.execute(`select pg_advisory_xact_lock(hashtextextended(?, 15))`, [`inbound:${organizationId}:${e164}`]);
  }

  /** Records the event; null when its session id was recorded before (idempotent replay). */
  async insert(e: { id: string; organizationId: string; sessionId: string | null; caller: string; dialled: string | null; outcome: InboundOutcome; at: Date; source: InboundSource; now: Date }): Promise<boolean> {
    const rows = await this.em.execute<{ id: string }[]>(
      `insert into inbound_call (id, organization_id, session_id, caller, dialled, outcome, at, source, received_at)
       values (?, ?, ?, ?, ?, ?, ?, ?, ?)
       on conflict (organization_id, session_id) where session_id is not null do nothing returning id`,
      [e.id, e.organizationId, e.sessionId, e.caller, e.dialled, e.outcome, e.at, e.source, e.now],
    );
    return rows.length > 0;
  }

  async bySession(organizationId: string, sessionId: string): Promise<InboundCallRow | undefined> {
    const [row] = await this.em.execute<InboundCallRow[]>(`select * from inbound_call where organization_id = ? and session_id = ?`, [organizationId, sessionId]);
    return row;
  }

  async saveOutcome(id: string, r: { addedTo: string[]; dropRecordedIn: string[]; cancelledIn: string[] }): Promise<void> {
    await this.em.execute(`update inbound_call set added_to = ?::jsonb, drop_recorded_in = ?::jsonb, cancelled_in = ?::jsonb where id = ?`,
      [JSON.stringify(r.addedTo), JSON.stringify(r.dropRecordedIn), JSON.stringify(r.cancelledIn), id]);
  }

  /** Campaigns of the organisation that are not over and whose rules add callers of dropped sessions. */
  ruleCampaigns(organizationId: string): Promise<RuleCampaignRow[]> {
    return this.em.execute<RuleCampaignRow[]>(
      `select id, status, rules, retry_schedule from campaign
        where organization_id = ? and status in ('SCHEDULED', 'RUNNING', 'PAUSED') and jsonb_typeof(rules -> 'addOnDrop') = 'object'
        order by created_at, id`,
      [organizationId],
    );
  }

  /** The number's entry in a campaign that is not final yet (pending or being dialled), locked. */
  async pendingNumber(campaignId: string, e164: string): Promise<string | undefined> {
    const [row] = await this.em.execute<{ id: string }[]>(
      `select id from campaign_number where campaign_id = ? and e164 = ? and state in ('SCHEDULED', 'RETRY', 'IN_PROGRESS', 'RETRYING') limit 1 for update`,
      [campaignId, e164],
    );
    return row?.id;
  }

  /** A later drop of a number already pending is recorded on it (it is not added twice). */
  async recordDrop(numberId: string, at: Date, now: Date): Promise<void> {
    await this.em.execute(
      `update campaign_number set inbound_drops = least(inbound_drops + 1, 32767), last_inbound_at = greatest(last_inbound_at, ?::timestamptz), updated_at = ? where id = ?`,
      [at, now, numberId],
    );
  }

  /**
   * Adds the contact's number to the campaign (SCHEDULED, first attempt at `firstAttemptAt`): dialled
   * in the order callers were added (created = added = now), with the contact's zones.
   */
  async addNumber(organizationId: string, campaignId: string, e164: string, at: Date, now: Date, firstAttemptAt: Date | null): Promise<string> {
    const [row] = await this.em.execute<{ id: string }[]>(
      `insert into campaign_number (id, organization_id, campaign_id, contact_id, contact_name, contact_fields, client_id,
                                    e164, time_zones, position, state, reason, agent_attempts, customer_attempts, dial_count,
                                    priority, next_attempt_at, owner_agent_id, created_at, added_at, updated_at, inbound_drops, last_inbound_at)
       select gen_random_uuid(), c.organization_id, ?, c.id, c.name, c.fields, c.client_id,
              p.e164, case when c.time_zone is null then p.time_zones else array[c.time_zone]::text[] end, p.position, 'SCHEDULED', null, 0, 0, 0,
              0, ?, null, ?, ?, ?, 1, ?
         from phone_number p join contact c on c.id = p.contact_id
        where p.organization_id = ? and p.e164 = ?
       returning id`,
      [campaignId, firstAttemptAt, now, now, now, at, organizationId, e164],
    );
    return row!.id;
  }
}

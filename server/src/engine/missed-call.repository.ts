import type { EntityManager } from '@mikro-orm/postgresql';
import { transition } from '../domain/number-machine.js';
import { DialerRepository, policyOf, snapshotOf, type CampaignRow, type NumberRow } from './dialer.repository.js';

/** A campaign whose numbers changed, and its organisation (for the live pushes). */
export interface TouchedCampaign {
  campaign_id: string;
  organization_id: string;
}

/**
 * The missed-call rule's removals (seed 001): once a number has an answered call with the organisation,
 * inbound or outbound, its pending attempts in campaigns whose rules say so are cancelled. Used by the
 * engine (an answered outbound call) and by the inbound-call service (an answered inbound call).
 */
export class MissedCallRepository {
  constructor(private readonly em: EntityManager) {}

  /**
   * Cancels the pending (SCHEDULED or RETRY) numbers `e164` has in the organisation's campaigns whose
   * rules remove on answer, that were added before `at` (a number added after the answered call still
   * needs its call), except `exceptNumberId`. Locks in id order, as claims do, so the two never deadlock;
   * a number a claim took meanwhile is no longer pending and is left alone.
   */
  async cancelAnswered(
    organizationId: string,
    e164: string,
    by: 'ANSWERED_INBOUND' | 'ANSWERED_OUTBOUND',
    at: Date,
    now: Date,
    exceptNumberId: string | null = null,
  ): Promise<TouchedCampaign[]> {
    const rows = await this.em.execute<(NumberRow & { campaign_id: string })[]>(
      `select n.id, n.campaign_id, n.organization_id, n.e164, n.client_id, n.time_zones, n.state, n.reason, n.agent_attempts, n.customer_attempts,
              n.dial_count, n.added_at, n.next_attempt_at, n.reschedule_agent_call, n.reschedule_customer_call, n.followup_at,
              n.followup_time_zone, n.owner_agent_id
         from campaign_number n join campaign c on c.id = n.campaign_id
        where n.organization_id = ? and n.e164 = ? and n.state in ('SCHEDULED', 'RETRY') and n.added_at <= ?
          and n.id is distinct from ?::uuid
          and c.status in ('SCHEDULED', 'RUNNING', 'PAUSED') and coalesce((c.rules ->> 'removeOnAnswered')::boolean, false)
        order by n.id for update of n`,
      [organizationId, e164, at, exceptNumberId],
    );
    if (!rows.length) return [];
    const campaigns = new Map<string, CampaignRow>();
    const repo = new DialerRepository(this.em);
    for (const id of new Set(rows.map((r) => r.campaign_id))) campaigns.set(id, (await repo.campaign(id))!);
    await repo.saveNumbers(
      rows.map((n) => {
        const c = campaigns.get(n.campaign_id)!;
        const ctx = { mode: c.dial_mode as never, policy: policyOf(c), now, campaignCompleted: false };
        return { id: n.id, t: transition(snapshotOf(n), { type: 'CANCELLED', by }, ctx) };
      }),
      now,
    );
    return [...campaigns.values()].map((c) => ({ campaign_id: c.id, organization_id: c.organization_id }));
  }
}

import type { EntityManager } from '@mikro-orm/postgresql';

/** Owner pools (seed 003), the engine's side: owned callbacks stalled because their owner is away. */
export class OwnerPoolRepository {
  constructor(private readonly em: EntityManager) {}

  /**
   * Releases to any agent of the group the owned callbacks of a campaign that fell due at or before
   * `dueBefore` while their owner is not signed in to it (no session in this campaign): the way other
   * dialers' owner-only callbacks silently stall. Returns the numbers released and who owned them.
   */
  releaseStalled(campaignId: string, dueBefore: Date, now: Date): Promise<{ id: string; owner: string }[]> {
    return this.em.execute(
      `update campaign_number n set owner_agent_id = null, released_at = ?, updated_at = ?
         from campaign_number o
        where o.id = n.id and n.campaign_id = ? and n.state = 'RETRY' and n.owner_agent_id is not null and n.next_attempt_at <= ?
          and not exists (select 1 from agent a where a.id = n.owner_agent_id and a.active_campaign_id = n.campaign_id and a.state <> 'OFFLINE')
        returning n.id, o.owner_agent_id as owner`,
      [now, now, campaignId, dueBefore],
    );
  }
}

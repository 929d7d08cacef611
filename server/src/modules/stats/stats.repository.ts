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
}

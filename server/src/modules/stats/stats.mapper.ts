import { NUMBER_STATES, ROLLUP, type NumberReason, type NumberState } from '../../domain/number-state.js';
import type { CampaignStatsPayload } from '../../pubsub/pubsub.js';
import type { CountRow } from './stats.repository.js';
import type { CampaignRollup, CampaignStats } from './stats.type.js';

const FIELD: Record<NumberState, keyof CampaignStats> = {
  SCHEDULED: 'scheduled',
  IN_PROGRESS: 'inProgress',
  RETRY: 'retry',
  RETRYING: 'retrying',
  COMPLETED: 'completed',
  FAILED: 'failed',
  FAILED_DND: 'failedDnd',
  FAILED_BALANCE: 'failedBalance',
  FAILED_NO_ATTEMPT: 'failedNoAttempt',
  INVALID: 'invalid',
  CANCELLED: 'cancelled',
  EXPIRED: 'expired',
  INTERRUPTED: 'interrupted',
};

/** Builds the JSON-safe payload (what crosses Redis) from counter rows of one campaign. */
export function toStatsPayload(organizationId: string, campaignId: string, rows: CountRow[], at: Date, changedAt: Date = at): CampaignStatsPayload {
  const counts: Record<string, number> = Object.fromEntries(NUMBER_STATES.map((s) => [s, 0]));
  const reasons: CampaignStatsPayload['reasons'] = [];
  let total = 0;
  for (const r of rows) {
    if (r.campaign_id !== campaignId) continue;
    counts[r.state] = (counts[r.state] ?? 0) + r.count;
    total += r.count;
    if (r.reason) reasons.push({ state: r.state, reason: r.reason, count: r.count });
  }
  reasons.sort((a, b) => a.state.localeCompare(b.state) || a.reason.localeCompare(b.reason));
  return { campaignId, organizationId, counts, reasons, total, updatedAt: at.toISOString(), changedAt: changedAt.toISOString() };
}

export function toRollup(counts: Record<string, number>): CampaignRollup {
  const sum = (states: readonly NumberState[]) => states.reduce((n, s) => n + (counts[s] ?? 0), 0);
  return {
    completed: sum(ROLLUP.completed), failed: sum(ROLLUP.failed), scheduled: sum(ROLLUP.scheduled), interrupted: sum(ROLLUP.interrupted),
    byState: NUMBER_STATES.filter((s) => (counts[s] ?? 0) > 0).map((state) => ({ state, count: counts[state]! })),
  };
}

export function toCampaignStats(p: CampaignStatsPayload): CampaignStats {
  const stats = {
    campaignId: p.campaignId,
    total: p.total,
    rollup: toRollup(p.counts),
    byReason: p.reasons.map((r) => ({ state: r.state as NumberState, reason: r.reason as NumberReason, count: r.count })),
    updatedAt: new Date(p.updatedAt),
    changedAt: new Date(p.changedAt),
  } as CampaignStats;
  for (const s of NUMBER_STATES) (stats as unknown as Record<string, number>)[FIELD[s]] = p.counts[s] ?? 0;
  return stats;
}

import { Role } from '../../auth/actor.js';
import { assertId } from '../../domain/ids.js';
import { CampaignEntity } from '../../entities/index.js';
import { notFound } from '../../domain/errors.js';
import type { Scope } from '../../auth/scope.js';

/**
 * The agent groups whose campaigns an agent may see (seed 004: agents see and start only the
 * campaigns they are assigned to, through their groups); null: the actor sees every campaign of the
 * organisation (supervisors, admins, API keys).
 */
export async function visibleGroupIds(scope: Scope): Promise<string[] | null> {
  if (scope.actor.role !== Role.AGENT || scope.actor.apiKey) return null;
  if (!scope.actor.agentId) return [];
  const rows = await scope.em.execute<{ group_id: string }[]>(`select group_id from agent_group_member where agent_id = ?`, [scope.actor.agentId]);
  return rows.map((r) => r.group_id);
}

/** The campaign id, once checked to exist in the actor's organisation and to be visible to the actor (others answer NOT_FOUND). */
export async function requireCampaignId(scope: Scope, campaignId: string): Promise<string> {
  const id = assertId(campaignId, 'campaign');
  const groups = await visibleGroupIds(scope);
  const found = await scope.em.findOne(
    CampaignEntity,
    { id, organization: scope.actor.organizationId, ...(groups ? { group: { $in: groups } } : {}) },
    { fields: ['id'] },
  );
  if (!found) throw notFound('campaign', campaignId);
  return id;
}

/** A subscription stream: the current value first (so a (re)subscriber is in sync at once), then the organisation's events. */
export async function* currentThenChanges<T extends { organizationId: string }>(
  first: T,
  events: AsyncIterable<T>,
  keep: (event: T) => boolean = () => true,
): AsyncGenerator<T> {
  yield first;
  for await (const e of events) if (e.organizationId === first.organizationId && keep(e)) yield e;
}

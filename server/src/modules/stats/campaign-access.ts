import { assertId } from '../../domain/ids.js';
import { CampaignEntity } from '../../entities/index.js';
import { notFound } from '../../errors.js';
import type { Scope } from '../../graphql/context.js';

/** The campaign id, once checked to exist in the actor's organisation (others answer NOT_FOUND). */
export async function requireCampaignId(scope: Scope, campaignId: string): Promise<string> {
  const id = assertId(campaignId, 'campaign');
  const found = await scope.em.findOne(CampaignEntity, { id, organization: scope.actor.organizationId }, { fields: ['id'] });
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

import { legalCampaignActions } from '../../domain/campaign-lifecycle.js';
import { formatClockTime } from '../../domain/campaign-rules.js';
import type { CallType } from '../../domain/campaign-options.js';
import type { CampaignEntity } from '../../entities/index.js';
import type { CampaignJson, CampaignStatsPayload } from '../../pubsub/pubsub.js';
import { toRollup } from '../stats/stats.mapper.js';
import { CampaignAction, type Campaign } from './campaign.type.js';

export function toCampaign(e: CampaignEntity, stats: CampaignStatsPayload | undefined): Campaign {
  return {
    id: e.id,
    name: e.name,
    dialMode: e.dialMode,
    status: e.status,
    actions: legalCampaignActions(e.status).map((a) => CampaignAction[a.toUpperCase() as keyof typeof CampaignAction]),
    listId: e.list?.id ?? null,
    groupId: e.group.id,
    callerId: e.callerId,
    startsAt: e.startsAt,
    endsAt: e.endsAt ?? null,
    infinite: !e.endsAt,
    callingWindow: { start: formatClockTime(e.windowStartMinute), end: formatClockTime(e.windowEndMinute) },
    attemptPolicy: {
      retries: e.retries,
      retryIntervalMinutes: e.retryIntervalMinutes,
      retryOn: e.retryOn,
      retrySchedule: e.retrySchedule ?? null,
      agentMaxAttempts: e.agentMaxAttempts,
      agentRetryIntervalMinutes: e.agentRetryIntervalMinutes,
      continueOnNotConnected: e.continueOnNotConnected,
    },
    priority: e.priority,
    abandonRateCap: e.abandonRateCap,
    maxDialRatio: e.maxDialRatio,
    callType: e.callType as CallType,
    wrapUpSeconds: e.wrapUpSeconds,
    ringTimeoutSeconds: e.ringTimeoutSeconds,
    webhooks: {
      popupUrl: e.popupUrl ?? null,
      callCompletedUrl: e.callCompletedUrl ?? null,
      callNoAnswerUrl: e.callNoAnswerUrl ?? null,
      getContactsUrl: e.getContactsUrl ?? null,
      dialWhomUrl: e.dialWhomUrl ?? null,
      statusCallbackUrl: e.statusCallbackUrl ?? null,
    },
    performance: toRollup(stats?.counts ?? {}),
    createdAt: e.createdAt,
    updatedAt: e.updatedAt,
    completedAt: e.completedAt ?? null,
    completionReason: e.completionReason ?? null,
    ownerPool: e.ownerPool ? { ...e.ownerPool } : null,
    rules: e.rules ? { addOnDrop: e.rules.addOnDrop ? { ...e.rules.addOnDrop } : null, removeOnAnswered: e.rules.removeOnAnswered } : null,
  };
}

/** The JSON-safe form of a campaign for pubsub (ISO strings, no Dates). */
export function toCampaignJson(c: Campaign): CampaignJson {
  return {
    ...c,
    startsAt: c.startsAt.toISOString(),
    endsAt: c.endsAt?.toISOString() ?? null,
    createdAt: c.createdAt.toISOString(),
    updatedAt: c.updatedAt.toISOString(),
    completedAt: c.completedAt?.toISOString() ?? null,
  };
}

/** Back from {@link toCampaignJson}. */
export function fromCampaignJson(j: CampaignJson): Campaign {
  return {
    ...j,
    startsAt: new Date(j.startsAt),
    endsAt: j.endsAt ? new Date(j.endsAt) : null,
    createdAt: new Date(j.createdAt),
    updatedAt: new Date(j.updatedAt),
    completedAt: j.completedAt ? new Date(j.completedAt) : null,
  };
}

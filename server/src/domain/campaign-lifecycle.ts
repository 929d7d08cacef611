import { illegalTransition } from './errors.js';

/** Campaign lifecycle: SCHEDULED -> RUNNING <-> PAUSED -> COMPLETED -> ARCHIVED. */
export const CampaignStatus = {
  SCHEDULED: 'SCHEDULED',
  RUNNING: 'RUNNING',
  PAUSED: 'PAUSED',
  COMPLETED: 'COMPLETED',
  ARCHIVED: 'ARCHIVED',
} as const;
export type CampaignStatus = (typeof CampaignStatus)[keyof typeof CampaignStatus];
export const CAMPAIGN_STATUSES = Object.values(CampaignStatus);

/** Why a campaign became COMPLETED. */
export const CompletionReason = {
  /** A supervisor completed it (from PAUSED). */
  SUPERVISOR: 'SUPERVISOR',
  /** Its end time (30 days at most) was reached. */
  END_TIME: 'END_TIME',
  /** No new or retry numbers were left and no call was in progress (seed 004). */
  LIST_EXHAUSTED: 'LIST_EXHAUSTED',
} as const;
export type CompletionReason = (typeof CompletionReason)[keyof typeof CompletionReason];

/** The wording agents and supervisors see for a completed campaign. */
export function completionText(reason: CompletionReason | null): string {
  switch (reason) {
    case CompletionReason.LIST_EXHAUSTED: return 'the campaign is completed: no new or retry numbers are left';
    case CompletionReason.END_TIME: return 'the campaign is completed: its end time was reached';
    case CompletionReason.SUPERVISOR: return 'the campaign was completed by a supervisor';
    default: return 'the campaign is completed';
  }
}

/** User-requested lifecycle actions. */
export type CampaignAction = 'pause' | 'resume' | 'complete' | 'archive';

const RULES: Record<CampaignAction, { from: readonly CampaignStatus[]; to: CampaignStatus; why: string }> = {
  pause: { from: [CampaignStatus.RUNNING], to: CampaignStatus.PAUSED, why: 'only a running campaign can be paused' },
  resume: { from: [CampaignStatus.PAUSED], to: CampaignStatus.RUNNING, why: 'only a paused campaign can be resumed' },
  complete: { from: [CampaignStatus.PAUSED], to: CampaignStatus.COMPLETED, why: 'pause the campaign before marking it completed' },
  archive: {
    from: [CampaignStatus.COMPLETED, CampaignStatus.SCHEDULED],
    to: CampaignStatus.ARCHIVED,
    why: 'only completed or scheduled campaigns can be archived',
  },
};

/** The status an action leads to, or an ILLEGAL_TRANSITION error. */
export function nextCampaignStatus(current: CampaignStatus, action: CampaignAction): CampaignStatus {
  const rule = RULES[action];
  if (!rule.from.includes(current)) throw illegalTransition('campaign', current, rule.to, rule.why);
  return rule.to;
}

/** Actions legal in a status (so UIs offer only those). */
export function legalCampaignActions(current: CampaignStatus): CampaignAction[] {
  return (Object.keys(RULES) as CampaignAction[]).filter((a) => RULES[a].from.includes(current));
}

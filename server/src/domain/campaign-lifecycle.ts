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
